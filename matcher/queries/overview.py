"""Read-only queries behind the coordination office's pages: dashboard, day, plan, audit log.

Nothing here changes data; the pages stay thin and the queries stay testable
without Flask. Plans are loaded with their routes, stops, trips, riders and
places in a few ``selectin`` queries, so a plan page costs a fixed number of
round trips however many drivers it has.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import selectinload

from matcher.clock import BERLIN
from matcher.clock import local_midnight
from matcher.demand.need_days import need_days
from matcher.demand.need_days import trip_counts
from matcher.errors import NotFound
from matcher.models import AuditEntry
from matcher.models import Coordinator
from matcher.models import DayPlan
from matcher.models import Driver
from matcher.models import DriverVetting
from matcher.models import Place
from matcher.models import PlanningRun
from matcher.models import PlanningRunStatus
from matcher.models import PlanStatus
from matcher.models import Rider
from matcher.models import Route
from matcher.models import Stop
from matcher.models import Trip
from matcher.models import TripStatus
from matcher.settings import Settings

ACTIVE_RUN_STATUSES = (PlanningRunStatus.QUEUED, PlanningRunStatus.RUNNING)


@dataclass(frozen=True)
class DaySummary:
    """One line of the dashboard.

    ``plan`` is the version that counts: the published one, else the newest.
    ``served`` counts the trips in that version; ``needs_attention`` is set when
    a published route was declined or the newest run failed.
    """

    day: dt.date
    trips: int
    served: int
    plan_id: int | None
    plan_version: int | None
    plan_status: PlanStatus | None
    needs_attention: bool
    run_active: bool
    expected: bool = False
    """``trips`` is what the standing needs ask for: the day's trips are not made yet."""


def day_summaries(
    session: Session,
    first_day: dt.date,
    days: int,
    settings: Settings | None = None,
    *,
    expected_demand: bool = True,
) -> list[DaySummary]:
    """Summaries of ``days`` consecutive days from ``first_day``.

    Trips are made when a day is planned; for days without trips the count is what
    the active needs ask for (``expected``), so the coordinator sees the demand ahead.
    """
    last_day = first_day + dt.timedelta(days=days - 1)
    trip_counts = Counter(
        dict(
            session.execute(
                sa.select(Trip.day, sa.func.count(Trip.id))
                .where(Trip.day.between(first_day, last_day))
                .where(Trip.status != TripStatus.CANCELLED)
                .group_by(Trip.day)
            ).all()
        )
    )
    without_trips = [
        day
        for day in (first_day + dt.timedelta(days=k) for k in range(days))
        if not trip_counts.get(day)
    ]
    expected = (
        _expected_trip_counts(session, without_trips, settings or Settings())
        if expected_demand and without_trips
        else {}
    )
    plans = session.scalars(
        sa.select(DayPlan)
        .where(DayPlan.day.between(first_day, last_day))
        .order_by(DayPlan.day, DayPlan.version)
    ).all()
    counting: dict[dt.date, DayPlan] = {}
    attention: set[dt.date] = set()
    for version in plans:
        current = counting.get(version.day)
        if current is None or current.status != PlanStatus.PUBLISHED:
            counting[version.day] = version
        if version.needs_attention and version.status != PlanStatus.SUPERSEDED:
            attention.add(version.day)
    served = _served_counts(session, [p.id for p in counting.values()])
    runs = session.scalars(
        sa.select(PlanningRun)
        .where(PlanningRun.day.between(first_day, last_day))
        .order_by(PlanningRun.id)
    ).all()
    newest_run: dict[dt.date, PlanningRun] = {run.day: run for run in runs}
    summaries = []
    for offset in range(days):
        day = first_day + dt.timedelta(days=offset)
        plan = counting.get(day)
        run = newest_run.get(day)
        made = trip_counts.get(day, 0)
        summaries.append(
            DaySummary(
                day=day,
                trips=made or expected.get(day, 0),
                expected=not made and bool(expected.get(day)),
                served=served.get(plan.id, 0) if plan else 0,
                plan_id=plan.id if plan else None,
                plan_version=plan.version if plan else None,
                plan_status=plan.status if plan else None,
                needs_attention=day in attention
                or (run is not None and run.status == PlanningRunStatus.FAILED),
                run_active=run is not None and run.status in ACTIVE_RUN_STATUSES,
            )
        )
    return summaries


