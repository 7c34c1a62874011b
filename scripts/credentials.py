"""Write the credentials file Rasa starts with: the committed channels plus the
messenger channels whose secrets are set in the environment.

Secrets never enter a file: the generated file holds ``${VAR}`` placeholders that
Rasa fills from the environment at start-up.  A messenger channel is enabled only
when all its variables are set, because Rasa refuses to start on an unset one.

Usage: python scripts/credentials.py OUT_FILE   (called by scripts/run_bot.sh)
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent

# channel key in credentials.yml -> (setting -> environment variable)
MESSENGERS: Dict[str, Dict[str, str]] = {
    "telegram": {"access_token": "TELEGRAM_TOKEN", "verify": "TELEGRAM_BOT_NAME",
                 "webhook_url": "TELEGRAM_WEBHOOK_URL"},
    "facebook": {"verify": "FACEBOOK_VERIFY", "secret": "FACEBOOK_SECRET",
                 "page-access-token": "FACEBOOK_PAGE_ACCESS_TOKEN"},
}


def compose(env: Dict[str, str]) -> Tuple[dict, List[str]]:
    """The credentials with every messenger channel whose variables are all set."""
    credentials = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8")) or {}
    enabled = []
    for channel, settings in MESSENGERS.items():
        if all(env.get(var) for var in settings.values()):
            credentials[channel] = {key: f"${{{var}}}" for key, var in settings.items()}
            enabled.append(channel)
    return credentials, enabled


def main(out: str) -> None:
    credentials, enabled = compose(dict(os.environ))
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(credentials, sort_keys=False)
    Path(out).write_text(text.replace("'${", "${").replace("}'", "}"), encoding="utf-8")
    print("Messenger-Kanäle: " + (", ".join(enabled) if enabled else "keiner (Variablen nicht gesetzt)"))


if __name__ == "__main__":
    main(sys.argv[1])
