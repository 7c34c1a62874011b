"""One scale-out setup (scripts/scale.py) for all tests of this folder: starting it takes a minute."""
from __future__ import annotations

from typing import Iterator

import pytest

from scripts import scale


@pytest.fixture(scope="session")
def stack() -> Iterator[scale.Stack]:
    """Two Rasa servers behind nginx, PostgreSQL, Redis, an action server. Fault tests restore
    what they break before they end."""
    with scale.running(servers=2) as running:
        yield running
