"""The action server's settings (read in common/settings.py, listed in docs/einstellungen.md)."""
from __future__ import annotations

from common import settings

ROOT = settings.ROOT
#: Folder with topics.yml, places.yml and offerings/*.yml.
KNOWLEDGE_DIR = settings.path("KNOWLEDGE_DIR")
#: How many offerings one answer shows at most.
MAX_OFFERINGS = settings.number("MAX_OFFERINGS")
#: How many characters one answer turn shows at most; the rest comes on "Mehr anzeigen".
MAX_TURN_CHARS = settings.number("MAX_TURN_CHARS")
#: `make stale` lists entries whose newest source (the page's own date) is older than this.
STALE_AFTER_DAYS = settings.number("STALE_AFTER_DAYS")
