"""Bot text for Markdown widgets (socket.io) and plain-text messengers (Telegram, Facebook)."""
from channels.text_format import markdown_safe, plain

CARD = ("PZG Nordhessen\nHilfe bei seelischen Krisen.\nTelefon: 0561 / 81644 322\n"
        "Internet: https://www.example.de/de/wir_ueber_uns.\n"
        "Quelle: [example.de](https://www.example.de/de/der_traeger), Stand der Quelle: März 2024")


def test_markdown_keeps_every_line_and_links_unbroken() -> None:
    text = markdown_safe(CARD)
    lines = text.split("  \n")  # every single break is a Markdown hard break
    assert [line.replace("<", "").replace(">", "") for line in lines] == CARD.split("\n")
    assert "<https://www.example.de/de/wir_ueber_uns>." in text  # autolink; the full stop stays outside
    assert "[example.de](https://www.example.de/de/der_traeger)" in text  # Markdown link left alone


def test_markdown_keeps_message_breaks() -> None:
    assert markdown_safe("Erste Nachricht\n\nZweite\nZeile") == "Erste Nachricht\n\nZweite  \nZeile"


def test_plain_text_shows_the_link_label() -> None:
    text = plain(CARD)
    assert "Quelle: example.de, Stand der Quelle: März 2024" in text
    assert "https://www.example.de/de/wir_ueber_uns" in text and "](" not in text


def test_brackets_inside_addresses_stay_in_the_link() -> None:
    assert markdown_safe("Siehe https://example.de/a_(b).") == "Siehe <https://example.de/a_(b)>."
    assert markdown_safe("(https://example.de/x)") == "(<https://example.de/x>)"
    linked = "Quelle: [example.de](https://example.de/a_(b)/c), Stand"
    assert markdown_safe(linked) == linked and plain(linked) == "Quelle: example.de, Stand"


def test_address_with_ampersand_is_a_link_whose_label_escapes_it() -> None:
    url = "https://verwaltungsportal.hessen.de/leistung?leistung_id=L1&regschl=066110000000"
    assert markdown_safe(f"Link: {url}") == f"Link: [{url.replace('&', '&amp;')}]({url})"
