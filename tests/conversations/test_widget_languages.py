"""The widget's language switch, message languages and right-to-left display (headless Chromium).

Uses the fixtures of conftest.py: the real bot (`servers`), `base_url` (the widget is served by
channels.widget.WidgetChannel) and `browser` (Debian's Chromium). The bot's wording is not asserted, only what the
widget must do with it: `lang`/`dir` of the page, the widget and every bot bubble (from the field
`lang` of socket.io's bot_uttered), the hidden /choose_language message, links that stay
left-to-right in Arabic text and whose text names their target. Screenshots go to
results/screenshots/widget-ar.png and widget-uk.png.
"""
from __future__ import annotations

import json
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Tuple, Union
from urllib.parse import urlsplit

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
from browser_support import BOT_TIMEOUT, UI_TIMEOUT, axe_violations, wait_until_quiet  # noqa: E402
from playwright.sync_api import Browser, Locator, Page, Response, WebSocket, expect  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "results" / "screenshots"
SWITCH = "Sprache / Language"
#: the widget's own label of the input in each language (widget/hessen-chat.js, TEXTS)
INPUT_LABEL = {"de": "Nachricht eingeben", "ar": "اكتب رسالتك", "uk": "Введіть повідомлення"}
SCRIPT = {"ar": re.compile(r"[\u0600-\u06FF]"), "uk": re.compile(r"[\u0400-\u04FF]")}
QUESTION = {"ar": "أين أجد دورة لغة ألمانية في كاسل؟", "uk": "Де знайти курс німецької мови у Франкфурті?"}


class Traffic:
    """What the page and the bot send each other over socket.io (polling requests and WebSocket
    frames): hidden messages such as /choose_language, and the bot_language events."""

    def __init__(self, page: Page) -> None:
        self.raw: List[Tuple[str, str]] = []  # (direction "out"/"in", engine.io payload)
        self.polls: List[Response] = []
        page.on("websocket", self._websocket)
        page.on("request", lambda r: self.raw.append(("out", r.post_data or ""))
                if "/socket.io/" in r.url and r.method == "POST" else None)
        page.on("response", lambda r: self.polls.append(r)
                if "/socket.io/" in r.url and r.request.method == "GET" else None)

    def _websocket(self, ws: WebSocket) -> None:
        def frame(direction: str) -> Callable[[Union[str, bytes]], None]:
            return lambda p: self.raw.append((direction, p if isinstance(p, str) else p.decode("utf-8", "replace")))
        ws.on("framesent", frame("out"))
        ws.on("framereceived", frame("in"))

    def events(self, direction: str, name: str) -> List[Any]:
        """The first argument of every socket.io event `name` sent in `direction`, in order
        (replies that came by long-polling, before the WebSocket was up, come first)."""
        raws = []
        if direction == "in":
            for response in self.polls:
                try:
                    raws.append(response.text())
                except Exception:  # noqa: BLE001 (body no longer available: not a message)
                    pass
        raws += [raw for d, raw in self.raw if d == direction]
        found = []
        for raw in raws:
            for packet in raw.split("\x1e"):  # engine.io joins polling packets with U+001E
                match = re.match(r"42\d*(\[.*\])$", packet, re.S)
                if match:
                    event, *args = json.loads(match.group(1))
                    if event == name:
                        found.append(args[0] if args else None)
        return found

    def sent(self) -> List[str]:
        return [data["message"] for data in self.events("out", "user_uttered")]

    def bot_langs(self) -> List[Any]:
        return [data.get("lang") for data in self.events("in", "bot_language")]


def bot_messages(page: Page) -> Locator:
    return page.locator(".hc-log .hc-msg--bot")


def assert_server_lang(traffic: Traffic, start: int, code: str) -> None:
    """The server names the language of its messages from `start` on (event bot_language before each)."""
    langs = traffic.bot_langs()[start:]
    assert langs and set(langs) == {code}, f"lang of the bot's messages (None: field missing): {langs}, expected {code}"


def settle(page: Page) -> int:
    expect(page.locator(".hc-typing")).to_be_hidden(timeout=BOT_TIMEOUT)
    return wait_until_quiet(page, bot_messages)


def open_chat(page: Page, base: str) -> Traffic:
    traffic = Traffic(page)
    page.goto(f"{base}/webhooks/widget/demo.html")
    page.get_by_role("button", name="Chat öffnen").click()
    expect(page.get_by_role("dialog")).to_be_visible(timeout=UI_TIMEOUT)
    expect(bot_messages(page).first).to_be_visible(timeout=BOT_TIMEOUT)  # greeting
    settle(page)
    return traffic


