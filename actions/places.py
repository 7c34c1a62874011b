"""Resolve what a user typed ("Giessen", "MKK", "Bad Homburg") to a place in Hessen.

The gazetteer (``knowledge/places.yml``) knows the 3 Regierungsbezirke, 26 districts
and all municipalities with the spellings people type.  A close misspelling is
accepted ("Gisen" -> Gießen); anything else is reported as unknown, so the bot can
say it only covers Hessen.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from common import yaml_files
from common.language import fold

# Words around a place name that do not change which place is meant.
_FILLER = re.compile(r"^(in|im|bei|aus|nach|um|der|die|das|dem|den|stadt|gemeinde|raum|region|umgebung)\s+",
                     re.IGNORECASE)


#: Words that name a kind of place, not a place: an entity of only these words is no place.
GENERIC_PLACE_WORDS = frozenset("im in der die das dem den meinem meiner unserem unserer kreis landkreis "
                                "stadt gemeinde ort dorf region bezirk town city district".split())


def normalise(text: str) -> str:
    """Lower case, umlauts and ß folded, accents dropped, punctuation to spaces: 'Groß-Gerau' -> 'gross gerau'.

    Cyrillic and Arabic letters stay (Arabic letter variants made one, common.language.fold)."""
    text = fold(text).strip()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(a, b)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).replace("ı", "i")
    text = re.sub(r"[\W_]+", " ", text).strip()
    while True:
        stripped = _FILLER.sub("", text)
        if stripped == text:
            return text
        text = stripped


def _fold_plain(text: str) -> str:
    """Folding for users who drop the dots of umlauts: 'Fürth' -> 'furth'."""
    return normalise(text.replace("ä", "a").replace("ö", "o").replace("ü", "u")
                     .replace("Ä", "A").replace("Ö", "O").replace("Ü", "U"))


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    kind: str  # "region", "landkreis", "kreisfreie_stadt", "municipality"
    district: Optional[str] = None  # district id (municipalities)
    region: Optional[str] = None  # region id (districts and municipalities)
    ags: str = ""  # Amtlicher Gemeindeschlüssel: 8 digits (municipality), 5 digits (district)

    def chain(self) -> Tuple[str, ...]:
        """This place and the areas containing it, smallest first."""
        return tuple(dict.fromkeys(p for p in (self.id, self.district, self.region) if p))


class Gazetteer:
    """Places of Hessen, looked up by id or by any known spelling."""

    def __init__(self, places: List[Place], aliases: Dict[str, List[str]]) -> None:
        self.places: Dict[str, Place] = {p.id: p for p in places}
        self._index: Dict[str, str] = {}
        for place in places:
            for spelling in [place.name, place.id] + aliases.get(place.id, []):
                for key in {normalise(spelling), _fold_plain(spelling)}:
                    # First writer wins. Municipalities come first, so the bare name of a
                    # kreisfreie Stadt ("Kassel") means the town, not its district.
                    self._index.setdefault(key, place.id)

    @classmethod
    def from_file(cls, path: Path) -> "Gazetteer":
        data = yaml_files.read(path) or {}
        places: List[Place] = []
        aliases: Dict[str, List[str]] = {}
        districts = {d["id"]: d for d in data.get("districts", [])}
        district_ags: Dict[str, str] = {}
        for m in data.get("municipalities", []):
            region = districts.get(m["district"], {}).get("region")
            ags = str(m.get("ags") or "")
            places.append(Place(m["id"], m["name"], "municipality", m["district"], region, ags))
            aliases[m["id"]] = m.get("aliases") or []
            district_ags.setdefault(m["district"], ags[:5])
        for d in data.get("districts", []):
            places.append(Place(d["id"], d["name"], d["kind"], None, d["region"], district_ags.get(d["id"], "")))
            aliases[d["id"]] = d.get("aliases") or []
        for r in data.get("regions", []):
            places.append(Place(r["id"], r["name"], "region"))
            aliases[r["id"]] = r.get("aliases") or []
        return cls(places, aliases)

    def get(self, place_id: str) -> Optional[Place]:
        return self.places.get(place_id)

    def municipalities(self, district_id: Optional[str] = None) -> List[Place]:
        """All municipalities, or those of one district, in file order."""
        return [p for p in self.places.values() if p.kind == "municipality"
                and (district_id is None or p.district == district_id)]

    def districts(self) -> List[Place]:
        return [p for p in self.places.values() if p.kind in ("landkreis", "kreisfreie_stadt")]

    def ids(self) -> List[str]:
        """The ids of all places: Regierungsbezirke, districts and municipalities."""
        return list(self.places)

    def spellings(self) -> List[str]:
        """All normalised spellings the gazetteer knows (for tests and NLU generation)."""
        return sorted(self._index)

    def longest_in_text(self, text: str, max_words: int = 6) -> Optional[Tuple[Place, str]]:
        """The longest known spelling that occurs in a message, as whole words.

        Used to widen an extracted entity: for "in Lautertal (Odenwald)" the NLU finds
        "Odenwald", but the user meant the municipality.
        """
        words = normalise(text).split()
        for size in range(min(max_words, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                key = " ".join(words[start:start + size])
                if key in self._index:
                    return self.places[self._index[key]], key
        return None

    @staticmethod
    def is_generic(text: Optional[str]) -> bool:
        """'Kreis', 'Stadt', 'im Kreis' … name no particular place ("Wer ist im Kreis zuständig?")."""
        words = normalise(text or "").split()
        return bool(words) and all(w in GENERIC_PLACE_WORDS for w in words)

    def resolve(self, text: Optional[str]) -> Optional[Place]:
        """Find the place a user meant, or None if it is not in Hessen (or not a place)."""
        if not text or not text.strip():
            return None
        key = normalise(text)
        place_id = self._index.get(key) or self._index.get(_fold_plain(text))
        if place_id is None and len(key) >= 4:
            close = difflib.get_close_matches(key, self._index.keys(), n=1, cutoff=0.85)
            place_id = self._index[close[0]] if close else None
        return self.places.get(place_id) if place_id else None


#: The place slot's value for "all of Hessen" (the user said "hessenweit" or "keine Angabe").
WHOLE_STATE = "Hessen"


@dataclass(frozen=True)
class TurnPlace:
    """Where the user's question is about, in this turn.

    ``text``: what the user named (or remembered from earlier, or ``WHOLE_STATE``), None if
    nothing; ``place``: the place in Hessen it resolves to; ``outside``: named, but not in
    Hessen; ``forget_slot``: the remembered slot held only a word like "Kreis".
    """

    text: Optional[str]
    place: Optional[Place]
    outside: bool
    forget_slot: bool = False

    @property
    def label(self) -> str:
        """The name to show: the place's official name, else what the user typed."""
        return self.place.name if self.place else (self.text or "")

    @property
    def is_local(self) -> bool:
        """A real place was named (not nothing, not all of Hessen)."""
        return bool(self.text) and self.text != WHOLE_STATE


