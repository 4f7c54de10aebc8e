"""Service: served and unserved over time by reason group, regular riders, extra ride time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.models import NeedPurpose
from matcher.reports.crosstab import crosstab
from matcher.reports.facts import NOT_PUBLISHED
from matcher.reports.facts import facts_of
from matcher.reports.periods import Period
from matcher.reports.suppression import MIN_PEOPLE
from matcher.reports.suppression import Cell
from matcher.reports.suppression import suppress

REGULAR_SHARE = 0.9
"""A rider is served regularly when her rides were all served on at least 90 % of her days."""


class ReasonGroup(StrEnum):
    """Why rides were not served, in the few groups a district reads."""

    NO_DRIVER = "no_driver"
    """No driver at that hour: shifts, caps, driving limits, other rides in the way."""
    RIDE_TIME = "ride_time"
    SEATS = "seats"
    LOCKED = "locked"
    DECLINED = "declined"
    NOT_LOCATED = "not_located"
    NOT_PUBLISHED = "not_published"


REASON_GROUPS: dict[str, ReasonGroup] = {
    "ride_time_exceeded": ReasonGroup.RIDE_TIME,
    "no_seat": ReasonGroup.SEATS,
    "locked_vehicle_cannot": ReasonGroup.LOCKED,
    "driver_declined": ReasonGroup.DECLINED,
    "place_not_located": ReasonGroup.NOT_LOCATED,
    NOT_PUBLISHED: ReasonGroup.NOT_PUBLISHED,
}
"""Every other reason code (no vehicle in time, caps, conflicts...) is 'no driver at that hour'."""


def reason_group(reason: sa.ColumnElement[str]) -> sa.ColumnElement[str]:
    """The group of a reason code, in SQL."""
    return sa.case(
        *((reason == code, str(group)) for code, group in REASON_GROUPS.items()),
        else_=str(ReasonGroup.NO_DRIVER),
    )


@dataclass(frozen=True)
class ServicePoint:
    """One bucket of the series; a figure is None when it is suppressed."""

    first: dt.date
    last: dt.date
    requested: int | None
    served: int | None
    unserved: dict[ReasonGroup, int | None]


@dataclass(frozen=True)
class ServiceSeries:
    """The buckets in order, the reason groups that occur, and the period's totals."""

    points: list[ServicePoint]
    groups: list[ReasonGroup]
    total: ServicePoint


def service_over_time(
    session: Session,
    period: Period,
    *,
    purpose: NeedPurpose | None = None,
    municipality: str | None = None,
) -> ServiceSeries:
    """Rides requested, served and unserved by reason group for each bucket of the period."""
    facts = facts_of(session, period, purpose=purpose, municipality=municipality)
    buckets = period.buckets()
    bucket = sa.case(
        *((facts.c.day.between(first, last), index) for index, (first, last) in enumerate(buckets)),
        else_=-1,
    )
    column = sa.case((facts.c.served == 1, "served"), else_=reason_group(facts.c.reason))
    columns = ["served", *(str(g) for g in ReasonGroup)]
    table = crosstab(
        session, facts, bucket, column, rows=list(range(len(buckets))), columns=columns
    )
    groups = [g for g in ReasonGroup if table.column_totals.get(str(g)) != 0]

    def point(first: dt.date, last: dt.date, index: int | None) -> ServicePoint:
        def figure(col: str) -> int | None:
            return table.column_totals[col] if index is None else table.cell(index, col)

        requested = table.total if index is None else table.row_totals[index]
        return ServicePoint(
            first, last, requested, figure("served"), {g: figure(str(g)) for g in groups}
        )

    points = [point(first, last, index) for index, (first, last) in enumerate(buckets)]
    return ServiceSeries(points, groups, point(period.first, period.last, None))


@dataclass(frozen=True)
class RegularRiders:
    """Riders with rides in the period and how many were served on >= 90 % of their days."""

    riders: int | None
    regular: int | None
    irregular: int | None


def regular_riders(
    session: Session,
    period: Period,
    *,
    purpose: NeedPurpose | None = None,
    municipality: str | None = None,
) -> RegularRiders:
    """A rider's day is served when all her counted rides that day were served."""
    facts = facts_of(session, period, purpose=purpose, municipality=municipality)
    days = (
        sa.select(facts.c.rider_id, facts.c.day, sa.func.min(facts.c.served).label("served"))
        .group_by(facts.c.rider_id, facts.c.day)
        .subquery()
    )
    per_rider = (
        sa.select(
            days.c.rider_id,
            sa.func.count().label("days"),
            sa.func.sum(days.c.served).label("served_days"),
        )
        .group_by(days.c.rider_id)
        .subquery()
    )
    regular = per_rider.c.served_days * 10 >= per_rider.c.days * 9
    riders, regulars = session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(sa.case((regular, 1), else_=0)), 0))
    ).one()
    riders, regulars = int(riders), int(regulars)
    cells: dict[tuple[Hashable, Hashable], Cell] = {
        ("all", "regular"): Cell(regulars, regulars),
        ("all", "irregular"): Cell(riders - regulars, riders - regulars),
    }
    hidden = suppress(cells, {"all": Cell(riders, riders)}, {}, Cell(riders, riders))
    return RegularRiders(
        None if hidden.grand_total else riders,
        None if ("all", "regular") in hidden.cells else regulars,
        None if ("all", "irregular") in hidden.cells else riders - regulars,
    )


@dataclass(frozen=True)
class ExtraRideTime:
    """Minutes served riders sat in the car beyond the direct ride; None below five people."""

    rides: int
    mean_minutes: float | None
    max_minutes: float | None


def extra_ride_time(
    session: Session,
    period: Period,
    *,
    purpose: NeedPurpose | None = None,
    municipality: str | None = None,
) -> ExtraRideTime:
    """From the pick-up's departure to the drop-off's arrival, minus the direct travel time."""
    facts = facts_of(session, period, purpose=purpose, municipality=municipality)
    beyond = facts.c.ride_seconds - facts.c.direct_seconds
    extra = sa.case((beyond > 0, beyond), else_=0)
    rides, people, mean, longest = session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count(sa.distinct(facts.c.rider_id)),
            sa.func.avg(extra),
            sa.func.max(extra),
        ).where(
            facts.c.served == 1,
            facts.c.direct_seconds.is_not(None),
            facts.c.ride_seconds.is_not(None),
        )
    ).one()
    if people < MIN_PEOPLE:
        return ExtraRideTime(int(rides), None, None)
    return ExtraRideTime(int(rides), float(mean) / 60, float(longest) / 60)
