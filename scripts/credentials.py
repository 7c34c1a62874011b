"""Write the credentials file Rasa starts with: the committed channels plus the
messenger channels whose secrets are set in the environment.

Secrets never enter a file: the generated file holds ``${VAR}`` placeholders that
Rasa fills from the environment at start-up.  A messenger channel is enabled only
when all its variables are set, because Rasa refuses to start on an unset one.

Usage: python -m scripts.credentials OUT_FILE   (called by scripts/run_bot.sh)
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent

# messenger -> (channel class for credentials.yml, required settings, optional settings),
# each setting mapped to its environment variable.  The classes are Rasa's connectors
# with buttons adapted to each messenger (channels/telegram.py, channels/facebook.py).
MESSENGERS: Dict[str, Tuple[str, Dict[str, str], Dict[str, str]]] = {
    "telegram": ("channels.telegram.TelegramChannel",
                 {"access_token": "TELEGRAM_TOKEN", "verify": "TELEGRAM_BOT_NAME",
                  "webhook_url": "TELEGRAM_WEBHOOK_URL"},
                 {"api_url": "TELEGRAM_API_URL", "secret_token": "TELEGRAM_SECRET_TOKEN"}),
    "facebook": ("channels.facebook.FacebookChannel",
                 {"verify": "FACEBOOK_VERIFY", "secret": "FACEBOOK_SECRET",
                  "page-access-token": "FACEBOOK_PAGE_ACCESS_TOKEN"},
                 {"graph_url": "FACEBOOK_GRAPH_URL"}),
}


def compose(env: Dict[str, str]) -> Tuple[dict, List[str]]:
    """The credentials with every messenger channel whose variables are all set."""
    credentials = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8")) or {}
    enabled = []
    for messenger, (channel, required, optional) in MESSENGERS.items():
        if all(env.get(var) for var in required.values()):
            settings = {**required, **{key: var for key, var in optional.items() if env.get(var)}}
            credentials[channel] = {key: f"${{{var}}}" for key, var in settings.items()}
            enabled.append(messenger)
    return credentials, enabled


def write(credentials: dict, out: str) -> None:
    """Write the credentials as YAML, with ``${VAR}`` unquoted so that Rasa substitutes it."""
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(credentials, sort_keys=False)
    Path(out).write_text(text.replace("'${", "${").replace("}'", "}"), encoding="utf-8")


def main(out: str) -> None:
    credentials, enabled = compose(dict(os.environ))
    write(credentials, out)
    print("Messenger-Kanäle: " + (", ".join(enabled) if enabled else "keiner (Variablen nicht gesetzt)"))


if __name__ == "__main__":
    main(sys.argv[1])
