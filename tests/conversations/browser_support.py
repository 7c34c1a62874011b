"""What the two browser tests share: Debian's Chromium through Playwright, and waiting for the bot.

Used by test_widget_browser.py (the project's widget) and test_webchat_browser.py (rasa-webchat).
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BOT_TIMEOUT = 30_000  # ms: a bot reply (model + action server) may take a while
UI_TIMEOUT = 5_000
#: The bot has finished a turn when no new message came for this long (seconds).
QUIET = 1.5


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Debian Chromium (Playwright cannot download browsers here)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def wait_until_quiet(page: Page, messages: Callable[[Page], Locator]) -> int:
    """Wait until the count of ``messages(page)`` has not changed for QUIET seconds; return it."""
    count, stable_since = messages(page).count(), time.monotonic()
    deadline = time.monotonic() + BOT_TIMEOUT / 1000
    while time.monotonic() < deadline and time.monotonic() - stable_since < QUIET:
        page.wait_for_timeout(250)
        now = messages(page).count()
        if now != count:
            count, stable_since = now, time.monotonic()
    return count