def resolve(gazetteer: Gazetteer, text: Optional[str]) -> Tuple[Optional[Place], bool]:
    """(place, outside_hessen). No place or 'Hessen' means state-wide."""
    if not text or text.strip().lower() in {WHOLE_STATE.lower(), "ganz hessen"}:
        return None, False
    place = gazetteer.resolve(text)
    return place, place is None


def named_in_message(gazetteer: Gazetteer, text: str, entities: List[Dict[str, Any]]) -> Optional[str]:
    """The place the user named in this message.

    The NLU entity, widened to the longest gazetteer name around it: for
    "Lautertal (Odenwald)" the NLU finds only "Odenwald".  Without an entity, a
    gazetteer name of two or more words in the text counts ("Allendorf (Lumda)");
    single words are left to the NLU, because some towns are also common words.
    """
    places = [e for e in entities if e.get("entity") == "place" and e.get("value")
              and not gazetteer.is_generic(str(e.get("value")))]
    found = gazetteer.longest_in_text(text)
    if not places:
        return found[0].name if found and " " in found[1] else None
    entity = places[-1]
    span = text[entity["start"]:entity["end"]] if "start" in entity and "end" in entity else str(entity["value"])
    if found and normalise(span) in found[1] and normalise(span) != found[1]:
        return found[0].name
    return str(entity["value"])


def place_of_turn(gazetteer: Gazetteer, text: str, entities: List[Dict[str, Any]], remembered: Optional[str],
                  whole_state: bool = False, no_place: bool = False) -> TurnPlace:
    """The place for this turn: named now, else remembered (unless only "Kreis" …).

    ``whole_state``: the message says "hessenweit" (counts when no place is named);
    ``no_place``: the user declined to name a place (all of Hessen, whatever else was found).
    """
    named = named_in_message(gazetteer, text, entities)
    forget = gazetteer.is_generic(remembered)  # the slot mapping took "Kreis" from the message
    chosen = named or (None if forget else remembered)
    if (whole_state and not named) or no_place:
        chosen = WHOLE_STATE
    place, outside = resolve(gazetteer, chosen)
    return TurnPlace(chosen, place, outside, forget)
