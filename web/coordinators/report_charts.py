"""Server-side SVG charts of the report tables: geometry here, markup in ``_charts.html``.

Each chart is drawn from the same :class:`ReportTable` the page shows beside it,
so a chart never holds a figure the table hides. Sizes are in the SVG's own
units; the SVG scales to its box (``viewBox``), which is what keeps it readable
at 360 px and in print. Colours come from CSS classes (print uses patterns too).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import format_decimal

from web.coordinators.report_tables import HIDDEN
from web.coordinators.report_tables import ReportTable

HEAT_LEVELS = 5
CHAR_WIDTH = 6.6
"""The width of an average character of the 12-unit chart text, to space headings."""
WIDTH = 360.0
"""The drawing's own width: about a phone's, so its 12-unit text stays near 12 px at 360 px
(the CSS caps how far it grows on a wide screen)."""


@dataclass(frozen=True)
class Rect:
    """A bar segment or heat-map cell; ``title`` is its tooltip and screen-reader text."""

    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass(frozen=True)
class Label:
    """A text at a point; ``anchor`` is SVG's text-anchor."""

    x: float
    y: float
    text: str
    anchor: str = "middle"


@dataclass(frozen=True)
class Legend:
    """One entry of a chart's legend."""

    css: str
    text: str


@dataclass(frozen=True)
class Chart:
    """An SVG's size, shapes and texts."""

    width: float
    height: float
    rects: list[Rect]
    labels: list[Label]
    legend: list[Legend]
    title: str


@dataclass(frozen=True)
class Series:
    """Which columns of a table a bar stacks, and the column of the bar's whole length."""

    columns: list[int]
    """Indexes into a row's figures, bottom (or left) first."""
    total: int | None
    """The figure the bar adds up to, to draw the hidden remainder; None: the sum shown."""


