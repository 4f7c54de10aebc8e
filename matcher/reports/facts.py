"""The trips a report counts, as one SQL subquery every report aggregates.

A trip counts when it lies in the period and is not cancelled. It is served
when it is picked up in its day's published plan on a route the driver did not
decline; that is what happened, whatever drafts came later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import aliased

from matcher.models import DayPlan
from matcher.models import NeedPurpose
from matcher.models import Place
from matcher.models import PlanStatus
from matcher.models import Route
from matcher.models import RouteStatus
from matcher.models import Stop
from matcher.models import StopKind
from matcher.models import Trip
from matcher.models import TripDirection
from matcher.models import TripStatus
from matcher.reports.periods import Period
from matcher.reports.sqltime import epoch_seconds
from matcher.reports.sqltime import iso_weekday
from matcher.reports.sqltime import local_hour
from matcher.reports.sqltime import utc_offsets

NOT_PUBLISHED = "not_published"
"""Reason code of a trip whose day never got a published plan."""

_HELD = "matcher.reports.facts"
"""Key in ``Session.info`` of the facts a report materialised: (period, table)."""


def trip_facts(
    period: Period,
    purpose: NeedPurpose | None = None,
    municipality: str | None = None,
    *,
    dialect: str,
    tz: dt.tzinfo | None = None,
) -> sa.Subquery:
    """One row per counted trip: rider, day, purpose, areas, served, reason, the time wished.

    ``wish_at`` is the instant the rider named (arrive by, or pick up after);
    ``away_*`` describe the place she travels to (or comes back from);
    ``ride_seconds`` is a served trip's time in the car, from the pick-up's
    departure to the drop-off's arrival, beside its ``direct_seconds``. With
    ``tz`` (the district's time zone) the rows also carry ``weekday`` (ISO, 1
    Monday) and ``wish_hour`` (0-23 on the local clock).
    """
    home = aliased(Place)
    away = aliased(Place)
    outbound = Trip.direction == TripDirection.OUTBOUND
    home_id = sa.case((outbound, Trip.origin_id), else_=Trip.destination_id)
    away_id = sa.case((outbound, Trip.destination_id), else_=Trip.origin_id)
    home_area = sa.func.coalesce(home.municipality, home.name)
    away_area = sa.func.coalesce(away.municipality, away.name)
    # Joined as sets, not asked per trip: one pass over the period's plans.
    pickup, dropoff = aliased(Stop), aliased(Stop)
    ride = epoch_seconds(dropoff.arrival_at, dialect) - epoch_seconds(pickup.departure_at, dialect)
    served_trips = (
        sa.select(pickup.trip_id.label("trip_id"), sa.func.max(ride).label("ride_seconds"))
        .join(Route, Route.id == pickup.route_id)
        .join(DayPlan, DayPlan.id == Route.plan_id)
        .outerjoin(
            dropoff,
            (dropoff.route_id == pickup.route_id)
            & (dropoff.trip_id == pickup.trip_id)
            & (dropoff.kind == StopKind.DROPOFF),
        )
        .where(pickup.kind == StopKind.PICKUP, pickup.trip_id.is_not(None))
        .where(DayPlan.status == PlanStatus.PUBLISHED, Route.status != RouteStatus.DECLINED)
        .where(DayPlan.day.between(period.first, period.last))
        .group_by(pickup.trip_id)
        .subquery("served_trips")
    )
    published_days = (
        sa.select(DayPlan.day.label("day"))
        .where(DayPlan.status == PlanStatus.PUBLISHED)
        .where(DayPlan.day.between(period.first, period.last))
        .group_by(DayPlan.day)
        .subquery("published_days")
    )
    served = served_trips.c.trip_id.is_not(None)
    # The time the rider named: the arrival on the way there, the pick-up on the way back.
    wish_at = sa.case(
        (outbound & Trip.latest_dropoff.is_not(None), Trip.latest_dropoff),
        else_=sa.func.coalesce(Trip.earliest_pickup, Trip.latest_dropoff),
    )
    reason = sa.case(
        (served, sa.null()),
        (published_days.c.day.is_(None), sa.literal(NOT_PUBLISHED)),
        else_=sa.func.coalesce(Trip.unserved_reason, sa.literal("unassigned")),
    )
    query = (
        sa.select(
            Trip.id.label("trip_id"),
            Trip.rider_id.label("rider_id"),
            Trip.day.label("day"),
            Trip.purpose.label("purpose"),
            home_area.label("home_area"),
            away_area.label("away_area"),
            sa.case((served, 1), else_=0).label("served"),
            reason.label("reason"),
            wish_at.label("wish_at"),
            Trip.via_id.label("via_id"),
            away.id.label("away_id"),
            away.name.label("away_name"),
            away.kind.label("away_kind"),
            served_trips.c.ride_seconds.label("ride_seconds"),
            Trip.direct_seconds.label("direct_seconds"),
        )
        .join(home, home.id == home_id)
        .join(away, away.id == away_id)
        .outerjoin(served_trips, served_trips.c.trip_id == Trip.id)
        .outerjoin(published_days, published_days.c.day == Trip.day)
        .where(Trip.day.between(period.first, period.last))
        .where(Trip.status != TripStatus.CANCELLED)
    )
    if tz is not None:
        offsets = utc_offsets(period.first, period.last, tz)
        query = query.add_columns(
            iso_weekday(Trip.day, dialect).label("weekday"),
            local_hour(wish_at, dialect, offsets, getattr(tz, "key", None)).label("wish_hour"),
        )
    if purpose is not None:
        query = query.where(Trip.purpose == purpose)
    if municipality:
        query = query.where(home_area == municipality)
    return query.subquery("facts")


def facts_of(
    session: Session,
    period: Period,
    *,
    purpose: NeedPurpose | None = None,
    municipality: str | None = None,
    tz: dt.tzinfo | None = None,
) -> sa.FromClause:
    """The facts every report module reads: the materialised table when one is held, else SQL.

    Inside :func:`materialised` the served flag, the areas and the local hours
    are worked out once for the whole report instead of once per table. Pass
    ``tz`` to get the ``weekday`` and ``wish_hour`` columns.
    """
    held = session.info.get(_HELD)
    if held is None or held[0] != period or (tz is not None and (held[1] != tz or not held[3])):
        dialect = session.get_bind().dialect.name
        return trip_facts(period, purpose, municipality, dialect=dialect, tz=tz)
    table: sa.Table = held[2]
    if purpose is None and not municipality:
        return table
    query = sa.select(table)
    if purpose is not None:
        query = query.where(table.c.purpose == purpose)
    if municipality:
        query = query.where(table.c.home_area == municipality)
    return query.subquery("facts")


@contextmanager
def materialised(
    session: Session, period: Period, tz: dt.tzinfo, *, hours: bool = True
) -> Iterator[None]:
    """Hold the period's facts in a temporary table while the block runs, then drop it.

    ``hours=False`` leaves out the weekday and local hour (a page that does not
    show them saves their arithmetic on every trip).

    The table lives in the session's connection only (no other request sees
    it); if the block fails, the caller's rollback removes it with the rest.
    """
    held = session.info.get(_HELD)
    if held is not None:
        if held[0] != period or held[1] != tz or (hours and not held[3]):
            raise RuntimeError("other report facts are already materialised in this session")
        yield  # a section inside the whole report: the facts are there
        return
    dialect = session.get_bind().dialect.name
    source = trip_facts(period, dialect=dialect, tz=tz if hours else None)
    columns = []
    selected: list[sa.ColumnElement[Any]] = []
    for column in source.c:
        if isinstance(column.type, sa.Enum):
            columns.append(sa.Column(column.name, sa.String(40)))
            selected.append(sa.cast(column, sa.String(40)).label(column.name))
        else:
            # The trip id is the key: reports join the facts back to trips and stops.
            key = column.name == "trip_id"
            columns.append(
                sa.Column(column.name, column.type, primary_key=key, autoincrement=False)
            )
            selected.append(column)
    table = sa.Table("report_facts", sa.MetaData(), *columns, prefixes=["TEMPORARY"])
    connection = session.connection()
    # SQLite keeps a temporary table its rollback brought back: start from none.
    connection.execute(sa.text(f"DROP TABLE IF EXISTS {table.name}"))
    table.create(connection)
    session.execute(table.insert().from_select([c.name for c in columns], sa.select(*selected)))
    session.info[_HELD] = (period, tz, table, hours)
    try:
        yield
    except BaseException:
        session.info.pop(_HELD, None)
        raise
    session.info.pop(_HELD, None)
    table.drop(connection)
