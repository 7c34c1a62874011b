"""One answer turn: offering cards and official links, cut to what one chat turn should show.

A turn starts with a heading and may end with a question; in between come the cards
of the offerings (most local first) and the official links.  Everything the user sees
in one turn stays under ``config.MAX_TURN_CHARS`` characters; offerings that do not fit
wait for "Mehr anzeigen" (slot ``more_offerings``).  The first offering always comes,
and so does the first link when there is one, so that a turn is never without
something to act on.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from actions import render
from actions.knowledge import Offering
from actions.links import Link

Message = Dict[str, Any]


@dataclass
class Turn:
    """Messages of one turn and how many characters they show."""

    domain: Mapping[str, Any]
    language: Optional[str]
    budget: int
    messages: List[Message] = field(default_factory=list)
    used: int = 0

    def size(self, message: Message) -> int:
        return len(render.text_of(self.domain, message, self.language))

    def add(self, message: Message) -> None:
        self.messages.append(message)
        self.used += self.size(message)

    def fits(self, message: Message, reserve: int = 0) -> bool:
        return self.used + self.size(message) + reserve <= self.budget


def card(offering: Offering, domain: Mapping[str, Any], language: Optional[str], explain: bool = False) -> Message:
    return {"response": "utter_offering", **render.offering_variables(offering, domain, language, explain)}


def link_card(link: Link, url: str, language: Optional[str] = None) -> Message:
    return {"response": "utter_link", **render.link_variables(link, url, language)}


def fill(turn: Turn, offerings: Sequence[Offering], links: Sequence[Tuple[Link, str]], max_offerings: int,
         max_links: int, explain: bool = False, reserve: int = 0) -> Tuple[List[Offering], List[Offering]]:
    """Add the cards and links that fit; return (offerings shown, offerings left for "mehr").

    Priority: the first offering, the first link, then the other offerings and links in
    order.  Shown in reading order: offerings first, then links."""
    cards = [(o, card(o, turn.domain, turn.language, explain and i == 0)) for i, o in enumerate(offerings)]
    link_cards = [link_card(link, url, turn.language) for link, url in links[:max_links]]
    priority: List[Tuple[Optional[Offering], Message]] = cards[:1] + [(None, m) for m in link_cards[:1]]
    priority += cards[1:max_offerings] + [(None, m) for m in link_cards[1:]]
    chosen: List[Tuple[Optional[Offering], Message]] = []
    probe = Turn(turn.domain, turn.language, turn.budget, used=turn.used)
    for index, (offering, message) in enumerate(priority):
        must = index == 0 or (index == 1 and offering is None)  # the first offering, the first link
        if must or probe.fits(message, reserve):
            probe.add(message)
            chosen.append((offering, message))
    shown = [o for o, _ in chosen if o is not None]
    for _, message in [c for c in chosen if c[0] is not None] + [c for c in chosen if c[0] is None]:
        turn.add(message)
    left = [o for o in offerings if o not in shown]
    return shown, left