def choose(page: Page, traffic: Traffic, code: str, name: str) -> None:
    """Pick `name` in the switch: the widget sends /choose_language unseen, the bot answers in `code`."""
    before = bot_messages(page).count()
    switch = page.get_by_label(SWITCH, exact=True)
    expect(switch).to_be_visible()
    assert switch.evaluate("el => el.tagName") == "SELECT"
    options = switch.locator("option")
    expect(options).to_have_text(["Deutsch", "English", "Türkçe", "Українська", "Русский", "العربية", "فارسی"])
    switch.select_option(label=name)
    expect(switch).to_have_value(code)
    hidden = f'/choose_language{{"language_choice":"{code}"}}'
    replies = len(traffic.bot_langs())
    expect(bot_messages(page)).not_to_have_count(before, timeout=BOT_TIMEOUT)  # the bot confirms
    settle(page)
    assert traffic.sent().count(hidden) == 1, traffic.sent()
    assert_server_lang(traffic, replies, code)
    expect(page.locator(".hc-log .hc-msg--user", has_text="choose_language")).to_have_count(0)
    expect(bot_messages(page).nth(before)).to_have_attribute("lang", code)


def assert_language(page: Page, code: str, direction: str, page_too: bool = True) -> None:
    """Widget (and page) and the widget's own texts are in `code`."""
    for selector in ["html", ".hc-root"] if page_too else [".hc-root"]:
        expect(page.locator(selector)).to_have_attribute("lang", code)
        expect(page.locator(selector)).to_have_attribute("dir", direction)
    expect(page.get_by_label(SWITCH, exact=True)).to_have_value(code)
    box = page.get_by_label(INPUT_LABEL[code], exact=True)
    expect(box).to_be_visible()
    assert (box.get_attribute("placeholder") or "").startswith(INPUT_LABEL[code])  # label in name
    assert page.evaluate("() => getComputedStyle(document.querySelector('.hc-log')).direction") == direction


def ask(page: Page, traffic: Traffic, code: str, ui: str = "") -> int:
    """Type the question of `code` (into the widget in language `ui`, default `code`);
    return the index of the answer's first bot bubble."""
    before = bot_messages(page).count()
    replies = len(traffic.bot_langs())
    expect(page.get_by_label(INPUT_LABEL[ui or code], exact=True)).to_be_visible()
    box = page.locator(".hc-input")  # its label may change with the answer
    box.fill(QUESTION[code])
    box.press("Enter")
    expect(box).to_have_value("")
    user = page.locator(".hc-log .hc-msg--user").last
    expect(user).to_contain_text(QUESTION[code])
    expect(user).to_have_attribute("dir", "auto")  # direction from the text the user typed
    assert user.evaluate("el => getComputedStyle(el).direction") == ("rtl" if code == "ar" else "ltr")
    expect(bot_messages(page)).not_to_have_count(before, timeout=BOT_TIMEOUT)
    settle(page)
    assert_server_lang(traffic, replies, code)
    return before


def names_target(href: str, text: str) -> bool:
    """The link text is the address it opens (a web address, its domain, an e-mail or a phone number)."""
    text = text.strip()
    if href.startswith("tel:"):
        return re.sub(r"\D", "", text.replace("(0)", "")) == re.sub(r"\D", "", href)
    if href.startswith("mailto:"):
        return href[len("mailto:"):] == text
    host = (urlsplit(href).hostname or "").removeprefix("www.")
    return text in (href, href.removeprefix("https://"), href.removeprefix("http://")) or \
        text.rstrip("/").removeprefix("www.") == host


def answer_facts(page: Page, first: int) -> List[Dict[str, Any]]:
    """For each bot bubble from `first` on: lang, dir, text, its reply buttons' lang/dir, its links."""
    return page.evaluate("""first => [...document.querySelectorAll('.hc-log .hc-msg--bot')].slice(first).map(m => {
        const next = m.nextElementSibling;
        const replies = next && next.classList.contains('hc-replies') ? next : null;
        return {
            lang: m.getAttribute('lang'), dir: m.getAttribute('dir'),
            text: m.querySelector('.hc-text') ? m.querySelector('.hc-text').textContent : '',
            replies: replies && [replies.getAttribute('lang'), replies.getAttribute('dir'),
                                 getComputedStyle(replies.querySelector('.hc-reply')).direction],
            links: [...m.querySelectorAll('a')].map(a => ({
                href: a.getAttribute('href'), text: a.firstChild.textContent,
                isolate: a.parentElement.closest('[dir]') !== m && a.parentElement.closest('[dir]').getAttribute('dir'),
                direction: getComputedStyle(a).direction,
            })),
        };
    })""", first)


