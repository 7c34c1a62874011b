"""Every environment variable of the bot, read in one place.

``SETTINGS`` lists each variable with its default and meaning; ``docs/einstellungen.md`` is
generated from it (``python -m common.settings > docs/einstellungen.md``, checked by
tests/unit/test_settings.py, which also finds every variable that the code, the shell
scripts, the Makefile, endpoints.yml, compose.yml and deploy/ read, and fails if one is not
listed here). Python code reads a variable only through ``value``/``number``/``path``.

Tracker-store database (``db_settings``): keys set in ``endpoints.yml`` under
``tracker_store`` win; whatever is missing there is taken from the environment; without
any variable the conversations go to the SQLite file ``var/conversations.db``.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_FILE = ROOT / "var" / "conversations.db"


@dataclass(frozen=True)
class Setting:
    """One environment variable: name, default ('' = none), who reads it, meaning (German)."""

    name: str
    default: str
    used_by: str
    meaning: str
    secret: bool = False


GROUPS: Dict[str, List[Setting]] = {
    "Antworten und Wissen (Aktionsserver)": [
        Setting("KNOWLEDGE_DIR", "knowledge", "Aktionsserver, make validate",
                "Ordner mit topics.yml, places.yml und offerings/*.yml."),
        Setting("MAX_OFFERINGS", "3", "Aktionsserver", "So viele Angebote zeigt eine Antwort höchstens."),
        Setting("MAX_TURN_CHARS", "1200", "Aktionsserver",
                "So viele Zeichen zeigt eine Antwort höchstens; der Rest kommt mit „Mehr anzeigen“."),
        Setting("STALE_AFTER_DAYS", "730", "make stale",
                "Einträge, deren neueste Quelle älter ist, nennt `make stale`."),
    ],
    "Nachrichten": [
        Setting("MAX_MESSAGE_CHARS", "2000", "Rasa-Server (NLU und Gesprächsspeicher)",
                "Längste Nachricht in Zeichen. Längere Texte werden vor der Sprachverarbeitung "
                "gekürzt (der Bot sagt das dem Nutzer) und gekürzt gespeichert. Die einzige Einstellung dafür."),
        Setting("SANIC_REQUEST_MAX_SIZE", "1048576", "Rasa-Server (run_bot.sh)",
                "Größte HTTP-Anfrage in Bytes; größere lehnt der Server ab."),
    ],
    "Rasa-Server": [
        Setting("RASA_PORT", "5005", "run_bot.sh, make run", "Port des Rasa-Servers."),
        Setting("CORS_ORIGINS", "", "Rasa-Server (CORS und socket.io)",
                "Web-Adressen (mit Leerzeichen getrennt), deren Seiten das Widget einbinden dürfen. "
                "Leer: nur `http://localhost:<RASA_PORT>` (die Demo-Seite)."),
        Setting("RASA_TOKEN", "", "run_bot.sh",
                "Schaltet Rasas HTTP-API mit diesem Token ein. Leer: API aus.", secret=True),
        Setting("RASA_JWT_SECRET", "", "run_bot.sh",
                "Schaltet Rasas HTTP-API mit JWT (HS256) ein. Leer: API aus.", secret=True),
        Setting("RASA_PATCHES", "all", "Rasa-Server (rasa_internals)",
                "Welche Leistungs-Patches für Rasa aktiv sind: `all`, `none` oder Namen mit Komma "
                "(validate_once, keep_connections, event_types, graph_in_order)."),
        Setting("RASA_TELEMETRY_ENABLED", "false", "Makefile, run_bot.sh",
                "Nutzungsdaten an Rasa; die Skripte setzen `false`."),
        Setting("LOG_LEVEL", "INFO", "run_bot.sh", "Log-Stufe. Ab DEBUG stehen Nachrichtentexte im Log."),
        Setting("LOG_FORMAT", "", "run_bot.sh", "`json`: eine JSON-Zeile pro Log-Eintrag (ops/logging-json.yml)."),
    ],
    "Aktionsserver": [
        Setting("ACTIONS_PORT", "5055", "run_bot.sh, Makefile", "Port des Aktionsservers."),
        Setting("ACTIONS_HOST", "127.0.0.1", "run_bot.sh",
                "Adresse, auf der der Aktionsserver lauscht; im Container `0.0.0.0` (nur internes Netz)."),
        Setting("ACTION_ENDPOINT_URL", "http://localhost:5055/webhook", "endpoints.yml",
                "Adresse des Aktionsservers für den Rasa-Server."),
        Setting("ACTION_SERVER_TOKEN", "", "Aktionsserver, endpoints.yml",
                "Gemeinsames Geheimnis von Rasa-Server und Aktionsserver. run_bot.sh erzeugt eines, "
                "wenn beide zusammen starten.", secret=True),
    ],
    "Gesprächsspeicher (Datenbank)": [
        Setting("DB_DIALECT", "sqlite", "Gesprächsspeicher", "`sqlite` oder `postgresql`."),
        Setting("DB_HOST", "localhost", "Gesprächsspeicher", "Datenbank-Host (PostgreSQL)."),
        Setting("DB_PORT", "5432", "Gesprächsspeicher", "Port (PostgreSQL)."),
        Setting("DB_NAME", "", "Gesprächsspeicher",
                "Datenbankname (PostgreSQL, sonst `rasa`) oder Pfad der SQLite-Datei (sonst var/conversations.db)."),
        Setting("DB_USER", "", "Gesprächsspeicher", "Benutzer (PostgreSQL)."),
        Setting("DB_PASSWORD", "", "Gesprächsspeicher", "Passwort (PostgreSQL).", secret=True),
        Setting("DB_LOGIN_DB", "", "Gesprächsspeicher",
                "Vorhandene Datenbank zum Anmelden, aus der DB_NAME angelegt wird (PostgreSQL)."),
        Setting("RETENTION_DAYS", "30", "make retention", "Gespräche, die älter sind, löscht `make retention`."),
        Setting("OUTAGE_WAIT_SECONDS", "10", "stores/tracker_store.py, stores/lock_store.py",
                "So lange wartet eine Nachricht, wenn Datenbank oder Redis nicht erreichbar sind (Neustart), "
                "bevor der Nutzer eine Fehlermeldung bekommt."),
    ],
    "Lock-Store (Redis, mehrere Rasa-Server)": [
        Setting("REDIS_HOST", "", "deploy/endpoints.yml", "Redis-Host des Lock-Stores."),
        Setting("REDIS_PORT", "6379", "deploy/endpoints.yml", "Redis-Port."),
        Setting("REDIS_PASSWORD", "", "deploy/endpoints.yml", "Redis-Passwort.", secret=True),
        Setting("LOCK_LEASE_SECONDS", "2", "stores/lock_store.py",
                "Lebensdauer eines Gesprächs-Locks, die der Server erneuert, solange er arbeitet. Stirbt ein "
                "Server, ist sein Lock spätestens nach dieser Zeit frei."),
    ],
    "Messenger": [
        Setting("TELEGRAM_TOKEN", "", "scripts/credentials.py",
                "Token des Telegram-Bots. Telegram ist an, wenn TOKEN, BOT_NAME und WEBHOOK_URL gesetzt sind.",
                secret=True),
        Setting("TELEGRAM_BOT_NAME", "", "scripts/credentials.py", "Name des Telegram-Bots."),
        Setting("TELEGRAM_WEBHOOK_URL", "", "scripts/credentials.py",
                "Öffentliche Adresse von /webhooks/telegram/webhook."),
        Setting("TELEGRAM_SECRET_TOKEN", "", "scripts/credentials.py",
                "Geheimnis, das Telegram bei jedem Webhook-Aufruf mitschickt (empfohlen).", secret=True),
        Setting("TELEGRAM_API_URL", "", "scripts/credentials.py",
                "Anderer Bot-API-Server (z. B. selbst betrieben oder Test). Leer: api.telegram.org."),
        Setting("FACEBOOK_VERIFY", "", "scripts/credentials.py",
                "Verify-Token des Webhooks. Facebook ist an, wenn VERIFY, SECRET und PAGE_ACCESS_TOKEN gesetzt sind.",
                secret=True),
        Setting("FACEBOOK_SECRET", "", "scripts/credentials.py", "App-Secret (prüft die Signatur).", secret=True),
        Setting("FACEBOOK_PAGE_ACCESS_TOKEN", "", "scripts/credentials.py", "Seiten-Token.", secret=True),
        Setting("FACEBOOK_GRAPH_URL", "", "scripts/credentials.py",
                "Anderer Graph-API-Server (Test). Leer: graph.facebook.com."),
    ],
    "Entwicklung, Tests und Messungen": [
        Setting("PYTHON310", "", "Makefile", "Pfad zu Python 3.10, wenn es nicht gefunden wird."),
        Setting("SPACY_MODEL", "de_hessen_pipeline", "Makefile",
                "spaCy-Pipeline; `de_core_news_sm`, wo sie installiert werden kann (dann auch config.yml ändern)."),
        Setting("MIN_INTENT_ACCURACY", "0.93", "make test (scripts/check_nlu.py)",
                "Untergrenze der Intent-Genauigkeit auf dem deutschen Testsatz (tests/nlu/de.yml)."),
        Setting("MIN_INTENT_F1", "0.93", "make test (scripts/check_nlu.py)",
                "Untergrenze des Intent-F1 (macro) auf dem deutschen Testsatz."),
        Setting("MIN_PLACE_F1", "0.95", "make test (scripts/check_nlu.py)", "Untergrenze des F1 für Orte."),
        Setting("MIN_LANGUAGE_ACCURACY", "0.90", "make test (scripts/check_nlu.py)",
                "Untergrenze der Intent-Genauigkeit je weiterer Sprache (tr, uk, ru, ar, fa) auf ihrem Testsatz."),
        Setting("RASA_SERVERS", "2", "make scale", "Zahl der Rasa-Server hinter nginx."),
        Setting("NGINX_PORT", "8080", "make scale", "Port von nginx."),
        Setting("BENCH_ARGS", "", "make bench", "Optionen für scripts/bench.py, z. B. `--quick`."),
        Setting("EVALUATE_CV", "", "make evaluate",
                "Nicht leer: `make evaluate` rechnet zusätzlich die 5-fache Kreuzvalidierung (trainiert fünf Modelle)."),
    ],
}

#: Name -> setting.
SETTINGS: Dict[str, Setting] = {s.name: s for group in GROUPS.values() for s in group}


def value(name: str, env: Optional[Mapping[str, str]] = None) -> str:
    """The variable's value, or its default when unset or empty. Unknown names are an error."""
    setting = SETTINGS[name]
    env = os.environ if env is None else env
    return env.get(name) or setting.default


