"""The district report as labelled tables: what the page, the CSV and the XLSX all show.

One table here is one table everywhere, so a hidden cell is hidden on screen and
in every export alike. A figure is a number, a text, or None when it is
suppressed (shown as ``HIDDEN``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from enum import StrEnum
from typing import Any

from babel.dates import get_day_names
from flask_babel import format_date
from flask_babel import format_percent
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from matcher.reports.crosstab import CrossTable
from matcher.reports.demand import DemandTable
from matcher.reports.demand import Grouping
from matcher.reports.periods import BucketSize
from matcher.reports.periods import Period
from matcher.reports.report import ChildcareSection
from matcher.reports.report import DemandSection
from matcher.reports.report import DistrictReport
from matcher.reports.report import Section
from matcher.reports.report import ServiceSection
from matcher.reports.report import SummaryReport
from matcher.reports.report import UnmetSection
from matcher.reports.service import REGULAR_SHARE
from matcher.reports.service import ReasonGroup
from matcher.reports.service import ServicePoint
from matcher.reports.unmet import UnmetTable
from matcher.reports.volunteers import VolunteerFigures
from web.coordinators.presenters import PURPOSE_LABELS

HIDDEN = "•"
"""The mark of a suppressed figure, on screen and in exports (as official statistics use it)."""

Figure = int | float | str | None

REASON_GROUP_LABELS = {
    ReasonGroup.NO_DRIVER: _l("No driver at that hour"),
    ReasonGroup.RIDE_TIME: _l("Ride would take too long"),
    ReasonGroup.SEATS: _l("Not enough seats"),
    ReasonGroup.LOCKED: _l("Locked to a driver who cannot"),
    ReasonGroup.DECLINED: _l("Driver declined"),
    ReasonGroup.NOT_LOCATED: _l("Address not found"),
    ReasonGroup.NOT_PUBLISHED: _l("No plan published"),
}


class Kind(StrEnum):
    """How a column's figures are written."""

    COUNT = "count"
    DECIMAL = "decimal"
    SHARE = "share"
    TEXT = "text"


@dataclass(frozen=True)
class Column:
    """A column header and how its figures read."""

    label: str
    kind: Kind = Kind.COUNT
    key: str = ""
    """A code behind the label where a chart colours by it (a reason group)."""


@dataclass(frozen=True)
class Row:
    """A row's heading and its figures, one per column after the first."""

    heading: str
    figures: Sequence[Figure]
    total: bool = False


@dataclass(frozen=True)
class ReportTable:
    """A titled table; ``key`` names it in anchors and export files."""

    key: str
    title: str
    columns: list[Column]
    rows: list[Row]
    note: str = ""
    empty: bool = field(default=False)

    @property
    def has_hidden(self) -> bool:
        """Whether the legend for hidden figures is needed."""
        return any(f is None for row in self.rows for f in row.figures)


def purpose_label(key: Any) -> str:
    """A purpose code in the reader's language."""
    return str(PURPOSE_LABELS.get(key, key))


def weekday_names() -> list[str]:
    """Monday to Sunday in the reader's language."""
    names = get_day_names("wide", locale=get_locale())
    return [names[i] for i in range(7)]


def bucket_label(point: ServicePoint, size: BucketSize) -> str:
    """A day, a week from its Monday, or a month, as the reader writes them."""
    if size == BucketSize.DAY:
        return format_date(point.first, "EEE d.M.")
    if size == BucketSize.WEEK:
        return _("from %(day)s", day=format_date(point.first, "d.M."))
    return format_date(point.first, "MMM y")


def hour_label(hour: int) -> str:
    """An hour of the day as ``05:00``."""
    return f"{hour:02d}:00"


def _demand(key: str, title: str, heading: str, table: DemandTable) -> ReportTable:
    def label(row_key: Any) -> str:
        return purpose_label(row_key) if table.grouping == Grouping.PURPOSE else str(row_key)

    rows = [Row(label(r.key), [r.people, r.requested, r.served, r.unserved]) for r in table.rows]
    total = table.total
    rows.append(
        Row(
            _("Total"),
            [None, None, None, None]
            if total is None
            else [total.people, total.requested, total.served, total.unserved],
            total=True,
        )
    )
    columns = [
        Column(heading, Kind.TEXT),
        Column(_("People")),
        Column(_("Rides requested")),
        Column(_("Served")),
        Column(_("Not served")),
    ]
    return ReportTable(key, title, columns, rows, empty=not table.rows)


