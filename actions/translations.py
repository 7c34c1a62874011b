"""Translations of the knowledge's short texts: ``knowledge/translations/<language>.yml``.

German is the source. For every other language of the bot a file holds:
- ``glossary``: official German terms and the translation shown once in brackets after them;
- ``topics``: the menu label of each topic;
- ``summaries``: each German summary (and link description), word for word as the key, and
  its translation; a German text that changes needs a new translation;
- ``places``: spellings of places in the language's script, transliterations and inflected
  forms (merged into the gazetteer by ``make gazetteer``).

Users see a translated text only where one exists; ``make validate`` reports every missing,
stale or inconsistent one (``check``), so none is missing in a release.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Tuple

from common import yaml_files
from common.language import GERMAN, LANGUAGES

FIELDS = ("language", "name", "direction", "glossary", "topics", "summaries", "places")
#: Phone numbers, other numbers, links and {placeholders}: the same in every language.
FACT_RE = re.compile(r"https?://\S+|\{[a-z_]+\}|\d[\d ,/.-]*\d|\d")


@dataclass(frozen=True)
class Translation:
    """One language's file."""

    language: str
    name: str
    direction: str = "ltr"
    glossary: Mapping[str, str] = field(default_factory=dict)
    topics: Mapping[str, str] = field(default_factory=dict)
    summaries: Mapping[str, str] = field(default_factory=dict)
    places: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    #: Top-level keys that are not in FIELDS, and place ids whose spellings are not a list.
    unknown_fields: Tuple[str, ...] = ()
    malformed_places: Tuple[str, ...] = ()


def facts(text: str) -> List[str]:
    """The numbers (digits only: "2.000" and "2,000" are one), links and placeholders of a text,
    sorted: what a translation must keep."""
    found = (m.group(0).strip() for m in FACT_RE.finditer(text or ""))
    return sorted(f if not f[0].isdigit() else re.sub(r"\D", "", f) for f in found)


def glossary_mismatches(text: str, glossary: Mapping[str, str]) -> List[str]:
    """Official terms followed by a bracket that is not the glossary's translation."""
    wrong = []
    for term, translated in glossary.items():
        if term not in text:
            continue
        for match in re.finditer(re.escape(term) + r" \(([^)]*)\)", text):
            if match.group(1).strip() != str(translated).strip():
                wrong.append(f"{term} ({match.group(1)}) statt ({translated})")
    return wrong


def _mapping(value: Any) -> Dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def load_translations(directory: Path) -> Dict[str, Translation]:
    """Every ``<language>.yml`` in ``directory`` whose language the bot speaks."""
    found: Dict[str, Translation] = {}
    for path in sorted(directory.glob("*.yml")) if directory.is_dir() else []:
        raw = yaml_files.read(path) or {}
        language = str(raw.get("language") or path.stem)
        places = raw.get("places") if isinstance(raw.get("places"), dict) else {}
        found[language] = Translation(
            language, str(raw.get("name") or language), str(raw.get("direction") or "ltr"),
            _mapping(raw.get("glossary")), _mapping(raw.get("topics")), _mapping(raw.get("summaries")),
            {str(k): tuple(map(str, v)) if isinstance(v, list) else () for k, v in places.items()},
            tuple(str(k) for k in raw if k not in FIELDS),
            tuple(str(k) for k, v in places.items() if not isinstance(v, list)))
    return found


def check(directory: Path, translations: Mapping[str, Translation], topic_ids: Iterable[str],
          german_texts: Iterable[str], place_ids: Iterable[str]) -> List[Tuple[str, str, str, str]]:
    """Problems as (file, entry, field, message): a missing language, label or text; a key that is
    no German text any more; numbers or links that differ; a glossary term with another bracket;
    a place spelling for an unknown place or for two places."""
    problems: List[Tuple[str, str, str, str]] = []
    texts, topics, places = list(dict.fromkeys(german_texts)), list(topic_ids), set(place_ids)
    for language in LANGUAGES if directory.is_dir() else ():  # a folder without translations: German only
        if language != GERMAN and language not in translations:
            problems.append((f"translations/{language}.yml", "-", "-", "Datei fehlt"))
    for language, t in translations.items():
        name = f"translations/{language}.yml"
        problems += [(name, "-", k, "unbekanntes Feld") for k in t.unknown_fields]
        problems += [(name, k, "places", "muss eine Liste sein") for k in t.malformed_places]
        if language not in LANGUAGES or language == GERMAN:
            problems.append((name, "-", "language", f"'{language}' ist keine Sprache des Bots"))
        if t.direction not in ("ltr", "rtl"):
            problems.append((name, "-", "direction", "muss ltr oder rtl sein"))
        problems += [(name, tid, "topics", "Übersetzung fehlt") for tid in topics if not t.topics.get(tid)]
        problems += [(name, tid, "topics", "kein Thema aus topics.yml") for tid in t.topics if tid not in topics]
        for german in texts:
            if not t.summaries.get(german):
                problems.append((name, german[:50], "summaries", "Übersetzung fehlt"))
        for german, translated in t.summaries.items():
            if german not in texts:
                problems.append((name, german[:50], "summaries", "kein deutscher Text der Wissensbasis (geändert?)"))
            elif facts(german) != facts(translated):
                problems.append((name, german[:50], "summaries", f"Zahlen/Links anders: {facts(translated)}"))
            problems += [(name, german[:50], "summaries", m) for m in glossary_mismatches(translated, t.glossary)]
        owner: Dict[str, str] = {}
        for pid, spellings in t.places.items():
            if pid not in places:
                problems.append((name, pid, "places", "kein Ort aus places.yml"))
            for spelling in spellings:
                key = spelling.lower()
                if owner.get(key, pid) != pid:
                    problems.append((name, pid, "places", f"'{spelling}' steht schon bei {owner[key]}"))
                owner[key] = pid
    return problems