def _expected_trip_counts(
    session: Session, days: list[dt.date], settings: Settings
) -> dict[dt.date, int]:
    """What the active needs ask for on ``days``: the needs read once, in four queries."""
    return trip_counts(need_days(session, min(days), max(days)), days, settings)


def _served_counts(session: Session, plan_ids: list[int]) -> dict[int, int]:
    if not plan_ids:
        return {}
    rows = session.execute(
        sa.select(Route.plan_id, sa.func.count(sa.distinct(Stop.trip_id)))
        .join(Stop, Stop.route_id == Route.id)
        .where(Route.plan_id.in_(plan_ids), Stop.trip_id.is_not(None))
        .group_by(Route.plan_id)
    ).all()
    return dict(rows)


def drivers_awaiting_vetting(session: Session) -> list[Driver]:
    """Active drivers not yet vetted, oldest registration first."""
    return list(
        session.scalars(
            sa.select(Driver)
            .where(
                Driver.vetting_status == DriverVetting.PENDING,
                Driver.active,
                Driver.erased_at.is_(None),
            )
            .options(selectinload(Driver.home_place))
            .order_by(Driver.created_at, Driver.id)
        )
    )


def riders_to_check(session: Session) -> list[Rider]:
    """Riders whose address needs a look or who may have registered twice."""
    return list(
        session.scalars(
            sa.select(Rider)
            .where(Rider.erased_at.is_(None))
            .where(Rider.location_to_check | Rider.possible_duplicate_of_id.is_not(None))
            .options(selectinload(Rider.home_place))
            .order_by(Rider.created_at, Rider.id)
        )
    )


def day_trips(session: Session, day: dt.date) -> list[Trip]:
    """The day's trips (cancelled ones included), by their earliest time."""
    trips = session.scalars(
        sa.select(Trip)
        .where(Trip.day == day)
        .options(  # one statement, however many trips, riders and places
            joinedload(Trip.rider),
            joinedload(Trip.origin),
            joinedload(Trip.destination),
        )
    ).all()
    return sorted(trips, key=_trip_sort_key)


def _trip_sort_key(trip: Trip) -> tuple[dt.datetime, int]:
    anchor = trip.earliest_pickup or trip.latest_dropoff or local_midnight(trip.day)
    return (anchor, trip.id)


def plan_versions(session: Session, day: dt.date) -> list[DayPlan]:
    """Every version of the day's plan, newest first."""
    return list(
        session.scalars(
            sa.select(DayPlan).where(DayPlan.day == day).order_by(DayPlan.version.desc())
        )
    )


def day_runs(session: Session, day: dt.date, limit: int = 5) -> list[PlanningRun]:
    """The day's latest planner runs, newest first."""
    return list(
        session.scalars(
            sa.select(PlanningRun)
            .where(PlanningRun.day == day)
            .order_by(PlanningRun.id.desc())
            .limit(limit)
        )
    )


def load_plan(session: Session, plan_id: int) -> DayPlan:
    """A plan with routes, drivers, stops, trips, riders and places loaded; NotFound if unknown."""
    plan = session.scalars(
        sa.select(DayPlan)
        .where(DayPlan.id == plan_id)
        # Three statements whatever the number of trips: the plan, its routes with their
        # drivers, and all their stops joined to trip, rider and place (selectin loading
        # of trips or places would split into one statement per 500 ids).
        .options(
            selectinload(DayPlan.routes).joinedload(Route.driver),
            selectinload(DayPlan.routes)
            .selectinload(Route.stops)
            .joinedload(Stop.trip)
            .joinedload(Trip.rider),
            selectinload(DayPlan.routes).selectinload(Route.stops).joinedload(Stop.place),
        )
        .execution_options(populate_existing=True)
    ).one_or_none()
    if plan is None:
        raise NotFound()
    return plan


def unplanned_trips(session: Session, plan: DayPlan) -> list[Trip]:
    """The day's trips that are not cancelled and on no route of ``plan``, by time.

    One statement (riders and places joined), and the planned trips are not loaded.
    """
    planned = (
        sa.select(Stop.trip_id)
        .join(Route, Route.id == Stop.route_id)
        .where(Route.plan_id == plan.id, Stop.trip_id.is_not(None))
    )
    trips = session.scalars(
        sa.select(Trip)
        .where(Trip.day == plan.day, Trip.status != TripStatus.CANCELLED, Trip.id.not_in(planned))
        .options(joinedload(Trip.rider), joinedload(Trip.origin), joinedload(Trip.destination))
    ).all()
    return sorted(trips, key=_trip_sort_key)


