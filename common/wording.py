"""The wording of the bot: a response's text in domain.yml for the user's language.

Used by the actions (to fill and measure replies) and by the messenger channels (the hint
under a numbered list), so that every text the bot sends comes from domain.yml.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional


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
