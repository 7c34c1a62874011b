"""Deep links into official finders, filled in for the user's place.

``knowledge/links.yml`` says where each link goes (a URL pattern seen on a real page);
this module only fills the placeholders:

- ``{regschl}``: the 12-digit Regionalschlüssel (ARS) of the place,
- ``{ags}``: the 8-digit Amtlicher Gemeindeschlüssel,
- ``{name}``: the municipality's name, URL-encoded.

The Regionalschlüssel is built from the AGS: Land (2) + Regierungsbezirk (1) + Kreis (2)
+ Gemeindeverband (4) + Gemeinde (3).  Hessen has no Gemeindeverbände; for a municipality
the Gemeindeverband part is "0" followed by its three-digit municipality number, and a
kreisfreie Stadt has "0000" and "000".  Both are the same formula below.  The source of
the rule is recorded in ``links.yml`` (``regschl_rule``), and tests check it against
stored Verwaltungsportal pages (``tests/data/regschl_examples.yml``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping, Optional, Tuple
from urllib.parse import quote

from actions.places import Place

PLACEHOLDERS = ("regschl", "ags", "name")
_PLACEHOLDER_RE = re.compile(r"\{([a-z_]+)\}")


def regschl(place: Place) -> str:
    """12-digit Regionalschlüssel of a municipality (8-digit AGS) or district (5 digits); '' if unknown."""
    ags = place.ags
    if len(ags) == 8 and ags.isdigit():
        return ags[:5] + "0" + ags[5:] + ags[5:]
    if len(ags) == 5 and ags.isdigit():
        return ags + "0000000"
    return ""


def placeholders(pattern: str) -> Tuple[str, ...]:
    return tuple(_PLACEHOLDER_RE.findall(pattern))


def pattern_matches(pattern: str, url: str) -> bool:
    """A URL seen on a real page has the pattern's shape (placeholders match any value)."""
    parts = _PLACEHOLDER_RE.split(pattern)
    regex = "".join(re.escape(p) if i % 2 == 0 else r"[^&#/]+" for i, p in enumerate(parts))
    return re.fullmatch(regex, url) is not None


@dataclass(frozen=True)
class Link:
    """One official finder or service page the bot can point to."""

    id: str
    topic: str
    name: str
    url: str
    description: str = ""
    #: The description in the other languages (from translations/<language>.yml), by language code.
    description_translations: Mapping[str, str] = field(default_factory=dict)

    def description_in(self, language: Optional[str]) -> str:
        """The description in the user's language; German where there is no translation."""
        return self.description_translations.get(language or "") or self.description

    @property
    def for_places(self) -> bool:
        """True if the link is filled in for a place (otherwise it is the same for everybody)."""
        return bool(placeholders(self.url))

    def url_for(self, place: Optional[Place]) -> Optional[str]:
        """The URL for this place; None if the link needs a place and this one cannot fill it."""
        if not self.for_places:
            return self.url
        if place is None:
            return None
        values = {"regschl": regschl(place), "ags": place.ags if len(place.ags) == 8 else "",
                  "name": quote(place.name) if place.kind == "municipality" else ""}
        needed = placeholders(self.url)
        if not all(values.get(n) for n in needed):
            return None
        return _PLACEHOLDER_RE.sub(lambda m: values[m.group(1)], self.url)