def number(name: str, env: Optional[Mapping[str, str]] = None) -> int:
    """The variable as an integer."""
    return int(value(name, env))


def decimal(name: str, env: Optional[Mapping[str, str]] = None) -> float:
    """The variable as a float."""
    return float(value(name, env))


def path(name: str, env: Optional[Mapping[str, str]] = None) -> Path:
    """The variable as a path; relative paths are relative to the project folder."""
    return ROOT / value(name, env)


#: tracker store keyword -> environment variable
DB_VARS: Dict[str, str] = {"dialect": "DB_DIALECT", "host": "DB_HOST", "port": "DB_PORT", "db": "DB_NAME",
                           "username": "DB_USER", "password": "DB_PASSWORD", "login_db": "DB_LOGIN_DB"}


def db_settings(given: Optional[Dict[str, Any]] = None, env: Optional[Mapping[str, str]] = None) -> Dict[str, Any]:
    """Keyword arguments for Rasa's ``SQLTrackerStore``: ``given`` (endpoints.yml) first, then
    the environment, then the defaults (SQLite file ``var/conversations.db``)."""
    given = given or {}
    env = os.environ if env is None else env
    settings = {key: given.get(key) if given.get(key) not in (None, "") else (env.get(var) or None)
                for key, var in DB_VARS.items()}
    dialect = settings["dialect"] = (settings["dialect"] or SETTINGS["DB_DIALECT"].default).lower()
    if dialect == "sqlite":
        db = Path(settings["db"] or DEFAULT_SQLITE_FILE)
        db.parent.mkdir(parents=True, exist_ok=True)  # SQLite creates the file, not the folder
        return {"dialect": "sqlite", "db": str(db)}
    settings["host"] = settings["host"] or SETTINGS["DB_HOST"].default
    settings["port"] = int(settings["port"] or SETTINGS["DB_PORT"].default)
    settings["db"] = settings["db"] or "rasa"
    return settings


def markdown() -> str:
    """docs/einstellungen.md."""
    lines = ["# Einstellungen (Umgebungsvariablen)", "",
             "Erzeugt aus `common/settings.py` mit `python -m common.settings > docs/einstellungen.md`. "
             "Nicht von Hand ändern: ein Test vergleicht die Datei mit dem Code und findet jede Variable, "
             "die Code, Skripte, Makefile, endpoints.yml, compose.yml und deploy/ lesen.", "",
             "Leer gelassene Variablen haben ihren Standardwert. Geheimnisse (🔒) nie ins Repository schreiben; "
             "in Compose stehen sie in `.env` (Vorlage: `deploy/compose.env.example`).", ""]
    for group, settings in GROUPS.items():
        lines += [f"## {group}", "", "| Variable | Standard | Wer liest sie | Bedeutung |", "|---|---|---|---|"]
        for s in settings:
            name = f"`{s.name}`" + (" 🔒" if s.secret else "")
            default = f"`{s.default}`" if s.default else "–"
            lines.append(f"| {name} | {default} | {s.used_by} | {s.meaning} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(markdown())
