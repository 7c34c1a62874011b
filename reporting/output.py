"""Writes the report: one self-contained HTML page (jinja2 template, inline SVG charts), or the
same tables as CSV files (semicolon-separated, UTF-8 with BOM, so that spreadsheet programs
set to German open them as they are)."""
from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path
from typing import Any, Dict, List

import jinja2
from markupsafe import Markup

from reporting import charts
from reporting.figures import Report, Table

TEMPLATES = Path(__file__).resolve().parent / "templates"

#: What an editor can do with a section (shown above its table).
INTROS: Dict[str, str] = {
    "tage": "Wie viel der Bot genutzt wurde.",
    "themen": "Wonach am häufigsten gefragt wurde; hier lohnt sich gepflegtes Wissen am meisten.",
    "orte": "Woher die Fragen kamen und wie oft der Bot eine Stelle in der Nähe nennen konnte.",
    "sprachen": "In welchen Sprachen geschrieben wurde.",
    "quoten": "Wie oft der Bot eine Nachricht nicht verstand, nachfragen musste oder das Thema nicht abdeckt.",
    "bewertungen": "Wie die Antworten mit Angeboten bewertet wurden.",
    "fragen": "Diese Fragen können neue Trainingsbeispiele, Stichwörter oder Themen werden.",
    "nicht_hilfreich": "Was an einer Antwort gefehlt hat; oft ein Hinweis auf eine fehlende oder veraltete Angabe.",
    "aufgaben": "Hier fehlt eine Stelle vor Ort, obwohl danach gefragt wurde: Einträge in knowledge/offerings/ "
                "ergänzen (Anleitung: knowledge/README.md).",
}

#: Tables shown folded (``<details>``) when longer than ``LONG_TABLE`` rows: the chart above says it all.
FOLDED = {"tage"}
LONG_TABLE = 14
_NUMBER = re.compile(r"^(\d+ %|–)$")


def _numeric(table: Table) -> List[bool]:
    """Columns holding only counts or shares such as "42 %" (right-aligned); "–" is no value."""
    def number(cell: Any) -> bool:
        return isinstance(cell, int) or (isinstance(cell, str) and bool(_NUMBER.match(cell)))

    return [bool(table.rows) and all(number(row[i]) for row in table.rows)
            and any(row[i] != "–" for row in table.rows) for i in range(len(table.columns))]


def _date_de(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


def _datetime_de(value: dt.datetime) -> str:
    return value.strftime("%d.%m.%Y, %H:%M Uhr")


def html(report: Report) -> str:
    """The report as one HTML page."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                                     autoescape=True, trim_blocks=False, lstrip_blocks=False)
    environment.filters["date_de"] = _date_de
    environment.filters["datetime_de"] = _datetime_de
    svgs = charts.all_charts(report)
    sections: List[Dict[str, Any]] = [
        {"table": table, "intro": INTROS.get(key, ""), "numeric": _numeric(table),
         "collapsed": key in FOLDED and len(table.rows) > LONG_TABLE,
         "chart": Markup(svgs[key]) if key in svgs else None}
        for key, table in report.tables.items()]
    return environment.get_template("report.html.j2").render(report=report, sections=sections)


def write_html(report: Report, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html(report), encoding="utf-8")
    return path


def write_csv(report: Report, folder: Path) -> List[Path]:
    """One ``<table key>.csv`` per table: header row, then the rows."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for key, table in report.tables.items():
        path = folder / f"{key}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(table.columns)
            writer.writerows(table.rows)
        written.append(path)
    return written