def newest_version(session: Session, day: dt.date) -> DayPlan | None:
    """The newest version of the day's plan, if any."""
    return session.scalars(
        sa.select(DayPlan).where(DayPlan.day == day).order_by(DayPlan.version.desc()).limit(1)
    ).first()


def plannable_drivers(session: Session) -> list[Driver]:
    """Drivers the planner may use, by name."""
    drivers = session.scalars(
        sa.select(Driver).where(Driver.vetted, Driver.active, Driver.erased_at.is_(None))
    ).all()
    return sorted(drivers, key=lambda d: (d.display_name.casefold(), d.id))


def audit_entries(
    session: Session, day: dt.date | None = None, limit: int = 200, tz: dt.tzinfo = BERLIN
) -> list[AuditEntry]:
    """The newest audit entries; with ``day``, those made on that local day or concerning it.

    "Concerning" means the day's plan versions and planner runs, or ``details["day"]``.
    """
    query = sa.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if day is not None:
        start = local_midnight(day, tz)
        end = local_midnight(day + dt.timedelta(days=1), tz)
        plan_ids = sa.select(DayPlan.id).where(DayPlan.day == day)
        run_ids = sa.select(PlanningRun.id).where(PlanningRun.day == day)
        query = query.where(
            sa.or_(
                sa.and_(AuditEntry.at >= start, AuditEntry.at < end),
                sa.and_(AuditEntry.entity_type == "day_plan", AuditEntry.entity_id.in_(plan_ids)),
                sa.and_(
                    AuditEntry.entity_type == "planning_run", AuditEntry.entity_id.in_(run_ids)
                ),
                AuditEntry.details["day"].as_string() == day.isoformat(),
            )
        )
    return list(session.scalars(query.limit(limit)))


def trips_by_id(session: Session, trip_ids: list[int]) -> dict[int, Trip]:
    """Trips with their places, by id."""
    if not trip_ids:
        return {}
    trips = session.scalars(
        sa.select(Trip)
        .where(Trip.id.in_(set(trip_ids)))
        .options(selectinload(Trip.origin), selectinload(Trip.destination))
    ).all()
    return {t.id: t for t in trips}


def rider_names(session: Session, rider_ids: list[int]) -> dict[int, str]:
    """How coordinators tell riders apart: "Elif (Dannenberg)", by rider id.

    Riders give only a first name, and first names repeat; the home village
    (or nothing for an erased rider) makes the lists unambiguous.
    """
    if not rider_ids:
        return {}
    rows = session.execute(
        sa.select(Rider.id, Rider.first_name, Place.name)
        .outerjoin(Place, Place.id == Rider.home_place_id)
        .where(Rider.id.in_(set(rider_ids)))
    ).all()
    return {rid: f"{name} ({home})" if name and home else name or "" for rid, name, home in rows}


def driver_names(session: Session, driver_ids: list[int]) -> dict[int, str]:
    """Display names ("Jens M.") by driver id."""
    if not driver_ids:
        return {}
    drivers = session.scalars(sa.select(Driver).where(Driver.id.in_(set(driver_ids)))).all()
    return {d.id: d.display_name for d in drivers}


def active_riders(session: Session) -> list[Rider]:
    """Riders who are not erased, by first name (for the one-off trip form)."""
    riders = session.scalars(sa.select(Rider).where(Rider.erased_at.is_(None))).all()
    return sorted(riders, key=lambda r: ((r.first_name or "").casefold(), r.id))


def routable_places(session: Session) -> list[Place]:
    """Places with coordinates, by name (for the one-off trip form)."""
    return list(
        session.scalars(
            sa.select(Place).where(Place.lat.is_not(None)).order_by(Place.name, Place.id)
        )
    )


def coordinator_names(session: Session, coordinator_ids: list[int]) -> dict[int, str]:
    """Names of coordinator accounts by id (for the audit log)."""
    if not coordinator_ids:
        return {}
    rows = session.execute(
        sa.select(Coordinator.id, Coordinator.name).where(Coordinator.id.in_(set(coordinator_ids)))
    ).all()
    return dict(rows)