def _cross(
    key: str,
    title: str,
    corner: str,
    table: CrossTable,
    *,
    row_label: Any = str,
    column_label: Any = str,
    columns: Iterable[Any] | None = None,
    note: str = "",
) -> ReportTable:
    shown = list(columns) if columns is not None else table.columns
    rows = [
        Row(
            row_label(r),
            [table.cell(r, c) for c in shown] + [table.row_totals.get(r, 0)],
        )
        for r in table.rows
    ]
    rows.append(
        Row(
            _("Total"),
            [table.column_totals.get(c, 0) for c in shown] + [table.total],
            total=True,
        )
    )
    header = [Column(corner, Kind.TEXT), *(Column(column_label(c)) for c in shown)]
    header.append(Column(_("Total")))
    return ReportTable(key, title, header, rows, note=note, empty=table.people == 0)


def _unmet(key: str, title: str, heading: str, table: UnmetTable, label: Any) -> ReportTable:
    rows = [Row(label(r.key), [r.people, r.ride_days, r.rides]) for r in table.rows]
    total = table.total
    rows.append(
        Row(
            _("Total"),
            [None] * 3 if total is None else [total.people, total.ride_days, total.rides],
            total=True,
        )
    )
    columns = [
        Column(heading, Kind.TEXT),
        Column(_("People")),
        Column(_("Ride-days")),
        Column(_("Rides not served")),
    ]
    return ReportTable(
        key,
        title,
        columns,
        rows,
        note=_("A ride-day is one person on one day with at least one ride not served."),
        empty=not any(r.rides for r in table.rows),
    )


def hours_shown(table: CrossTable) -> list[int]:
    """The hours from the first to the last with rides wished (05:00 to 22:00, not all 24)."""
    used = [h for h in range(24) if table.column_totals.get(h) != 0]
    if not used:
        return []
    return list(range(min(used), max(used) + 1))


def service_table(section: ServiceSection, period: Period) -> ReportTable:
    """Served and not served per bucket, the reasons grouped."""
    series = section.series
    size = period.bucket_size
    columns = [
        Column(_("Period"), Kind.TEXT),
        Column(_("Rides requested")),
        Column(_("Served")),
        *(Column(str(REASON_GROUP_LABELS[g]), key=str(g)) for g in series.groups),
    ]

    def figures(point: ServicePoint) -> list[Figure]:
        return [point.requested, point.served, *(point.unserved[g] for g in series.groups)]

    rows = [Row(bucket_label(p, size), figures(p)) for p in series.points]
    rows.append(Row(_("Total"), figures(series.total), total=True))
    return ReportTable(
        "service",
        _("Served and not served, and why"),
        columns,
        rows,
        empty=series.total.requested == 0,
    )


