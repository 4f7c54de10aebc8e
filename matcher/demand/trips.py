"""The day's trips, materialised from the active ride needs.

Rules (deterministic, so running twice changes nothing):

* A need *applies* on a day when it is active, its rider is not erased,
  ``valid_from <= day <= valid_until``, the day is not paused, and the schedule
  matches: weekly (weekday bit), explicit dates, or a rotating pattern (week
  ``(day - anchor).days // 7 mod number of weeks``, whose times replace the
  need's; an ``off`` week or a missing week yields nothing).
* Public holidays of the district's state (``holidays`` package, settings
  ``holiday_country``/``holiday_subdivision``): job, shift-work, internship and
  course needs do not apply (workplaces and schools are closed) unless the need
  lists that date explicitly (``schedule_kind = dates``). ``other`` needs
  (doctor, authorities) ignore holidays: the rider asked for that day.
* Way there (arrive by ``T``): drop-off window ``[T - flexibility, T]``; the
  pick-up window is left open here and derived by the planner from the
  maximum ride time (``planning.build_problem``).
* Way back (picked up after ``T``): pick-up window ``[T, T + flexibility]``.
  With ``return_next_day`` (night shift 22:00-06:00) the way back belongs to the
  next local day, when it happens: generating day ``D`` makes the way back of a
  need that applied on ``D - 1``.
* Via stop (e.g. the daycare): copied to the trip (``via_id``) and shown to the
  driver; the planner plans the trip as one ride origin -> destination and does
  not time the detour. Honest limitation, kept simple on purpose: a coordinator
  who needs the daycare stop timed adds a one-off trip for it.
* Instants via ``matcher.clock`` (UTC, DST-safe: a wall-clock time in the
  spring gap moves forward, a repeated one takes its first occurrence).
* A trip in the day's published plan is never touched. Otherwise an edited
  need updates its trip (a cancelled trip that applies again comes back as
  requested), and a need that no longer applies cancels its trip.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from matcher.clock import local_instant
from matcher.demand.need_days import NeedDays
from matcher.demand.need_days import ways
from matcher.models import DayPlan
from matcher.models import NeedStatus
from matcher.models import PlanStatus
from matcher.models import RideNeed
from matcher.models import Route
from matcher.models import Stop
from matcher.models import Trip
from matcher.models import TripDirection
from matcher.models import TripStatus
from matcher.settings import Settings

COPIED_FIELDS = (
    "rider_id",
    "purpose",
    "origin_id",
    "destination_id",
    "via_id",
    "seats_needed",
    "child_seats",
    "booster_seats",
    "earliest_pickup",
    "latest_pickup",
    "earliest_dropoff",
    "latest_dropoff",
)


@dataclass(frozen=True)
class TripGeneration:
    """What one generation run did, in counts."""

    created: int = 0
    updated: int = 0
    cancelled: int = 0
    unchanged: int = 0


def _common(need: RideNeed, direction: TripDirection) -> dict[str, Any]:
    there = direction == TripDirection.OUTBOUND
    return {
        "rider_id": need.rider_id,
        "purpose": need.purpose,
        "origin_id": need.origin_id if there else need.destination_id,
        "destination_id": need.destination_id if there else need.origin_id,
        "via_id": need.via_id,
        "seats_needed": need.seats_needed,
        "child_seats": need.child_seats,
        "booster_seats": need.booster_seats,
    }


def desired_trips(
    need: RideNeed, day: dt.date, settings: Settings
) -> dict[TripDirection, dict[str, Any]]:
    """The trips (field values by direction) the need asks for on local ``day``."""
    tz = settings.tz
    flex = dt.timedelta(minutes=need.flexibility_minutes)
    schedule = NeedDays.of(need)
    there, back = ways(
        schedule.times_on(day, settings), schedule.times_on(day - dt.timedelta(days=1), settings)
    )
    out: dict[TripDirection, dict[str, Any]] = {}
    if there is not None and there.arrive_by is not None:
        latest = local_instant(day, there.arrive_by, tz)
        out[TripDirection.OUTBOUND] = _common(need, TripDirection.OUTBOUND) | {
            "earliest_pickup": None,
            "latest_pickup": None,
            "earliest_dropoff": latest - flex,
            "latest_dropoff": latest,
        }
    if back is not None and back.pick_up_after is not None:
        earliest = local_instant(day, back.pick_up_after, tz)
        out[TripDirection.RETURN] = _common(need, TripDirection.RETURN) | {
            "earliest_pickup": earliest,
            "latest_pickup": earliest + flex,
            "earliest_dropoff": None,
            "latest_dropoff": None,
        }
    return out


def published_trip_ids(session: Session, day: dt.date) -> set[int]:
    """Trips that appear in the day's published plan (frozen for generation)."""
    rows = session.scalars(
        sa.select(Stop.trip_id)
        .join(Route, Stop.route_id == Route.id)
        .join(DayPlan, Route.plan_id == DayPlan.id)
        .where(DayPlan.day == day, DayPlan.status == PlanStatus.PUBLISHED)
        .where(Stop.trip_id.is_not(None))
    )
    return {trip_id for trip_id in rows if trip_id is not None}


