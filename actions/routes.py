"""What the user can act on for a topic and a place, and how local it is.

A route is either a sourced office with a phone number, e-mail address or street
address, or an official deep link filled in for the place.  The levels, best first,
are what ``docs/coverage.md`` counts and what the answer heading is based on.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Tuple

from actions import ranking
from actions.knowledge import Knowledge, Offering
from actions.links import Link
from actions.places import Place

#: Route levels, best first. An actionable route is any level but NONE.
LOCAL = "local"  # an office of the municipality itself
DISTRICT = "district"  # an office of the Kreis or kreisfreie Stadt
REGION = "region"  # an office for the Regierungsbezirk
DEEP_LINK = "deep_link"  # an official directory page filled in for the place
STATE = "state"  # a Hessen-wide office with a contact
FEDERAL = "federal"  # only a nationwide service with a contact (hotline, online counselling)
NONE = "none"  # only general information, no contact
LEVELS = (LOCAL, DISTRICT, REGION, DEEP_LINK, STATE, FEDERAL, NONE)


@dataclass(frozen=True)
class Route:
    level: str
    offering: Optional[Offering] = None
    link: Optional[Link] = None

    @property
    def actionable(self) -> bool:
        return self.level != NONE


def office_level(place: Place, match: ranking.Match) -> str:
    """The route level of an office matched for this place (LOCAL, DISTRICT, REGION, STATE, FEDERAL)."""
    chain = place.chain()
    served = chain[match.level] if match.level < len(chain) else None
    if served is None:
        return STATE if match.level == len(chain) else FEDERAL
    if served == place.region:
        return REGION
    if served == place.id and place.kind == "municipality":
        return LOCAL
    return DISTRICT


def place_links(knowledge: Knowledge, topic_id: str, place: Optional[Place]) -> List[Tuple[Link, str]]:
    """Deep links for the place first, then links that are the same for everybody."""
    filled = [(link, link.url_for(place)) for link in knowledge.links_for(topic_id)]
    usable = [(link, url) for link, url in filled if url]
    return sorted(usable, key=lambda pair: not pair[0].for_places)


def best_route(knowledge: Knowledge, topic_id: str, place: Place) -> Route:
    """The most local thing a user at this place can act on for this topic."""
    offices = [m for m in ranking.find(knowledge, topic_id, place) if m.offering.has_contact]
    levels = [(office_level(place, m), m.offering) for m in offices]
    for wanted in (LOCAL, DISTRICT, REGION):
        for level, offering in levels:
            if level == wanted:
                return Route(level, offering=offering)
    for link, _url in place_links(knowledge, topic_id, place):
        if link.for_places:
            return Route(DEEP_LINK, link=link)
    for wanted in (STATE, FEDERAL):
        for level, offering in levels:
            if level == wanted:
                return Route(level, offering=offering)
    return Route(NONE)


def has_local(matches: List[ranking.Match], place: Optional[Place]) -> bool:
    """True if any shown offering serves the place, its district or its region (not only Hessen)."""
    return bool(place) and any(m.level < len(place.chain()) for m in matches)