def _nice_max(value: float) -> float:
    """The axis end: 1, 2 or 5 times a power of ten, at least ``value``."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)


def _number(value: float) -> str:
    """A figure as the reader writes it (1.234 in German), as in the table beside the chart."""
    return str(format_decimal(value))


def stacked_columns(table: ReportTable, series: Series, classes: list[str]) -> Chart:
    """Vertical bars, one per row but the total, stacked from ``series.columns``.

    A hidden part of a bar whose whole is shown is drawn as 'hidden' (hatched);
    a bar whose whole is hidden gets the hidden mark only.
    """
    rows = [row for row in table.rows if not row.total]
    width, height, left, bottom, top = WIDTH, 240.0, 40.0, 36.0, 10.0
    plot = height - bottom - top
    wholes = [_whole(row.figures, series) for row in rows]
    scale = _nice_max(max([w for w in wholes if w is not None] or [0]))
    step = (width - left - 10) / max(len(rows), 1)
    bar = step * 0.7
    rects: list[Rect] = []
    labels: list[Label] = [
        Label(left - 4, top + plot * (1 - f) + 4, _number(scale * f), "end") for f in (0, 0.5, 1)
    ]
    # Every how many bars a heading fits under its bar without touching the next.
    longest = max((len(row.heading) for row in rows), default=0)
    label_every = max(1, math.ceil((longest * CHAR_WIDTH + 8) / step))
    for index, (row, whole) in enumerate(zip(rows, wholes, strict=True)):
        x = left + index * step + (step - bar) / 2
        if index % label_every == 0:
            labels.append(Label(x + bar / 2, height - bottom + 16, row.heading))
        if whole is None:
            labels.append(Label(x + bar / 2, height - bottom - 4, HIDDEN))
            continue
        base = 0.0
        for column, css in zip(series.columns, classes, strict=True):
            figure = row.figures[column]
            if not isinstance(figure, int | float) or figure <= 0:
                continue
            h = plot * figure / scale
            y = top + plot - plot * base / scale - h
            rects.append(
                Rect(
                    x,
                    y,
                    bar,
                    h,
                    css,
                    f"{row.heading}: {table.columns[column + 1].label} {_number(figure)}",
                )
            )
            base += figure
        rest = whole - base
        if rest > 0:
            h = plot * rest / scale
            y = top + plot - plot * base / scale - h
            rects.append(Rect(x, y, bar, h, "hidden", f"{row.heading}: {HIDDEN}"))
    legend = [
        Legend(css, table.columns[column + 1].label)
        for column, css in zip(series.columns, classes, strict=True)
    ]
    if any(r.css == "hidden" for r in rects):
        legend.append(Legend("hidden", HIDDEN))
    return Chart(width, height, rects, labels, legend, table.title)


def _whole(figures: Sequence[object], series: Series) -> float | None:
    if series.total is not None:
        whole = figures[series.total]
        return float(whole) if isinstance(whole, int | float) else None
    parts = [figures[c] for c in series.columns]
    return float(sum(p for p in parts if isinstance(p, int | float)))


def stacked_bars(table: ReportTable, series: Series, classes: list[str]) -> Chart:
    """Horizontal bars, one per row but the total: demand by purpose or by area, read down."""
    # Rows whose whole is hidden say nothing in a chart: the table lists them.
    rows = [row for row in table.rows if not row.total and _whole(row.figures, series) is not None]
    label_width, row_height, width = 130.0, 26.0, WIDTH
    height = row_height * len(rows) + 24
    wholes = [_whole(row.figures, series) for row in rows]
    scale = _nice_max(max([w for w in wholes if w is not None] or [0]))
    plot = width - label_width - 56
    rects: list[Rect] = []
    labels: list[Label] = []
    for index, (row, whole) in enumerate(zip(rows, wholes, strict=True)):
        y = 4 + index * row_height
        labels.append(Label(label_width - 6, y + row_height * 0.55, row.heading, "end"))
        if whole is None:
            labels.append(Label(label_width + 6, y + row_height * 0.55, HIDDEN, "start"))
            continue
        base = 0.0
        for column, css in zip(series.columns, classes, strict=True):
            figure = row.figures[column]
            if not isinstance(figure, int | float) or figure <= 0:
                continue
            w = plot * figure / scale
            rects.append(
                Rect(
                    label_width + plot * base / scale,
                    y + 3,
                    w,
                    row_height - 8,
                    css,
                    f"{row.heading}: {table.columns[column + 1].label} {_number(figure)}",
                )
            )
            base += figure
        rest = whole - base
        if rest > 0:
            rects.append(
                Rect(
                    label_width + plot * base / scale,
                    y + 3,
                    plot * rest / scale,
                    row_height - 8,
                    "hidden",
                    f"{row.heading}: {HIDDEN}",
                )
            )
        labels.append(
            Label(
                label_width + plot * whole / scale + 6,
                y + row_height * 0.55,
                _number(whole),
                "start",
            )
        )
    legend = [
        Legend(css, table.columns[column + 1].label)
        for column, css in zip(series.columns, classes, strict=True)
    ]
    if any(r.css == "hidden" for r in rects):
        legend.append(Legend("hidden", HIDDEN))
    return Chart(width, height, rects, labels, legend, table.title)


def heat_map(table: ReportTable) -> Chart:
    """Rows by columns (the last column, the row total, left out), shaded in five steps."""
    rows = [row for row in table.rows if not row.total]
    columns = table.columns[1:-1]
    label_width, top = 80.0, 22.0
    cell_width = max(16.0, min(30.0, (WIDTH - label_width) / max(len(columns), 1)))
    cell_height = 24.0
    width = label_width + cell_width * len(columns) + 4
    height = top + cell_height * len(rows) + 4
    values = [f for row in rows for f in row.figures[:-1] if isinstance(f, int | float)]
    peak = max(values or [0])
    rects: list[Rect] = []
    labels: list[Label] = []
    every = 1 if cell_width >= 24 else 2
    for c, column in enumerate(columns):
        if c % every == 0:
            labels.append(
                Label(label_width + c * cell_width + cell_width / 2, top - 6, column.label[:2])
            )
    for r, row in enumerate(rows):
        y = top + r * cell_height
        labels.append(Label(label_width - 6, y + cell_height * 0.65, row.heading, "end"))
        for c, figure in enumerate(row.figures[:-1]):
            x = label_width + c * cell_width
            title = f"{row.heading} {columns[c].label}: "
            if figure is None:
                rects.append(
                    Rect(x, y, cell_width - 1, cell_height - 1, "heat-hidden", title + HIDDEN)
                )
                labels.append(Label(x + cell_width / 2, y + cell_height * 0.65, HIDDEN))
                continue
            value = float(figure) if isinstance(figure, int | float) else 0.0
            level = 0 if value <= 0 or peak <= 0 else max(1, math.ceil(HEAT_LEVELS * value / peak))
            rects.append(
                Rect(x, y, cell_width - 1, cell_height - 1, f"heat-{level}", title + _number(value))
            )
    legend = [Legend("heat-0", "0")]
    legend += [Legend(f"heat-{level}", "") for level in range(1, HEAT_LEVELS)]
    legend.append(Legend(f"heat-{HEAT_LEVELS}", _number(peak)))
    return Chart(width, height, rects, labels, legend, table.title)


def report_charts(tables: dict[str, ReportTable]) -> dict[str, Chart]:
    """The charts drawn beside their tables, by table key; an empty table gets none."""
    demand = Series(columns=[2, 3], total=1)  # served, not served; of the rides requested
    ride_days = Series(columns=[1], total=None)
    drawers = {
        "demand-purpose": lambda t: stacked_bars(t, demand, ["served", "unserved"]),
        "demand-home": lambda t: stacked_bars(t, demand, ["served", "unserved"]),
        "demand-destination": lambda t: stacked_bars(t, demand, ["served", "unserved"]),
        "weekday-hour": heat_map,
        "service": lambda t: stacked_columns(
            t,
            Series(columns=list(range(1, len(t.columns) - 1)), total=0),
            ["served", *(f"reason-{c.key}" for c in t.columns[3:])],
        ),
        "unmet-purpose": lambda t: stacked_bars(t, ride_days, ["unserved"]),
        "unmet-hour": lambda t: stacked_columns(t, ride_days, ["unserved"]),
        "daycare": lambda t: stacked_bars(t, Series([0, 1], 2), ["served", "unserved"]),
    }
    return {
        key: draw(table)
        for key, table in tables.items()
        if (draw := drawers.get(key)) is not None and not table.empty
    }
