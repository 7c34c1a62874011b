"""How well the knowledge leads people somewhere: ``python -m actions.coverage`` -> docs/coverage.md.

Two views:

- every municipality × place-dependent topic: the best route (``actions.routes``), and
  whether it is actionable (an office with phone, e-mail or address, local to Hessen-wide,
  or an official deep link for the place);
- topic × district: the best route for the district itself.  Offices of the district
  or its Regierungsbezirk count as a sourced office contact for the cell; offices of a
  single town count only for that town.  For a kreisfreie Stadt the town is the district.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional

from actions import config
from actions.knowledge import Knowledge, load_knowledge
from actions.places import Place
from actions.routes import DEEP_LINK, DISTRICT, FEDERAL, LEVELS, LOCAL, NONE, REGION, STATE, Route, best_route

OFFICE_LEVELS = (LOCAL, DISTRICT, REGION)
SYMBOL = {LOCAL: "O", DISTRICT: "K", REGION: "R", DEEP_LINK: "L", STATE: "H", FEDERAL: "B", NONE: "–"}
LABEL = {LOCAL: "Stelle in der Gemeinde", DISTRICT: "Stelle des Kreises / der Stadt",
         REGION: "Stelle für den Regierungsbezirk", DEEP_LINK: "amtlicher Link für den Ort",
         STATE: "nur hessenweite Stelle", FEDERAL: "nur bundesweite Stelle", NONE: "nichts Konkretes"}
DEFAULT_OUT = config.ROOT / "docs" / "coverage.md"


def place_topics(knowledge: Knowledge) -> List[str]:
    return [t.id for t in knowledge.topics.values() if t.by_place]


def district_cell(knowledge: Knowledge, topic_id: str, district: Place) -> Route:
    """Best route for a district; a kreisfreie Stadt is looked at through its town."""
    if district.kind == "kreisfreie_stadt":
        towns = knowledge.gazetteer.municipalities(district.id)
        if towns:
            route = best_route(knowledge, topic_id, towns[0])
            return Route(DISTRICT, route.offering, route.link) if route.level == LOCAL else route
    return best_route(knowledge, topic_id, district)


def municipality_routes(knowledge: Knowledge) -> Dict[str, Counter]:
    """Per place-dependent topic: how many municipalities reach each route level."""
    towns = knowledge.gazetteer.municipalities()
    return {t: Counter(best_route(knowledge, t, town).level for town in towns) for t in place_topics(knowledge)}


def report(knowledge: Knowledge, today: Optional[dt.date] = None) -> str:
    today = today or dt.date.today()
    topics = [t for t in knowledge.topics.values() if not t.fixed_reply]  # answered by the offering search
    districts = sorted(knowledge.gazetteer.districts(), key=lambda d: d.name)
    towns = knowledge.gazetteer.municipalities()
    per_topic = municipality_routes(knowledge)
    pairs = len(towns) * len(per_topic)
    actionable = sum(n for counts in per_topic.values() for level, n in counts.items() if level != NONE)
    federal_only = sum(counts.get(FEDERAL, 0) for counts in per_topic.values())
    cells = {(t.id, d.id): district_cell(knowledge, t.id, d) for t in topics for d in districts}
    place_cells = [k for k in cells if knowledge.topics[k[0]].by_place]
    office_cells = sum(1 for k in place_cells if cells[k].level in OFFICE_LEVELS)
    all_office_cells = sum(1 for r in cells.values() if r.level in OFFICE_LEVELS)

    out = [
        "# Abdeckung: Wohin führt jede Antwort?",
        "",
        f"Erzeugt mit `make coverage` am {today.isoformat()} aus `knowledge/`. Nicht von Hand ändern.",
        "",
        "## Zusammenfassung",
        "",
        f"- Gemeinden × ortsabhängige Themen mit einem Weg zum Handeln: **{actionable} von {pairs}** "
        f"({100 * actionable / pairs:.1f} %; {len(towns)} Gemeinden × {len(per_topic)} Themen); "
        f"davon {federal_only} nur mit einer bundesweiten Stelle (Telefon, Online-Beratung). "
        f"Ohne diese: {actionable - federal_only} ({100 * (actionable - federal_only) / pairs:.1f} %).",
        f"- Kreis × ortsabhängiges Thema mit belegter Stelle (Telefon, E-Mail oder Adresse) des Kreises, "
        f"der Stadt oder des Regierungsbezirks: **{office_cells} von {len(place_cells)}** Zellen.",
        f"- Alle Themen × Kreise (auch landesweite Themen): {all_office_cells} von {len(cells)} Zellen "
        "mit belegter Stelle vor Ort oder in der Region.",
        "",
        "Ein Weg zum Handeln ist eine Stelle mit Telefon, E-Mail oder Adresse (Gemeinde, Kreis, "
        "Regierungsbezirk, hessenweit oder – als letzter Ausweg – bundesweit) oder ein amtlicher Link, "
        "der für den Ort die zuständige Stelle zeigt.",
        "",
        "## Gemeinden: bester Weg je Thema",
        "",
        "| Thema | " + " | ".join(LABEL[level] for level in LEVELS) + " | mit Weg |",
        "|---|" + "---:|" * (len(LEVELS) + 1),
    ]
    for topic_id, counts in per_topic.items():
        ok = sum(n for level, n in counts.items() if level != NONE)
        out.append(f"| {knowledge.topics[topic_id].label} | " + " | ".join(str(counts.get(level, 0)) for level in LEVELS)
                   + f" | {ok} / {len(towns)} |")
    out += ["", "## Kreise und kreisfreie Städte × Themen", "",
            "Bester Weg für den Kreis selbst: " + ", ".join(f"**{SYMBOL[level]}** = {LABEL[level]}" for level in LEVELS)
            + ". Themen mit * hängen nicht vom Ort ab.", "",
            "| Kreis | " + " | ".join(t.label + ("" if t.by_place else " *") for t in topics) + " |",
            "|---|" + ":-:|" * len(topics)]
    for d in districts:
        out.append(f"| {d.name} | " + " | ".join(SYMBOL[cells[(t.id, d.id)].level] for t in topics) + " |")
    out += ["", "Zellen mit belegter Stelle je Thema (von " + str(len(districts)) + "): "
            + ", ".join(f"{t.label} {sum(1 for d in districts if cells[(t.id, d.id)].level in OFFICE_LEVELS)}"
                        for t in topics) + "."]
    return "\n".join(out) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    knowledge = load_knowledge(config.KNOWLEDGE_DIR)
    args.out.write_text(report(knowledge), encoding="utf-8")
    print(f"{args.out} geschrieben")
    return 0


if __name__ == "__main__":
    sys.exit(main())
