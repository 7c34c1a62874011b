"""Charts of the report as inline SVG (matplotlib, no JavaScript, nothing loaded from elsewhere).

Each SVG carries ``role="img"``, a ``<title>`` and a ``<desc>`` for screen readers; the
table next to it holds the same figures. Text stays text (``svg.fonttype: none``), so the
page stays small and the labels can be searched and zoomed.
"""
from __future__ import annotations

import html
import io
from typing import List, Optional, Sequence

import matplotlib

matplotlib.use("Agg")  # no display; must precede any pyplot import anywhere  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from reporting.figures import NOT_RECORDED, SCOPES, Report  # noqa: E402

BLUE, LIGHT, GREEN, RED, GREY, ORANGE = "#005a9c", "#9cc3e6", "#2e7d32", "#c62828", "#9e9e9e", "#e07b00"
MAX_BARS = 12


def to_svg(figure: Figure, key: str, title: str, description: str) -> str:
    """The figure as an ``<svg>`` element with title and description."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": key, "font.size": 10}):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    end = svg.index(">") + 1
    root = svg[:end].replace("<svg ", f'<svg role="img" aria-labelledby="{key}-title {key}-desc" '
                                      f'class="chart" ', 1)
    return (root + f'<title id="{key}-title">{html.escape(title)}</title>'
            f'<desc id="{key}-desc">{html.escape(description)}</desc>' + svg[end:])


def _figure(rows: int = 0, width: float = 7.5) -> Figure:
    height = 3.2 if not rows else max(1.6, 0.38 * rows + 0.9)
    return Figure(figsize=(width, height))


def _style(axes, grid: str) -> None:
    """No box, light grid lines along ``grid`` ("x" or "y") only."""
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.grid(axis=grid, color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)


def per_day(report: Report) -> Optional[str]:
    rows = report.tables["tage"].rows
    if not rows or not any(r[1] or r[2] for r in rows):
        return None
    figure = _figure()
    axes = figure.add_subplot()
    positions = list(range(len(rows)))
    axes.bar(positions, [r[2] for r in rows], color=LIGHT, label="Nachrichten")
    axes.plot(positions, [r[1] for r in rows], color=BLUE, marker="o", markersize=3, linewidth=1.5,
              label="Gespräche")
    step = max(1, len(rows) // 10)
    axes.set_xticks(positions[::step])
    axes.set_xticklabels([r[0][5:].replace("-", ".") for r in rows][::step], rotation=0)
    axes.set_ylabel("Anzahl")
    axes.legend(frameon=False, loc="upper left")
    _style(axes, "y")
    busiest = max(rows, key=lambda r: r[2])
    return to_svg(figure, "chart-days", "Gespräche und Nachrichten je Tag",
                  f"{len(rows)} Tage, zusammen {sum(r[1] for r in rows)} Gespräche und {sum(r[2] for r in rows)} "
                  f"Nachrichten; die meisten Nachrichten am {busiest[0]} ({busiest[2]}).")


def _barh(key: str, title: str, labels: Sequence[str], series: List[Sequence[int]], names: Sequence[str],
          colors: Sequence[str], description: str, legend: bool = False) -> Optional[str]:
    if not labels:
        return None
    figure = _figure(len(labels))
    axes = figure.add_subplot()
    positions = list(range(len(labels)))[::-1]  # first row on top
    left = [0] * len(labels)
    for values, name, color in zip(series, names, colors):
        axes.barh(positions, values, left=left, color=color, label=name, height=0.65)
        left = [a + b for a, b in zip(left, values)]
    axes.set_yticks(positions)
    axes.set_yticklabels(labels)
    axes.xaxis.get_major_locator().set_params(integer=True)
    if len(series) > 1 or legend:
        axes.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.12 * 6 / (len(labels) + 5)),
                    ncol=len(series), fontsize=9)
    _style(axes, "x")
    return to_svg(figure, key, title, description)


def _top(rows: List[List], count: int = MAX_BARS) -> List[List]:
    return rows[:count]


def topics(report: Report) -> Optional[str]:
    rows = _top(report.tables["themen"].rows)
    return _barh("chart-topics", "Die häufigsten Themen", [r[0] for r in rows], [[r[1] for r in rows]],
                 ["Antworten"], [BLUE],
                 "Antworten mit Angeboten je Thema: " + ", ".join(f"{r[0]} {r[1]}" for r in rows) + ".")


def places(report: Report) -> Optional[str]:
    table = report.tables["orte"]
    rows = _top(table.rows)
    parts = [(name, [r[table.columns.index(name)] for r in rows], color)
             for name, color in zip([*SCOPES.values(), NOT_RECORDED], [GREEN, LIGHT, ORANGE, RED, GREY])]
    parts = [part for part in parts if any(part[1])]  # no legend entry for what did not occur
    return _barh("chart-places", "Orte nach Kreis", [r[0] for r in rows], [p[1] for p in parts], [p[0] for p in parts],
                 [p[2] for p in parts],
                 "Antworten je Kreis, geteilt danach, wie örtlich sie waren: "
                 + ", ".join(f"{r[0]} {r[1]}" for r in rows) + ".", legend=True)


def languages(report: Report) -> Optional[str]:
    rows = report.tables["sprachen"].rows
    return _barh("chart-languages", "Sprachen", [r[0] for r in rows], [[r[1] for r in rows]], ["Gespräche"], [BLUE],
                 "Gespräche je Sprache: " + ", ".join(f"{r[0]} {r[1]}" for r in rows) + ".")


def feedback(report: Report) -> Optional[str]:
    rows = [r for r in report.tables["bewertungen"].rows if r[2]][:MAX_BARS]
    return _barh("chart-feedback", "Bewertungen je Thema", [r[0] for r in rows], [[r[4] for r in rows],
                                                                                  [r[5] for r in rows]],
                 ["Hilfreich", "Nicht hilfreich"], [GREEN, RED],
                 "Bewertungen je Thema: " + ", ".join(f"{r[0]} {r[4]} hilfreich, {r[5]} nicht hilfreich"
                                                      for r in rows) + ".")


#: Table key -> chart shown above it.
CHARTS = {"tage": per_day, "themen": topics, "orte": places, "sprachen": languages, "bewertungen": feedback}


def all_charts(report: Report) -> dict:
    """Table key -> SVG (only tables with something to draw)."""
    return {key: svg for key, draw in CHARTS.items() if (svg := draw(report))}