def generate_trips(session: Session, day: dt.date, settings: Settings) -> TripGeneration:
    """Create, update or cancel the trips of ``day`` from the ride needs; idempotent."""
    needs = session.scalars(
        sa.select(RideNeed)
        .where(RideNeed.status == NeedStatus.ACTIVE)
        .where(RideNeed.valid_from <= day)
        .where(
            sa.or_(
                RideNeed.valid_until.is_(None),
                RideNeed.valid_until >= day - dt.timedelta(days=1),
            )
        )
        .options(
            selectinload(RideNeed.dates),
            selectinload(RideNeed.paused_dates),
            selectinload(RideNeed.rotation_weeks),
            selectinload(RideNeed.rider),
        )
        .order_by(RideNeed.id)
    ).all()
    desired: dict[tuple[int, TripDirection], dict[str, Any]] = {}
    for need in needs:
        for direction, wanted in desired_trips(need, day, settings).items():
            desired[(need.id, direction)] = wanted
    existing: dict[tuple[int, TripDirection], Trip] = {}
    for t in session.scalars(
        sa.select(Trip).where(Trip.day == day, Trip.need_id.is_not(None)).order_by(Trip.id)
    ):
        assert t.need_id is not None  # the query asks for need trips only
        existing[(t.need_id, t.direction)] = t
    frozen = published_trip_ids(session, day) if existing else set()
    counts = {"created": 0, "updated": 0, "cancelled": 0, "unchanged": 0}
    for key in sorted(set(desired) | set(existing), key=lambda k: (k[0], str(k[1]))):
        trip, values = existing.get(key), desired.get(key)
        if trip is not None and trip.id in frozen:
            counts["unchanged"] += 1
        elif trip is None:
            assert values is not None
            session.add(Trip(need_id=key[0], day=day, direction=key[1], **values))
            counts["created"] += 1
        elif values is None:
            if trip.status == TripStatus.CANCELLED:
                counts["unchanged"] += 1
            else:
                trip.status = TripStatus.CANCELLED
                counts["cancelled"] += 1
        elif _apply(trip, values):
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    session.flush()
    return TripGeneration(**counts)


def _apply(trip: Trip, values: dict[str, Any]) -> bool:
    """Copy changed values onto ``trip``; True if anything changed."""
    changed = trip.status == TripStatus.CANCELLED
    for name in COPIED_FIELDS:
        if getattr(trip, name) != values[name]:
            setattr(trip, name, values[name])
            changed = True
    if trip.status == TripStatus.CANCELLED:
        trip.status = TripStatus.REQUESTED
        trip.unserved_reason = None
        trip.unserved_details = None
    return changed


NIGHT_STARTS = dt.time(22, 0)
NIGHT_ENDS = dt.time(6, 0)


def is_night(trip: Trip, settings: Settings) -> bool:
    """A night ride (for the drivers' night cap): the trip's time lies in 22:00-06:00 local."""
    instant = trip.latest_dropoff or trip.earliest_pickup
    if instant is None:
        return False
    local = instant.astimezone(settings.tz).time()
    return local >= NIGHT_STARTS or local < NIGHT_ENDS
