"""Turn offerings into reply variables, using the wording templates in domain.yml.

The actions never hold answer text: line templates such as ``utter_line_phone``
("Telefon: {value}") live in ``domain.yml`` and reach the action server with the
domain.  This module only picks the templates and fills them.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from actions.knowledge import CONTACT_FIELDS, Offering

DETAIL_FIELDS = CONTACT_FIELDS + ("cost", "languages", "audience")


def template(domain: Mapping[str, Any], name: str, language: Optional[str] = None) -> str:
    """Text of a response in the domain for the user's language ('' if missing).

    Variants with a ``language`` slot condition (see domain.yml) win when the language
    matches; otherwise the first variant without a condition is used, as Rasa does.
    """
    variants = (domain.get("responses") or {}).get(name) or []
    for variant in variants:
        if language and {"type": "slot", "name": "language", "value": language} in (variant.get("condition") or []):
            return str(variant.get("text", ""))
    plain = [v for v in variants if not v.get("condition")]
    return str(plain[0].get("text", "")) if plain else ""


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


def offering_variables(offering: Offering, domain: Mapping[str, Any],
                       language: Optional[str] = None) -> Dict[str, str]:
    """Variables for the ``utter_offering`` response."""
    items = "\n".join(template(domain, "utter_line_item", language).format(value=i) for i in offering.items)
    source = offering.sources[0]
    return {k: safe(v) for k, v in {
        "name": offering.name,
        "description": offering.description + ("\n" + items if items else ""),
        "details": detail_lines(offering, domain, language),
        "source_url": source.url,
        "checked": offering.latest_check.strftime("%d.%m.%Y"),
    }.items()}
