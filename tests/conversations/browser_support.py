"""What the two browser tests share: Debian's Chromium through Playwright, and waiting for the bot.

Used by test_widget_browser.py and test_widget_languages.py (the project's widget) and
test_webchat_browser.py (rasa-webchat). The fixtures `browser` and `base_url` are in conftest.py.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, List

import pytest
from playwright.sync_api import Browser, Locator, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
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


AXE = ROOT / "widget" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_violations(page: Page) -> List[str]:
    """axe-core's findings for the page (rule id and the first affected element), empty if none."""
    page.evaluate(AXE.read_text(encoding="utf-8"))  # not a <script> tag: the widget's CSP forbids inline scripts
    return page.evaluate("""async (tags) => {
        const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
        return result.violations.map(v => `${v.id}: ${v.nodes[0].target.join(" ")} (${v.help})`);
    }""", AXE_TAGS)


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