def check_answer(page: Page, first: int, code: str, direction: str) -> None:
    facts = answer_facts(page, first)
    assert facts, "no answer"
    for fact in facts:
        assert (fact["lang"], fact["dir"]) == (code, direction), fact
        if fact["replies"]:
            assert fact["replies"] == [code, direction, direction], fact
    assert any(SCRIPT[code].search(f["text"]) for f in facts), facts  # written in that language
    links = [link for fact in facts for link in fact["links"]]
    assert links, f"the answer has no link or phone number: {facts}"
    for link in links:
        # every address, e-mail and phone number sits in its own left-to-right element
        assert link["isolate"] == "ltr" and link["direction"] == "ltr", link
        assert names_target(link["href"], link["text"]), link
    log_text = page.locator(".hc-log").inner_text()
    assert "](" not in log_text and "<http" not in log_text, log_text


def no_horizontal_scrolling(page: Page) -> None:
    overflow = page.evaluate("""() => ({
        doc: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        log: (el => el.scrollWidth - el.clientWidth)(document.querySelector('.hc-log')),
    })""")
    assert overflow == {"doc": 0, "log": 0}, overflow


@contextmanager
def desktop_page(browser: Browser) -> Iterator[Tuple[Page, List[str]]]:
    """A desktop-sized page and the list of script errors it raised."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = context.new_page()
    errors: List[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        yield page, errors
    finally:
        context.close()


def test_arabic_conversation(browser: Browser, base_url: str) -> None:
    with desktop_page(browser) as (page, errors):
        traffic = open_chat(page, base_url)
        assert_language(page, "de", "ltr", page_too=False)  # the page is left alone until a choice
        expect(page.locator("html")).not_to_have_attribute("dir", re.compile("."))
        choose(page, traffic, "ar", "العربية")
        assert_language(page, "ar", "rtl")
        # mirrored: the panel sits bottom left, bot bubbles on the right
        panel = page.get_by_role("dialog").bounding_box()
        assert panel is not None and panel["x"] < 100, panel
        expect(page.get_by_role("button", name="إغلاق المحادثة")).to_be_visible()

        first = ask(page, traffic, "ar")
        check_answer(page, first, "ar", "rtl")
        bubble = bot_messages(page).nth(first).bounding_box()
        log = page.locator(".hc-log").bounding_box()
        assert bubble and log and (log["x"] + log["width"]) - (bubble["x"] + bubble["width"]) < 30, (bubble, log)
        no_horizontal_scrolling(page)
        link = page.locator(".hc-log bdi[dir=ltr] a").first
        link.scroll_into_view_if_needed()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "widget-ar.png"))
        print(f"\nscreenshot: {SCREENSHOTS / 'widget-ar.png'}")

        # the choice survives a reload of the page (sessionStorage), messages keep lang/dir
        count = bot_messages(page).count()
        page.reload()
        expect(page.get_by_role("dialog")).to_be_visible(timeout=UI_TIMEOUT)
        expect(bot_messages(page)).to_have_count(count)
        assert_language(page, "ar", "rtl")
        check_answer(page, first, "ar", "rtl")
        assert errors == [], errors


def test_ukrainian_conversation(browser: Browser, base_url: str) -> None:
    with desktop_page(browser) as (page, errors):
        traffic = open_chat(page, base_url)
        choose(page, traffic, "uk", "Українська")
        assert_language(page, "uk", "ltr")
        panel = page.get_by_role("dialog").bounding_box()
        assert panel is not None and panel["x"] > 600, panel  # not mirrored
        first = ask(page, traffic, "uk")
        check_answer(page, first, "uk", "ltr")
        no_horizontal_scrolling(page)
        page.locator(".hc-log a").first.scroll_into_view_if_needed()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "widget-uk.png"))
        assert errors == [], errors


def test_widget_follows_the_bot_and_arabic_ui_has_no_axe_violations(browser: Browser, base_url: str) -> None:
    """Arabic typed into the German widget: the bot answers in Arabic, the widget follows
    (without sending /choose_language); axe-core finds nothing, on a desktop and on a phone."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = context.new_page()
    try:
        traffic = open_chat(page, base_url)
        first = ask(page, traffic, "ar", ui="de")
        check_answer(page, first, "ar", "rtl")
        assert_language(page, "ar", "rtl")  # switched by the answer ...
        assert not [m for m in traffic.sent() if "choose_language" in m], traffic.sent()  # ... alone
        assert axe_violations(page) == []

        # phone size: the panel covers the page, so it is modal and the page behind it inert
        page.set_viewport_size({"width": 360, "height": 740})
        dialog = page.get_by_role("dialog")
        expect(dialog).to_have_attribute("aria-modal", "true")
        expect(page.locator("main")).to_have_attribute("inert", "")
        no_horizontal_scrolling(page)
        assert axe_violations(page) == []
    finally:
        context.close()
