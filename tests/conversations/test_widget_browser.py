"""The website chat widget in a real browser (headless Chromium via Playwright).

Uses the `servers`, `base_url` and `browser` fixtures (conftest.py: real Rasa + action server); the widget is served by
channels.widget.WidgetChannel at /webhooks/widget/ and talks to Rasa's socket.io channel.
Needs Debian's Chromium (`apt-get install chromium`) and `npm ci` in widget/.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
import requests

playwright_api = pytest.importorskip("playwright.sync_api")
from browser_support import BOT_TIMEOUT, UI_TIMEOUT, axe_violations, wait_until_quiet  # noqa: E402
from playwright.sync_api import Browser, Page, expect  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "results" / "browser" / "widget.png"


def bot_messages(page: Page):
    return page.locator(".hc-log .hc-msg--bot")


def open_with_keyboard(page: Page) -> None:
    """Tab to the launcher (no mouse) and open it with Enter."""
    launcher = page.get_by_role("button", name="Chat öffnen")
    expect(launcher).to_be_visible(timeout=UI_TIMEOUT)
    for _ in range(10):  # skip link and the like come first
        page.keyboard.press("Tab")
        if launcher.evaluate("el => el === document.activeElement"):
            break
    expect(launcher).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible(timeout=UI_TIMEOUT)


def settle(page: Page) -> int:
    """Wait until the bot has stopped sending (count unchanged for 1.5 s); return the count."""
    expect(page.locator(".hc-typing")).to_be_hidden(timeout=BOT_TIMEOUT)
    return wait_until_quiet(page, bot_messages)


def say(page: Page, text: str) -> None:
    """Type into the focused input and press Enter; wait until the bot has answered."""
    before = bot_messages(page).count()
    box = page.get_by_label("Nachricht eingeben")
    expect(box).to_be_focused()
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    expect(box).to_have_value("")
    expect(page.locator(".hc-log .hc-msg--user").last).to_have_text(re.compile(re.escape(text)))
    expect(bot_messages(page)).not_to_have_count(before, timeout=BOT_TIMEOUT)
    settle(page)


def test_widget_served_with_content_types_and_no_path_traversal(base_url: str) -> None:
    types = {"hessen-chat.js": "text/javascript", "hessen-chat.css": "text/css",
             "demo.html": "text/html", "socket.io.min.js": "text/javascript"}
    for name, content_type in types.items():
        r = requests.get(f"{base_url}/webhooks/widget/{name}", timeout=10)
        assert r.status_code == 200, name
        assert r.headers["Content-Type"].startswith(content_type), (name, r.headers["Content-Type"])
    for bad in ["../credentials.yml", "..%2Fcredentials.yml", "%2e%2e/%2e%2e/credentials.yml",
                "package.json", "node_modules/socket.io-client/package.json", "widget.py"]:
        r = requests.get(f"{base_url}/webhooks/widget/{bad}", timeout=10)
        assert r.status_code == 404, bad
        assert "socketio" not in r.text


def test_widget_conversation_keyboard_only(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = context.new_page()
    dialogs: List[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    errors: List[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{base_url}/webhooks/widget/demo.html")
        expect(page.get_by_text("Hessisches Ministerium für Arbeit, Integration, Jugend und Soziales")).to_be_visible()

        # German accessible names on all controls
        open_with_keyboard(page)
        for name in ["Nachricht eingeben", "Senden", "Chat schließen"]:
            expect(page.get_by_label(name, exact=True)).to_be_visible()
        log = page.get_by_role("log")
        expect(log).to_have_attribute("aria-live", "polite")

        # first open: the bot greets by itself and says it is not a human
        expect(bot_messages(page).first).to_contain_text("kein Mensch", timeout=BOT_TIMEOUT)
        expect(page.get_by_label("Nachricht eingeben")).to_be_focused()

        # the status live region stays in the DOM (visually hidden while empty)
        assert page.locator(".hc-status").evaluate("el => getComputedStyle(el).display") != "none"

        # question -> answer with a clickable phone link (digits only in the href)
        answer_start = bot_messages(page).count()
        say(page, "Wo finde ich ein psychosoziales Zentrum in Kassel?")
        # the log shows the start of the answer, not only its end
        assert bot_messages(page).nth(answer_start).evaluate(
            "el => el.getBoundingClientRect().top >= el.closest('.hc-log').getBoundingClientRect().top - 1")
        # Markdown from the socket.io channel: the source link shows its label, no syntax is left
        log_text = page.locator(".hc-log").inner_text()
        assert "](" not in log_text and "<http" not in log_text, log_text
        tel = page.locator('.hc-log a[href^="tel:"]').first
        expect(tel).to_be_visible(timeout=BOT_TIMEOUT)
        tel.scroll_into_view_if_needed()
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT.with_name("widget-answer.png")))
        assert re.fullmatch(r"tel:\+?\d{3,15}", tel.get_attribute("href") or "")
        expect(page.locator(".hc-log a[href^='tel:0561']").first).to_be_visible()
        assert page.locator('.hc-log a[href^="http"][target="_blank"][rel~="noopener"]').count() > 0
        # axe-core (npm, widget/package.json) on the open widget with an answer: no violations
        assert axe_violations(page) == []

        # menu with quick replies; reach a quick-reply button with the keyboard
        say(page, "Hilfe")
        reply = page.locator(".hc-reply", has_text="Einbürgerung")
        expect(reply).to_be_visible(timeout=BOT_TIMEOUT)
        for _ in range(30):
            page.keyboard.press("Shift+Tab")
            if reply.evaluate("el => el === document.activeElement"):
                break
        expect(reply).to_be_focused()
        expect(reply).not_to_have_css("outline-style", "none")  # visible focus
        page.keyboard.press("Enter")
        expect(page.locator(".hc-log .hc-msg--user").last).to_have_text(re.compile("Einbürgerung"))
        expect(page.locator(".hc-reply", has_text="Einbürgerung")).to_have_count(0)  # used up
        expect(bot_messages(page).last).to_contain_text(
            re.compile(r"In welcher Stadt|Angebote für|Einbürgerung|War diese Antwort hilfreich"), timeout=BOT_TIMEOUT)
        count_before_reload = settle(page)

        # Escape closes and gives focus back to the launcher; Space opens again
        page.keyboard.press("Escape")
        expect(page.get_by_role("dialog")).to_be_hidden()
        launcher = page.get_by_role("button", name="Chat öffnen")
        expect(launcher).to_be_focused()
        expect(launcher).not_to_have_css("outline-style", "none")  # visible focus
        page.keyboard.press(" ")
        expect(page.get_by_role("dialog")).to_be_visible()
        expect(page.get_by_label("Nachricht eingeben")).to_be_focused()

        # reload: the conversation is still there (panel reopens by itself)
        page.reload()
        expect(page.get_by_role("dialog")).to_be_visible(timeout=UI_TIMEOUT)
        expect(bot_messages(page)).to_have_count(count_before_reload)
        expect(page.locator(".hc-log")).to_contain_text("psychosoziales Zentrum in Kassel")
        expect(page.locator('.hc-log a[href^="tel:"]').first).to_be_visible()

        # the session goes on after the reload; markup is shown as literal text
        page.get_by_label("Nachricht eingeben").focus()
        evil = "<script>alert(1)</script><b>fett</b>"
        say(page, evil)
        expect(page.locator(".hc-log .hc-msg--user").last).to_have_text(re.compile(re.escape(evil)))
        assert page.locator(".hc-log b, .hc-log script").count() == 0
        page.wait_for_timeout(500)
        assert dialogs == [], dialogs

        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))
        print(f"\nscreenshot: {SCREENSHOT}")
        assert errors == [], errors
    finally:
        context.close()


def test_widget_rating_buttons_keyboard_only(browser: Browser, base_url: str) -> None:
    """Under an answer: "War diese Antwort hilfreich?" with two buttons, reached and pressed with the
    keyboard; "Nicht hilfreich" asks what was missing, the typed answer is thanked, and the next
    question is answered as usual."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = context.new_page()
    errors: List[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{base_url}/webhooks/widget/demo.html")
        open_with_keyboard(page)
        expect(bot_messages(page).first).to_contain_text("kein Mensch", timeout=BOT_TIMEOUT)
        say(page, "Wo finde ich einen Deutschkurs in Kassel?")
        expect(bot_messages(page).last).to_have_text(re.compile(re.escape("War diese Antwort hilfreich?")))
        group = page.locator(".hc-replies").last
        expect(group).to_have_attribute("role", "group")
        helpful = group.get_by_role("button", name="Hilfreich", exact=True)
        not_helpful = group.get_by_role("button", name="Nicht hilfreich", exact=True)
        expect(helpful).to_be_visible()
        expect(not_helpful).to_be_visible()
        expect(page.locator(".hc-reply", has_text="Mehr anzeigen")).to_be_visible()  # the answer's own button stays
        assert axe_violations(page) == []
        page.screenshot(path=str(SCREENSHOT.with_name("widget-feedback.png")))

        for _ in range(10):  # from the input back to the last button of the log
            page.keyboard.press("Shift+Tab")
            if not_helpful.evaluate("el => el === document.activeElement"):
                break
        expect(not_helpful).to_be_focused()
        expect(not_helpful).not_to_have_css("outline-style", "none")  # visible focus
        before = bot_messages(page).count()
        page.keyboard.press("Enter")
        expect(page.locator(".hc-log .hc-msg--user").last).to_have_text(re.compile("Nicht hilfreich"))
        expect(page.locator(".hc-reply", has_text="Hilfreich")).to_have_count(0)  # used up
        expect(bot_messages(page)).not_to_have_count(before, timeout=BOT_TIMEOUT)
        settle(page)
        expect(bot_messages(page).last).to_contain_text("Was hat gefehlt?")
        expect(page.get_by_label("Nachricht eingeben")).to_be_focused()

        say(page, "Die Antwort war zu lang und zu kompliziert")
        expect(bot_messages(page).last).to_contain_text("Danke, das hilft der Redaktion")
        say(page, "Deutschkurs in Kassel")
        expect(page.locator(".hc-log")).to_contain_text("Kassel")
        expect(bot_messages(page).last).to_have_text(re.compile(re.escape("War diese Antwort hilfreich?")))
        assert errors == [], errors
    finally:
        context.close()


def test_widget_on_a_narrow_screen(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="de-DE",
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    try:
        page.goto(f"{base_url}/webhooks/widget/demo.html")
        page.get_by_role("button", name="Chat öffnen").click()
        panel = page.get_by_role("dialog")
        expect(panel).to_be_visible()
        expect(bot_messages(page).first).to_contain_text("kein Mensch", timeout=BOT_TIMEOUT)
        page.get_by_label("Nachricht eingeben").fill("Ich suche einen Deutschkurs in Marburg https://www.example.de/ein/sehr/langer/pfad/ohne/leerzeichen/der/umbrechen/muss")
        page.get_by_label("Senden").click()
        expect(bot_messages(page)).not_to_have_count(1, timeout=BOT_TIMEOUT)
        box = panel.bounding_box()
        assert box is not None and box["x"] == 0 and abs(box["width"] - 360) < 1, box
        overflow = page.evaluate("""() => ({
            doc: document.documentElement.scrollWidth - document.documentElement.clientWidth,
            log: (el => el.scrollWidth - el.clientWidth)(document.querySelector('.hc-log')),
        })""")
        assert overflow == {"doc": 0, "log": 0}, overflow
        # the full-screen panel is modal: the page behind it is inert (screen readers' virtual
        # cursor stays in the panel) and the keyboard focus stays inside
        expect(panel).to_have_attribute("aria-modal", "true")
        for part in ["header.site-header", "main", "footer", ".skip-link"]:
            expect(page.locator(part)).to_have_attribute("inert", "")
        page.get_by_label("Senden").focus()
        page.keyboard.press("Tab")
        expect(page.get_by_label("Sprache / Language", exact=True)).to_be_focused()
        page.keyboard.press("Shift+Tab")
        expect(page.get_by_label("Senden")).to_be_focused()
        page.screenshot(path=str(SCREENSHOT.with_name("widget-360.png")))
        page.keyboard.press("Escape")
        expect(panel).to_be_hidden()
        assert page.locator("[inert]").count() == 0
    finally:
        context.close()


def test_widget_on_very_small_viewports(browser: Browser, base_url: str) -> None:
    """400 % zoom (320 × 256 CSS pixels): header in one row, privacy notice collapsed, room for
    the messages; 200 % zoom (1280 × 800 → 640 × 400): the panel covers the page, so it is modal
    and Tab after "Senden" stays in it (the focus is never hidden behind it, WCAG 2.4.11)."""
    context = browser.new_context(viewport={"width": 320, "height": 256}, locale="de-DE", device_scale_factor=4)
    page = context.new_page()
    try:
        page.goto(f"{base_url}/webhooks/widget/demo.html")
        page.get_by_role("button", name="Chat öffnen").click()
        panel = page.get_by_role("dialog")
        expect(panel).to_have_attribute("aria-modal", "true")
        expect(bot_messages(page).first).to_be_visible(timeout=BOT_TIMEOUT)
        header = page.locator(".hc-header").bounding_box()
        log = page.locator(".hc-log").bounding_box()
        assert header and header["height"] <= 56, header
        assert log and log["height"] >= 100, log  # was 57 px with notice and two-row header
        # the notice is collapsed to its summary and opens on demand; the input still refers to it
        notice = page.locator(".hc-notice")
        expect(notice).to_be_hidden()
        expect(page.get_by_label("Nachricht eingeben")).to_have_attribute("aria-describedby", "hc-notice")
        summary = page.locator(".hc-notice-summary")
        expect(summary).to_be_visible()
        summary.click()
        expect(notice).to_be_visible()
        expect(page.get_by_label("Sprache / Language", exact=True)).to_be_visible()  # label visually hidden
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow == 0
        page.screenshot(path=str(SCREENSHOT.with_name("widget-320x256.png")))
        assert axe_violations(page) == []

        page.set_viewport_size({"width": 640, "height": 400})  # 1280 × 800 at 200 %
        expect(panel).to_have_attribute("aria-modal", "true")
        page.get_by_label("Senden").focus()
        page.keyboard.press("Tab")
        assert page.evaluate("document.querySelector('.hc-panel').contains(document.activeElement)")
        page.set_viewport_size({"width": 1280, "height": 800})  # 100 %: beside the page again
        expect(panel).to_have_attribute("aria-modal", "false")
        assert page.locator("[inert]").count() == 0
    finally:
        context.close()


LINK_CASES = {
    # text -> links the widget must make (href list, in order)
    "Telefon: 0561 / 81644 322": ["tel:056181644322"],
    "Rufen Sie 0800 111 0 111 an oder 0800 111 0 222.": ["tel:08001110111", "tel:08001110222"],
    "Bei Lebensgefahr 112, Polizei 110.": ["tel:112", "tel:110"],
    "Hilfetelefon 116 016, Bereitschaftsdienst 116 117": ["tel:116016", "tel:116117"],
    "Tel. 06631/792-773, Zentrale 0641 306-0": ["tel:06631792773", "tel:06413060"],
    "+49 611 3219-0 oder +49 (0)69 212 12345": ["tel:+4961132190", "tel:+496921212345"],
    "E-Mail: info@psz-kassel.de.": ["mailto:info@psz-kassel.de"],
    "Quelle: https://soziales.hessen.de/integration (Stand der Quelle: März 2024)": ["https://soziales.hessen.de/integration"],
    "Siehe www.integrationskompass.de.": ["https://www.integrationskompass.de"],
    "(mehr unter https://example.de/a_(b)/c).": ["https://example.de/a_(b)/c"],
    "Stand: 2025-01-15, 34117 Kassel, Mo–Fr 09:00–12:00, 600 Stunden, bis zu 1.000 Stunden": [],
    "javascript:alert(1) data:text/html,<b>x</b>": [],
}


def linkified(page: Page, texts: List[str]) -> Dict[str, Tuple[str, List[List[str]]]]:
    """The widget's rendering of each bot text: (text shown, [[href, link text], ...])."""
    return {text: (shown, links) for text, [shown, links] in page.evaluate("""texts => texts.map(text => {
        const div = document.createElement('div');
        window.HessenChat.linkify(div, text);
        return [text, [div.textContent.replace(/ \\(öffnet in neuem Fenster\\)/g, ''),
                       [...div.querySelectorAll('a')].map(a => [a.getAttribute('href'), a.firstChild.textContent])]];
    })""", texts)}


def test_links_in_bot_text(browser: Browser, base_url: str) -> None:
    page = browser.new_page()
    try:
        page.goto(f"{base_url}/webhooks/widget/demo.html")
        found = linkified(page, list(LINK_CASES))
        assert {text: [href for href, _ in links] if shown == text else "TEXT CHANGED"
                for text, (shown, links) in found.items()} == LINK_CASES
    finally:
        page.close()


MARKDOWN_CASES = {
    # text as the socket.io channel sends it -> (text shown, [[href, link text], ...])
    "Quelle: [pzg-nordhessen.de](https://www.pzg-nordhessen.de/de/wir-ueber-uns/der-traegerverein), Stand der Quelle: März 2024":
        ("Quelle: pzg-nordhessen.de, Stand der Quelle: März 2024",
         [["https://www.pzg-nordhessen.de/de/wir-ueber-uns/der-traegerverein", "pzg-nordhessen.de"]]),
    "Telefon: 0561 / 81644 322  \nInternet: <https://www.kassel.de/a_-_b/c_d.php>  \nE-Mail: info@psz-kassel.de":
        ("Telefon: 0561 / 81644 322\nInternet: https://www.kassel.de/a_-_b/c_d.php\nE-Mail: info@psz-kassel.de",
         [["tel:056181644322", "0561 / 81644 322"], ["https://www.kassel.de/a_-_b/c_d.php", "https://www.kassel.de/a_-_b/c_d.php"],
          ["mailto:info@psz-kassel.de", "info@psz-kassel.de"]]),
    "Mehr: [Seite (neu)](https://example.de/a_(b)/c).": ("Mehr: Seite (neu).", [["https://example.de/a_(b)/c", "Seite (neu)"]]),
    "[x](javascript:alert(1)) <javascript:alert(1)>": ("[x](javascript:alert(1)) <javascript:alert(1)>", []),
    # an address with "&": its label writes "&amp;" (channels/text_format.py)
    "Link: [https://v.de/l?a=1&amp;regschl=06](https://v.de/l?a=1&regschl=06)":
        ("Link: https://v.de/l?a=1&regschl=06", [["https://v.de/l?a=1&regschl=06", "https://v.de/l?a=1&regschl=06"]]),
}


def test_markdown_links_in_bot_text(browser: Browser, base_url: str) -> None:
    page = browser.new_page()
    try:
        page.goto(f"{base_url}/webhooks/widget/demo.html")
        found = linkified(page, list(MARKDOWN_CASES))
        assert found == {text: (shown, links) for text, (shown, links) in MARKDOWN_CASES.items()}
        assert page.evaluate("""() => {
            const div = document.createElement('div');
            window.HessenChat.linkify(div, 'Quelle: [a.de](https://a.de/x)');
            const a = div.querySelector('a');
            return a.target === '_blank' && a.rel.includes('noopener') && !!a.querySelector('.hc-visually-hidden');
        }""")
    finally:
        page.close()


def _luminance(rgb: str) -> float:
    values = [int(v) / 255 for v in re.findall(r"\d+", rgb)[:3]]
    lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in values]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_text_contrast_is_wcag_aa(browser: Browser, base_url: str) -> None:
    page = browser.new_page()
    try:
        page.goto(f"{base_url}/webhooks/widget/demo.html")
        page.evaluate("""() => {
            window.HessenChat.open(false);
            const log = document.querySelector('.hc-log');
            for (const [cls, text] of [['bot', 'Bot 0561 / 81644 322'], ['user', 'Ich'], ['system', 'Hinweis']]) {
                const m = document.createElement('div');
                m.className = 'hc-msg hc-msg--' + cls;
                window.HessenChat.linkify(m, text);
                log.appendChild(m);
            }
            const g = document.createElement('div'); g.className = 'hc-replies';
            const b = document.createElement('button'); b.className = 'hc-reply'; b.textContent = 'Thema';
            g.appendChild(b); log.appendChild(g);
        }""")
        pairs = page.evaluate("""() => {
            const bg = el => { for (; el; el = el.parentElement) {
                const c = getComputedStyle(el).backgroundColor;
                if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c; } return 'rgb(255, 255, 255)'; };
            const selector = '.hc-title, .hc-lang-label, .hc-lang-select, .hc-notice, .hc-msg, .hc-msg a, '
                + '.hc-reply, .hc-send, .hc-input';
            return [...document.querySelectorAll(selector)]
                .map(el => [el.className || el.tagName, getComputedStyle(el).color, bg(el)]);
        }""")
        assert len(pairs) >= 10
        for name, fg, bg in pairs:
            lighter, darker = sorted([_luminance(fg), _luminance(bg)], reverse=True)
            ratio = (lighter + 0.05) / (darker + 0.05)
            assert ratio >= 4.5, (name, fg, bg, round(ratio, 2))
    finally:
        page.close()
