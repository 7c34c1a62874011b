"""rasa-webchat (the most common third-party Rasa widget) in a real browser (headless Chromium).

Checks that what the bot sends over socket.io (channels/socketio.py) shows correctly in a
widget that renders Markdown: contact lines stay on their own lines, links point where their
text says.

The page tests/webchat/index.html and the rasa-webchat bundle (pinned in
tests/webchat/package-lock.json; `npm ci` in tests/webchat, run by `make install`) are served
by a small HTTP server on 127.0.0.1. Its origin is a different one than the bot's, as for any
website that embeds a widget, so the bot must accept it: this module starts its own bot
(conftest.running_bot) with the page's origin added to CORS_ORIGINS, which is what an operator
does for a website (docs/betrieb.md). Serving the page from Playwright instead (route.fulfill) does not
work: Chromium counts such a page as public and blocks its WebSocket to 127.0.0.1 (Local
Network Access). Every request to another host is aborted (rasa-webchat loads Google Fonts):
the test needs nothing from the internet.
Needs Debian's Chromium (`apt-get install chromium`).
"""
from __future__ import annotations

import functools
import os
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, List
from urllib.parse import urlsplit

import pytest
from conftest import running_bot

playwright_api = pytest.importorskip("playwright.sync_api")
from browser_support import BOT_TIMEOUT, UI_TIMEOUT, chromium, wait_until_quiet  # noqa: E402
from playwright.sync_api import Browser, Page, Route, expect  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
WEBCHAT = ROOT / "tests" / "webchat"
BUNDLE = WEBCHAT / "node_modules" / "rasa-webchat" / "lib" / "index.js"
SCREENSHOT = ROOT / "results" / "browser" / "webchat.png"
#: a topic and a place whose answer cards have contact lines (domain.yml: "Telefon: {value}" …)
QUESTION = "Wo gibt es Migrationsberatung in Kassel?"
#: an answer card whose web address has underscores (knowledge/offerings/aufenthalt.yml)
QUESTION_UNDERSCORES = "Wo ist die Ausländerbehörde in Kassel?"
CONTACT_LABELS = ("Adresse:", "Telefon:", "E-Mail:", "Internet:")
URL_TEXT = re.compile(r"(?:https?://|www\.)\S+")


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def page_origin() -> Iterator[str]:
    """tests/webchat served on 127.0.0.1 (a free port); yields its origin."""
    if not BUNDLE.exists():
        pytest.fail(f"{BUNDLE} missing: run `npm ci` in tests/webchat (make install)")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(WEBCHAT)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def base_url(knowledge_copy: Path, bot_env: Dict[str, str], page_origin: str,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The bot as `servers` starts it, but with the page's origin allowed; yields its URL.

    Own conversation store and log folder (the `servers` bot may run at the same time)."""
    logs = tmp_path_factory.mktemp("webchat-logs")
    env = dict(os.environ, KNOWLEDGE_DIR=str(knowledge_copy), TF_CPP_MIN_LOG_LEVEL="2",
               SQLALCHEMY_SILENCE_UBER_WARNING="1", **bot_env)
    env.update(CORS_ORIGINS=f"{bot_env['CORS_ORIGINS']} {page_origin}", LOG_DIR=str(logs),
               DB_NAME=str(tmp_path_factory.mktemp("webchat-store") / "conversations.db"))
    with running_bot(env, logs, str(ROOT / "credentials.yml")) as bot:
        yield bot["base"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def allow_only(page: Page, origins: List[str], blocked: List[str]) -> None:
    """Requests to ``origins`` go through; all others are aborted and recorded in ``blocked``."""

    def handle(route: Route) -> None:
        if origin(route.request.url) in origins:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", handle)


def bot_messages(page: Page):
    return page.locator(".rw-messages-container .rw-response")


def settle(page: Page) -> int:
    """Wait until the bot has stopped sending (count unchanged for 1.5 s); return the count."""
    return wait_until_quiet(page, bot_messages)


def ask(page: Page, text: str, expected: str) -> int:
    """Send ``text``; wait for a bot message containing ``expected`` and for the bot to settle.
    Returns the number of bot messages before the question."""
    before = settle(page)
    box = page.locator(".rw-sender .rw-new-message")
    box.fill(text)
    box.press("Enter")
    expect(page.locator(".rw-messages-container .rw-client").last).to_contain_text(text)
    expect(bot_messages(page)).not_to_have_count(before, timeout=BOT_TIMEOUT)
    try:
        expect(bot_messages(page).filter(has_text=expected).first).to_be_visible(timeout=BOT_TIMEOUT)
    except AssertionError:
        said = "\n---\n".join(bot_messages(page).all_inner_texts()[before:])
        raise AssertionError(f"no bot message with {expected!r} after {text!r}; the bot said:\n{said}") from None
    settle(page)
    return before


#: The lines of each bot bubble as shown. innerText keeps forced breaks (<br>, paragraphs, list
#: items) and leaves out soft wraps, so a "\n" that Markdown joined into the paragraph shows up
#: as a space. With each line the top of its first character on screen.
RENDERED_LINES = """bubbles => bubbles.map(bubble => {
    const lines = bubble.innerText.split('\\n').map(s => s.trim()).filter(Boolean);
    const top = line => {
        const walker = document.createTreeWalker(bubble, NodeFilter.SHOW_TEXT);
        for (let node; (node = walker.nextNode());) {
            const i = node.data.indexOf(line.slice(0, 8));
            if (i < 0) continue;
            const range = document.createRange();
            range.setStart(node, i); range.setEnd(node, i + 1);
            return range.getBoundingClientRect().top;
        }
        return null;
    };
    return {lines, tops: lines.map(top)};
})"""

#: The links of each bot bubble: text, href attribute, elements inside.
LINKS = """bubbles => bubbles.map(bubble => [...bubble.querySelectorAll('a')].map(a => ({
    text: a.textContent.trim(), href: a.getAttribute('href'),
    inner: [...a.querySelectorAll('*')].map(e => e.tagName.toLowerCase()),
})))"""


def check_contact_lines(page: Page, before: int) -> None:
    """Each contact label ("Telefon:", "Internet:" …) of the answer cards starts a line of its
    own, lower on screen than the line before; at least one card has two or more contact lines."""
    bubbles = bot_messages(page).evaluate_all(RENDERED_LINES)[before:]
    shown = "\n---\n".join("\n".join(b["lines"]) for b in bubbles)
    cards = [b for b in bubbles if any(label in "\n".join(b["lines"]) for label in CONTACT_LABELS)]
    assert cards, f"no answer card with contact lines:\n{shown}"
    complete = 0
    for card in cards:
        lines = card["lines"]
        for label in CONTACT_LABELS:
            for line in lines:
                assert label not in line or line.startswith(label), f"{label!r} does not start a line: {line!r}"
        starts = [i for i, line in enumerate(lines) if line.startswith(CONTACT_LABELS)]
        tops = [card["tops"][i] for i in starts]
        assert None not in tops and tops == sorted(tops) and len(set(tops)) == len(tops), (lines, card["tops"])
        complete += len(starts) >= 2
    assert complete, f"no card with two contact lines:\n{shown}"


def check_links(page: Page, before: int) -> List[str]:
    """At least one link; a link that shows an address points exactly there (no <em>/<strong>
    from underscores inside, nothing cut off); every address shown is a link; no Markdown
    syntax is left as text. Returns the hrefs."""
    bubbles = bot_messages(page).evaluate_all(RENDERED_LINES)[before:]
    shown = "\n".join("\n".join(b["lines"]) for b in bubbles)
    links = [link for bubble in bot_messages(page).evaluate_all(LINKS)[before:] for link in bubble]
    assert links, f"no link in the answer:\n{shown}"
    for link in links:
        assert not link["inner"], f"markup inside a link: {link}"
        assert (link["href"] or "").startswith(("https://", "http://", "mailto:", "tel:")), link
        if URL_TEXT.fullmatch(link["text"]):
            assert link["href"] in (link["text"], "http://" + link["text"]), f"text and target differ: {link}"
    hrefs = [link["href"] for link in links]
    for url in URL_TEXT.findall(shown):
        assert url.rstrip(".,;)") in hrefs, f"address shown but not (or not fully) linked: {url}\n{hrefs}"
    assert "](" not in shown and "<http" not in shown and "\\_" not in shown, f"Markdown shown as text:\n{shown}"
    return hrefs


def test_webchat_shows_line_breaks_and_links(browser: Browser, base_url: str, page_origin: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = context.new_page()
    blocked: List[str] = []
    errors: List[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    allow_only(page, [page_origin, base_url], blocked)
    try:
        page.goto(f"{page_origin}/index.html?server={base_url}")
        # rasa-webchat shows its launcher only once socket.io is connected (origin accepted)
        launcher = page.locator(".rw-launcher")
        expect(launcher).to_be_visible(timeout=BOT_TIMEOUT)
        launcher.click()
        expect(page.locator(".rw-conversation-container")).to_be_visible(timeout=UI_TIMEOUT)
        # initPayload /greet: the bot introduces itself
        expect(bot_messages(page).first).to_contain_text("kein Mensch", timeout=BOT_TIMEOUT)

        before = ask(page, QUESTION, "Telefon:")
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))
        print(f"\nscreenshot: {SCREENSHOT}")
        check_contact_lines(page, before)
        check_links(page, before)

        before = ask(page, QUESTION_UNDERSCORES, "Kassel")
        hrefs = check_links(page, before)
        assert any("_" in href for href in hrefs), f"no address with '_' in this answer: {hrefs}"
        page.screenshot(path=str(SCREENSHOT.with_name("webchat-underscores.png")))

        assert errors == [], errors
        # the page worked without them (Google Fonts)
        print(f"blocked: {sorted({origin(url) for url in blocked})}")
    finally:
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT.with_name("webchat-last.png")))  # also when a check failed
        context.close()
