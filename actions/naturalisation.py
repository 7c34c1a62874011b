"""Who takes a naturalisation application for a municipality: the town itself or the Kreis.

In Hessen, towns and municipalities from 7,500 inhabitants take applications, smaller
ones send people to the Kreis; the Regierungspräsidium decides.  Some Kreise publish
which of their municipalities take applications themselves: such a list wins over the
population rule.  Without a list the bot applies the rule to the official population
figure and says "in der Regel".  Data: ``knowledge/naturalisation.yml`` and
``knowledge/population.csv``; both carry their sources.
"""
from __future__ import annotations

import csv
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from actions.places import Gazetteer, Place
from common import yaml_files

logger = logging.getLogger(__name__)

#: The office that takes the application.
MUNICIPALITY = "municipality"
DISTRICT = "district"
OTHER_MUNICIPALITY = "other"  # a neighbouring town takes them (Kreis list: "delegated")
#: Why the bot thinks so.
BY_CITY = "city"  # kreisfreie Stadt: always the city
BY_LIST = "list"  # the Kreis's published list
BY_POPULATION = "population"  # the 7,500 rule ("in der Regel")


@dataclass(frozen=True)
class DistrictList:
    district: str
    self_ids: Tuple[str, ...]
    kreis_ids: Tuple[str, ...]
    complete: bool
    source_url: str
    delegated: Dict[str, str] = field(default_factory=dict)  # municipality id -> id of the town that takes it


@dataclass(frozen=True)
class Responsibility:
    office: str  # MUNICIPALITY, DISTRICT or OTHER_MUNICIPALITY
    basis: str  # BY_CITY, BY_LIST or BY_POPULATION
    population: Optional[int] = None
    other: str = ""  # id of the town that takes the application (OTHER_MUNICIPALITY)


@dataclass
class NaturalisationRules:
    threshold: int = 7500
    threshold_source: str = ""
    lists: Dict[str, DistrictList] = field(default_factory=dict)
    population: Dict[str, int] = field(default_factory=dict)  # AGS -> inhabitants
    population_source: str = ""

    def responsible(self, place: Optional[Place], gazetteer: Gazetteer) -> Optional[Responsibility]:
        """The office for a municipality, or None if it cannot be told (no municipality, no data)."""
        if place is None or place.kind != "municipality" or not place.district:
            return None
        district = gazetteer.get(place.district)
        if district and district.kind == "kreisfreie_stadt":
            return Responsibility(MUNICIPALITY, BY_CITY)
        listed = self.lists.get(place.district)
        if listed:
            if place.id in listed.delegated:
                return Responsibility(OTHER_MUNICIPALITY, BY_LIST, other=listed.delegated[place.id])
            if place.id in listed.self_ids:
                return Responsibility(MUNICIPALITY, BY_LIST)
            if place.id in listed.kreis_ids or listed.complete:
                return Responsibility(DISTRICT, BY_LIST)
        inhabitants = self.population.get(place.ags)
        if inhabitants is None or not self.threshold_source or not self.population_source:
            return None  # the rule is only applied with sourced figures
        office = MUNICIPALITY if inhabitants >= self.threshold else DISTRICT
        return Responsibility(office, BY_POPULATION, inhabitants)


def _first_url(sources: Any) -> str:
    for src in sources or []:
        if isinstance(src, dict) and src.get("url"):
            return str(src["url"])
    return ""


def read_population(path: Path) -> Tuple[Dict[str, int], str]:
    """AGS -> inhabitants from population.csv, and the source named in its '# source:' line."""
    if not path.exists():
        return {}, ""
    source = ""
    rows: List[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            if line[1:].strip().lower().startswith("source:"):
                source = line.split(":", 1)[1].split(";")[0].strip()
            continue
        rows.append(line)
    figures: Dict[str, int] = {}
    for row in csv.DictReader(rows, delimiter=";"):
        try:
            figures[str(row["ags"]).strip()] = int(str(row["population"]).replace(".", "").strip())
        except (KeyError, ValueError, TypeError):
            logger.warning("population.csv: Zeile übersprungen: %s", row)
    return figures, source


def load_rules(directory: Path) -> NaturalisationRules:
    """Read naturalisation.yml and population.csv from the knowledge folder (both optional)."""
    rules = NaturalisationRules()
    path = directory / "naturalisation.yml"
    if path.exists():
        data = yaml_files.read(path) or {}
        threshold = data.get("threshold") or {}
        rules.threshold = int(threshold.get("population") or rules.threshold)
        rules.threshold_source = _first_url(threshold.get("sources"))
        for raw in data.get("district_lists") or []:
            delegated = {str(town): str(office) for office, towns in (raw.get("delegated") or {}).items()
                         for town in towns or ()}
            rules.lists[str(raw["district"])] = DistrictList(
                str(raw["district"]), tuple(raw.get("self") or ()), tuple(raw.get("kreis") or ()),
                bool(raw.get("complete")), _first_url(raw.get("sources")), delegated)
    rules.population, rules.population_source = read_population(directory / "population.csv")
    return rules


def check(rules: NaturalisationRules, gazetteer: Gazetteer) -> List[Tuple[str, str]]:
    """Problems in naturalisation.yml as (entry, message): unknown ids, towns of another Kreis, no source."""
    problems: List[Tuple[str, str]] = []
    if rules.lists and not rules.threshold_source:
        problems.append(("threshold", "Quelle der Einwohnerregel fehlt"))
    if rules.population and not rules.population_source:
        problems.append(("population.csv", "Zeile '# source: …' mit der Quelle der Einwohnerzahlen fehlt"))
    for district, listed in rules.lists.items():
        if not gazetteer.get(district):
            problems.append((district, "Kreis gibt es nicht in places.yml"))
        if not listed.source_url:
            problems.append((district, "Quelle fehlt"))
        towns = set(listed.self_ids) | set(listed.kreis_ids) | set(listed.delegated) | set(listed.delegated.values())
        for town in sorted(towns):
            place = gazetteer.get(town)
            if place is None or place.district != district:
                problems.append((district, f"Gemeinde '{town}' gibt es in diesem Kreis nicht"))
    return problems