def regular_table(section: ServiceSection) -> ReportTable:
    """How many riders were served on at least 90 % of their days, and the extra ride time."""
    regular, extra = section.regular, section.extra_time
    rows = [
        Row(_("Riders with rides in the period"), [regular.riders]),
        Row(
            _("Served on at least %(share)s of their days", share=format_percent(REGULAR_SHARE)),
            [regular.regular],
        ),
        Row(_("Served less often"), [regular.irregular]),
        Row(_("Rides served (with a planned time)"), [extra.rides]),
        Row(_("Extra ride time on average (minutes)"), [_round(extra.mean_minutes)]),
        Row(_("Longest extra ride time (minutes)"), [_round(extra.max_minutes)]),
    ]
    columns = [Column(_("Figure"), Kind.TEXT), Column(_("Value"), Kind.DECIMAL)]
    return ReportTable(
        "regular",
        _("Reliability and ride time"),
        columns,
        rows,
        note=_("Extra ride time: minutes in the car beyond the direct ride, for served rides."),
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def volunteer_table(v: VolunteerFigures) -> ReportTable:
    """What the volunteers gave; nothing but their number below five drivers."""
    columns = [Column(_("Figure"), Kind.TEXT), Column(_("Value"), Kind.DECIMAL)]
    if not v.shown:
        rows = [Row(_("Drivers who drove"), [None if v.drivers else 0])]
        return ReportTable(
            "volunteers",
            _("What the volunteers gave"),
            columns,
            rows,
            note=_("Fewer than five drivers drove: their figures are not shown."),
        )

    def share(value: float | None) -> float | None:
        return None if value is None else round(value * 100, 1)

    rows = [
        Row(_("Drivers who drove"), [v.drivers]),
        Row(_("Hours given"), [round(v.hours, 1)]),
        Row(_("Kilometres driven (planned)"), [round(v.kilometres, 1)]),
        Row(_("Rides"), [v.rides]),
        Row(_("Riders driven"), [v.riders]),
        Row(_("Riders per driver"), [round(v.riders_per_driver, 1)]),
        Row(_("Routes published"), [v.routes]),
        Row(_("Routes confirmed (%)"), [share(v.confirmed_share)]),
        Row(_("Routes declined (%)"), [share(v.declined_share)]),
        Row(_("Rides by the busiest fifth of drivers (%)"), [share(v.busiest_fifth_share)]),
    ]
    return ReportTable(
        "volunteers",
        _("What the volunteers gave"),
        columns,
        rows,
        note=_("Hours from each route's start to its end, waiting included; district-wide."),
    )


def demand_tables(section: DemandSection) -> list[ReportTable]:
    """Demand by purpose, home, destination; origin-destination; weekday x hour."""
    days = weekday_names()
    return [
        _demand("demand-purpose", _("Demand by purpose"), _("Purpose"), section.by_purpose),
        _demand(
            "demand-home", _("Demand by home municipality"), _("Home municipality"), section.by_home
        ),
        _demand(
            "demand-destination",
            _("Demand by destination"),
            _("Destination municipality"),
            section.by_destination,
        ),
        _cross(
            "origin-destination",
            _("From home to destination"),
            _("Home \\ destination"),
            section.origin_destination,
            note=_("A way back counts like the way there: from home to where she comes back from."),
        ),
        _cross(
            "weekday-hour",
            _("When rides are wanted: weekday and hour"),
            _("Weekday"),
            section.weekday_hour,
            row_label=lambda d: days[d - 1],
            column_label=hour_label,
            columns=hours_shown(section.weekday_hour),
            note=_("The hour of the arrival wished, or of the pick-up on the way back."),
        ),
    ]


def service_tables(section: ServiceSection, period: Period) -> list[ReportTable]:
    """Served over time with the reasons, and reliability and ride time."""
    return [service_table(section, period), regular_table(section)]


def unmet_tables(section: UnmetSection) -> list[ReportTable]:
    """Unmet need by purpose, home municipality and hour."""
    return [
        _unmet(
            "unmet-purpose",
            _("Not served, by purpose"),
            _("Purpose"),
            section.by_purpose,
            purpose_label,
        ),
        _unmet(
            "unmet-home",
            _("Not served, by home municipality"),
            _("Home municipality"),
            section.by_home,
            str,
        ),
        _unmet("unmet-hour", _("Not served, by hour"), _("Hour"), section.by_hour, hour_label),
    ]


def childcare_tables(section: ChildcareSection) -> list[ReportTable]:
    """Daycare stops on the way, and the course sites riders name."""
    daycare_rows = {"daycare": _("With a daycare stop"), "direct": _("Without")}
    served_columns = {"served": _("Served"), "unserved": _("Not served")}
    return [
        _cross(
            "daycare",
            _("Rides with a daycare stop on the way"),
            _("Ride"),
            section.daycare,
            row_label=lambda k: daycare_rows[k],
            column_label=lambda k: served_columns[k],
        ),
        _cross(
            "courses",
            _("Courses and whether riders reach them"),
            _("Course site"),
            section.courses,
            column_label=lambda k: served_columns[k],
            columns=["served", "unserved"],
        ),
    ]


TABLE_SECTIONS: dict[str, Section] = {
    "demand-purpose": Section.DEMAND,
    "demand-home": Section.DEMAND,
    "demand-destination": Section.DEMAND,
    "origin-destination": Section.DEMAND,
    "weekday-hour": Section.DEMAND,
    "service": Section.SERVICE,
    "regular": Section.SERVICE,
    "unmet-purpose": Section.UNMET,
    "unmet-home": Section.UNMET,
    "unmet-hour": Section.UNMET,
    "daycare": Section.CHILDCARE,
    "courses": Section.CHILDCARE,
    "volunteers": Section.VOLUNTEERS,
}
"""Which page, and so which computation, each table belongs to (exports ask for one table)."""

SECTION_TITLES = {
    Section.DEMAND: _l("Demand"),
    Section.SERVICE: _l("Service"),
    Section.UNMET: _l("Unmet need"),
    Section.CHILDCARE: _l("Childcare"),
    Section.VOLUNTEERS: _l("Volunteers"),
}


def report_tables(report: DistrictReport) -> dict[str, ReportTable]:
    """Every table of the report by key, in the order of the pages."""
    tables = [
        *demand_tables(report.demand),
        *service_tables(report.service, report.filter.period),
        *unmet_tables(report.unmet),
        *childcare_tables(report.childcare),
        volunteer_table(report.volunteers),
    ]
    return {table.key: table for table in tables}


def period_label(first: dt.date, last: dt.date) -> str:
    """``1.6.2026 – 30.6.2026``."""
    return f"{format_date(first, 'd.M.y')} – {format_date(last, 'd.M.y')}"


@dataclass(frozen=True)
class Headline:
    """A figure of the summary and what it is; ``value`` None when suppressed."""

    label: str
    value: Figure


@dataclass(frozen=True)
class Summary:
    """The one page for the committee: headline figures and the largest gaps."""

    headlines: list[Headline]
    reasons: list[Headline]
    unmet_purposes: list[Headline]
    unmet_hours: list[Headline]
    unmet_homes: list[Headline]


def _share(part: int | None, whole: int | None) -> float | None:
    if part is None or not whole:
        return None
    return round(100 * part / whole, 1)


def _largest(rows: Iterable[Any], label: Any, count: int = 3) -> list[Headline]:
    shown = [r for r in rows if r.ride_days]
    shown.sort(key=lambda r: -r.ride_days)
    return [Headline(label(r.key), r.ride_days) for r in shown[:count]]


def summary(report: SummaryReport) -> Summary:
    """The summary's figures, read from the same suppressed tables as the page."""
    total = report.by_purpose.total
    unmet = report.unmet.by_purpose.total
    daycare = report.daycare
    v = report.volunteers
    requested = None if total is None else total.requested
    served = None if total is None else total.served
    headlines = [
        Headline(_("People who asked for rides"), None if total is None else total.people),
        Headline(_("Rides requested"), requested),
        Headline(_("Rides served"), served),
        Headline(_("Share served (%)"), _share(served, requested)),
        Headline(_("People with rides not served"), None if unmet is None else unmet.people),
        Headline(_("Ride-days not served"), None if unmet is None else unmet.ride_days),
        Headline(_("Rides with a daycare stop"), daycare.row_totals.get("daycare", 0)),
        Headline(
            _("Of these served (%)"),
            _share(daycare.cell("daycare", "served"), daycare.row_totals.get("daycare", 0)),
        ),
        Headline(_("Volunteer drivers"), v.drivers if v.shown else (None if v.drivers else 0)),
        Headline(_("Hours given"), round(v.hours, 1) if v.shown else None),
        Headline(_("Kilometres driven (planned)"), round(v.kilometres) if v.shown else None),
    ]
    reasons = [
        Headline(str(REASON_GROUP_LABELS[g]), report.service.total.unserved.get(g))
        for g in report.service.groups
    ]
    return Summary(
        headlines,
        reasons,
        _largest(report.unmet.by_purpose.rows, purpose_label),
        _largest(report.unmet.by_hour.rows, hour_label),
        _largest(report.unmet.by_home.rows, str),
    )
