"""``python -m rasa_internals <rasa arguments>``: Rasa's command line with the patches installed.

    python -m rasa_internals run --model models --endpoints endpoints.yml ...
    python -m rasa_internals shell --model models

Used by scripts/run_bot.sh and scripts/scale.py instead of ``rasa run``. The patches are
chosen with ``RASA_PATCHES`` (docs/einstellungen.md); the line "performance patches active"
in the log, and ``rasa.patches`` in ``/webhooks/health/``, show which are on.
"""
from __future__ import annotations

import logging
import sys

import rasa_internals


def main() -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-8s %(name)s  - %(message)s"))
    logging.getLogger(rasa_internals.__name__).addHandler(handler)
    logging.getLogger(rasa_internals.__name__).setLevel(logging.INFO)
    rasa_internals.install()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
