"""Find the offerings that serve a place, local ones first.

Order: the municipality itself, then its district, its Regierungsbezirk, the whole
of Hessen, and finally federal (nationwide) offerings.  Without a place only
state-wide and federal offerings are shown; for a place outside Hessen only
federal ones.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import FrozenSet, Iterable, List, Optional, Sequence

from actions.knowledge import FEDERAL, STATE_WIDE, Knowledge, Offering
from actions.places import Place


@dataclass(frozen=True)
class Match:
    offering: Offering
    level: int  # 0 = serves the place itself … len(chain)+1 = federal


def levels_for(place: Optional[Place], outside_hessen: bool = False) -> List[str]:
    """The 'serves' values that apply, from most local to most general."""
    if outside_hessen:
        return [FEDERAL]
    chain = list(place.chain()) if place else []
    return chain + [STATE_WIDE, FEDERAL]


#: Small words that say nothing about which offering is meant.
_FILLERS = frozenset("für fuer und der die das den dem des ein eine einer mit von bei zum zur was wie wer "
                     "ist sind gibt the and for what who".split())


def words(text: str) -> FrozenSet[str]:
    """Lower-case words of three or more letters ("ADiBe-Netzwerk" -> adibe, netzwerk), no fillers."""
    return frozenset(w for w in re.findall(r"[a-zäöüß]{3,}", text.lower()) if w not in _FILLERS)


def rank(offerings: Iterable[Offering], place: Optional[Place], outside_hessen: bool = False,
         limit: Optional[int] = None, question: str = "") -> List[Match]:
    """Offerings serving the place, most local first.

    Within a level, offerings whose name shares more words with the question come first
    ("Was ist QuB?" puts QuB first), then those with a contact."""
    levels = levels_for(place, outside_hessen)
    matches = []
    for offering in offerings:
        hits = [levels.index(s) for s in offering.serves if s in levels]
        if hits:
            matches.append(Match(offering, min(hits)))
    # Most local first; within a level, offerings with a contact first; then file order.
    asked = words(question)
    matches.sort(key=lambda m: (m.level, -len(asked & words(m.offering.name)), not m.offering.has_contact))
    return matches[:limit] if limit else matches


def find(knowledge: Knowledge, topic_id: str, place: Optional[Place], outside_hessen: bool = False,
         limit: Optional[int] = None, question: str = "") -> List[Match]:
    return rank(knowledge.by_topic(topic_id), place, outside_hessen, limit, question)


def by_ids(knowledge: Knowledge, ids: Sequence[str]) -> List[Offering]:
    return [knowledge.offerings[i] for i in ids if i in knowledge.offerings]
