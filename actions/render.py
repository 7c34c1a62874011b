"""Turn offerings into reply variables, using the wording templates in domain.yml.

The actions never hold answer text: line templates such as ``utter_line_phone``
("Telefon: {value}") live in ``domain.yml`` and reach the action server with the
domain.  This module only picks the templates and fills them.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional
from urllib.parse import urlsplit

from actions.knowledge import CONTACT_FIELDS, Offering, Source
from actions.links import Link
from common.wording import template  # noqa: F401  (used here and re-exported for the actions)

DETAIL_FIELDS = CONTACT_FIELDS + ("cost", "languages", "audience")


def safe(value: str) -> str:
    """Values go into Rasa's str.format templates: braces would break them."""
    return value.replace("{", "(").replace("}", ")")


def detail_value(offering: Offering, field: str) -> str:
    if field in CONTACT_FIELDS:
        return getattr(offering.contact, field)
    if field == "languages":
        return ", ".join(offering.languages)
    return str(getattr(offering, field, "") or "")


def detail_lines(offering: Offering, domain: Mapping[str, Any], language: Optional[str] = None) -> str:
    """Contact, cost and languages, one line each from its template; unknown fields are left out.

    Every line ends with a newline, so an offering without any known detail leaves no gap."""
    lines: List[str] = []
    for field in ("address", "phone", "email", "web", "hours", "cost", "languages"):
        value = detail_value(offering, field)
        line = template(domain, f"utter_line_{field}", language)
        if value and line:
            lines.append(line.format(value=value))
    return "".join(line + "\n" for line in lines)


def source_date(published: str, domain: Mapping[str, Any], language: Optional[str] = None) -> str:
    """The page's own date as users read it: 'Stand der Quelle: März 2024' or 'Quelle ohne Datum'.

    Never the day the page was read: a stored copy says nothing about today."""
    if not published:
        return template(domain, "utter_source_undated", language)
    parts = published.split("-")
    when = parts[0]
    months = template(domain, "utter_month_names", language).split()
    if len(parts) > 1 and len(months) == 12 and parts[1].isdigit() and 1 <= int(parts[1]) <= 12:
        when = f"{months[int(parts[1]) - 1]} {parts[0]}"
    return template(domain, "utter_source_dated", language).format(date=when)


def _shown_source(offering: Offering) -> Source:
    """The source users see: the newest dated one, else the first."""
    return offering.newest_source or offering.sources[0]


def site_name(url: str) -> str:
    """Short name of a page's site for the source line: 'https://www.pzg-nordhessen.de/x' -> 'pzg-nordhessen.de'."""
    host = urlsplit(url).netloc.lower()
    return host[4:] if host.startswith("www.") else host


def long_text(offering: Offering, domain: Mapping[str, Any], language: Optional[str] = None) -> str:
    """The description with its list items: shown on "Mehr anzeigen" and for "Was ist …?" questions."""
    items = "\n".join(template(domain, "utter_line_item", language).format(value=i) for i in offering.items)
    return offering.description + ("\n" + items if items else "")


def offering_variables(offering: Offering, domain: Mapping[str, Any], language: Optional[str] = None,
                       explain: bool = False) -> Dict[str, str]:
    """Variables for the ``utter_offering`` card: name, one sentence, contact lines, source line.

    ``explain`` adds the long text after the sentence (the answer to "Was ist …?")."""
    source = _shown_source(offering)
    return {k: safe(v) for k, v in {
        "name": offering.name,
        "summary": offering.summary_in(language),
        "more": long_text(offering, domain, language) + "\n" if explain else "",
        "details": detail_lines(offering, domain, language),
        "source_site": site_name(source.url),
        "source_url": source.url,
        "source_date": source_date(source.published, domain, language),
    }.items()}


def more_variables(offering: Offering, domain: Mapping[str, Any], language: Optional[str] = None) -> Dict[str, str]:
    """Variables for ``utter_offering_more``: the long text of an offering already shown."""
    return {k: safe(v) for k, v in {"name": offering.name, "text": long_text(offering, domain, language)}.items()}


def link_variables(link: Link, url: str, language: Optional[str] = None) -> Dict[str, str]:
    """Variables for the ``utter_link`` response (an official finder, filled in for the place)."""
    return {k: safe(v) for k, v in {
        "name": link.name,
        "description": link.description_in(language) + "\n" if link.description else "",
        "url": url,
    }.items()}


def text_of(domain: Mapping[str, Any], message: Mapping[str, Any], language: Optional[str] = None) -> str:
    """The text a dispatched message will show, to keep one turn short (see actions.answer)."""
    text = template(domain, str(message.get("response", "")), language)
    try:
        return text.format(**{k: v for k, v in message.items() if k not in ("response", "buttons")})
    except (KeyError, IndexError, ValueError):
        return text  # as Rasa does: a template with a missing value is sent unfilled
