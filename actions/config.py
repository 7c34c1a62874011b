"""Configuration from environment variables, in one place."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Folder with topics.yml, places.yml and offerings/*.yml.
KNOWLEDGE_DIR = Path(os.environ.get("KNOWLEDGE_DIR", ROOT / "knowledge"))
#: How many offerings one answer shows at most.
MAX_OFFERINGS = int(os.environ.get("MAX_OFFERINGS", "3"))
#: How many characters one answer turn shows at most; the rest comes on "Mehr anzeigen".
MAX_TURN_CHARS = int(os.environ.get("MAX_TURN_CHARS", "1200"))
#: `make stale` lists entries whose newest source (the page's own date) is older than this.
STALE_AFTER_DAYS = int(os.environ.get("STALE_AFTER_DAYS", "730"))
