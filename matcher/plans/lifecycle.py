"""Plan versions: approve, publish, edit, compare. Optimistic locking on every change.

Every mutating call takes ``expected_row_version`` (the ``DayPlan.row_version``
the coordinator's page showed) and raises ``Conflict`` naming who changed the
plan and when if it differs. Editing an approved or published plan first copies
it into a new draft version (``based_on``) and edits the copy; a draft is edited
in place. Every edit is re-timed with ``solver.schedule`` and verified with
``solver.check`` on a problem rebuilt for the plan; an edit that would break a
constraint is refused with a ``ValidationError`` in plain language. Every
change writes an audit entry. "Where can this fit?" lives in ``insertions``,
one-off rides in ``one_off``; both are re-exported here, the one API of plans.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.audit import record_action
from matcher.clock import utcnow
from matcher.demand.one_off import add_one_off_trip as add_one_off_trip
from matcher.errors import N_
from matcher.errors import InvalidTransition
from matcher.errors import NotFound
from matcher.models import DayPlan
from matcher.models import PlanStatus
from matcher.models import StopKind
from matcher.models import Trip
from matcher.planning.reasons import UNASSIGNED
from matcher.plans import edits
from matcher.plans.insertions import InsertionOption as InsertionOption
from matcher.plans.insertions import MoveChoice as MoveChoice
from matcher.plans.insertions import apply_insertion as apply_insertion
from matcher.plans.insertions import move_choices as move_choices
from matcher.plans.insertions import where_can_fit as where_can_fit
from matcher.plans.snapshots import name_edit
from matcher.plans.undo import LastEdit as LastEdit
from matcher.plans.undo import last_edit as last_edit
from matcher.plans.undo import undo_last_edit as undo_last_edit
from matcher.plans.versions import check_row_version
from matcher.plans.versions import editable
from matcher.plans.versions import flush
from matcher.plans.versions import get_plan
from matcher.plans.versions import touch
from matcher.settings import Settings


@dataclass(frozen=True)
class PublishResult:
    """The published plan, the version it replaced, and whose rides changed (for notification)."""

    plan: DayPlan
    superseded_plan_id: int | None
    changed_rider_ids: list[int] = field(default_factory=list)
    changed_driver_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class RiderMove:
    """A trip served by another driver (None: unserved) in plan B than in plan A."""

    trip_id: int
    rider_id: int
    from_driver_id: int | None
    to_driver_id: int | None


@dataclass(frozen=True)
class TimeChange:
    """A trip whose planned pick-up moved between the plans (B minus A, in minutes)."""

    trip_id: int
    rider_id: int
    old_pickup_at: dt.datetime
    new_pickup_at: dt.datetime
    minutes: float


@dataclass(frozen=True)
class PlanDiff:
    """What changed from plan A to plan B."""

    plan_a_id: int
    plan_b_id: int
    moves: list[RiderMove] = field(default_factory=list)
    time_changes: list[TimeChange] = field(default_factory=list)

    @property
    def changed_rider_ids(self) -> list[int]:
        """Riders who moved or whose pick-up time changed, sorted."""
        return sorted({m.rider_id for m in self.moves} | {c.rider_id for c in self.time_changes})


def approve_plan(
    session: Session, plan_id: int, *, expected_row_version: int, actor_id: int | None
) -> DayPlan:
    """Approve a draft (InvalidTransition for other statuses)."""
    plan = get_plan(session, plan_id)
    check_row_version(session, plan, expected_row_version)
    if plan.status != PlanStatus.DRAFT:
        raise InvalidTransition(N_("Only a draft can be approved."))
    plan.status = PlanStatus.APPROVED
    plan.approved_at = utcnow()
    plan.approved_by_id = actor_id
    flush(session, plan)
    record_action(session, actor_id, "plan.approve", "day_plan", plan.id, version=plan.version)
    flush(session)
    return plan


def publish_plan(
    session: Session, plan_id: int, *, expected_row_version: int, actor_id: int | None
) -> PublishResult:
    """Publish an approved plan; the day's previously published version becomes superseded."""
    plan = get_plan(session, plan_id)
    check_row_version(session, plan, expected_row_version)
    if plan.status != PlanStatus.APPROVED:
        raise InvalidTransition(N_("Approve the plan before publishing it."))
    previous = session.scalar(
        sa.select(DayPlan).where(
            DayPlan.day == plan.day, DayPlan.status == PlanStatus.PUBLISHED, DayPlan.id != plan.id
        )
    )
    now = utcnow()
    if previous is not None:
        previous.status = PlanStatus.SUPERSEDED
        previous.superseded_at = now
        flush(session, previous)  # before the new one: one published version per day
        record_action(session, actor_id, "plan.supersede", "day_plan", previous.id, by=plan.id)
    plan.status = PlanStatus.PUBLISHED
    plan.published_at = now
    plan.published_by_id = actor_id
    flush(session, plan)
    riders, drivers = _changed_people(session, previous, plan)
    record_action(
        session,
        actor_id,
        "plan.publish",
        "day_plan",
        plan.id,
        version=plan.version,
        superseded=previous.id if previous is not None else None,
        changed_riders=len(riders),
        changed_drivers=len(drivers),
    )
    flush(session)
    return PublishResult(plan, previous.id if previous is not None else None, riders, drivers)


def publication(session: Session, plan_id: int) -> PublishResult:
    """What publishing ``plan_id`` changed, read again afterwards (the page after publishing).

    The version it replaced is the day's one published last before it; NotFound for an
    unknown plan, InvalidTransition for one never published.
    """
    plan = get_plan(session, plan_id)
    if plan.published_at is None:
        raise InvalidTransition(N_("This plan has not been published."))
    previous = session.scalar(
        sa.select(DayPlan)
        .where(
            DayPlan.day == plan.day,
            DayPlan.id != plan.id,
            DayPlan.published_at.is_not(None),
            DayPlan.published_at <= plan.published_at,
        )
        .order_by(DayPlan.published_at.desc(), DayPlan.version.desc())
        .limit(1)
    )
    riders, drivers = _changed_people(session, previous, plan)
    return PublishResult(plan, previous.id if previous is not None else None, riders, drivers)


def _assignments(plan: DayPlan | None) -> dict[int, tuple[int, dt.datetime | None]]:
    """Trip id -> (driver id, planned pick-up) in a plan."""
    out: dict[int, tuple[int, dt.datetime | None]] = {}
    for route in plan.routes if plan is not None else ():
        for stop in route.stops:
            if stop.kind == StopKind.PICKUP and stop.trip_id is not None:
                out[stop.trip_id] = (route.driver_id, stop.service_start_at)
    return out


Signature = tuple[tuple[str, int | None, int, dt.datetime | None], ...]


def _route_signature(plan: DayPlan | None) -> dict[int, Signature]:
    out: dict[int, Signature] = {}
    for route in plan.routes if plan is not None else ():
        out[route.driver_id] = tuple(
            (str(s.kind), s.trip_id, s.place_id, s.service_start_at)
            for s in route.stops
            if s.trip_id is not None
        )
    return out


def _changed_people(
    session: Session, old: DayPlan | None, new: DayPlan
) -> tuple[list[int], list[int]]:
    """Riders and drivers whose rides differ between two plans (all of the new one if no old)."""
    before, after = _assignments(old), _assignments(new)
    trips = {t for t in set(before) | set(after) if before.get(t) != after.get(t)}
    riders = sorted(
        set(session.scalars(sa.select(Trip.rider_id).where(Trip.id.in_(trips)))) if trips else ()
    )
    sig_old, sig_new = _route_signature(old), _route_signature(new)
    drivers = sorted(d for d in set(sig_old) | set(sig_new) if sig_old.get(d) != sig_new.get(d))
    return riders, drivers


def compare_plans(session: Session, plan_a_id: int, plan_b_id: int) -> PlanDiff:
    """Riders moved between drivers and pick-up time changes from plan A to plan B."""
    a, b = get_plan(session, plan_a_id), get_plan(session, plan_b_id)
    before, after = _assignments(a), _assignments(b)
    trip_ids = sorted(set(before) | set(after))
    rows = session.execute(sa.select(Trip.id, Trip.rider_id).where(Trip.id.in_(trip_ids)))
    riders: dict[int, int] = {trip_id: rider_id for trip_id, rider_id in rows}
    moves, times = [], []
    for trip_id in trip_ids:
        old, new = before.get(trip_id), after.get(trip_id)
        old_driver, new_driver = (old[0] if old else None), (new[0] if new else None)
        if old_driver != new_driver:
            moves.append(RiderMove(trip_id, riders[trip_id], old_driver, new_driver))
        if old and new and old[1] and new[1] and old[1] != new[1]:
            minutes = round((new[1] - old[1]).total_seconds() / 60, 1)
            times.append(TimeChange(trip_id, riders[trip_id], old[1], new[1], minutes))
    return PlanDiff(a.id, b.id, moves, times)


def move_trip(
    session: Session,
    plan_id: int,
    trip_id: int,
    to_driver_id: int,
    *,
    expected_row_version: int,
    actor_id: int | None,
    settings: Settings,
) -> DayPlan:
    """Move a trip (planned or unserved) to a driver at its best feasible position.

    Returns the edited plan: the draft itself, or the new draft copied from an
    approved or published plan.
    """
    plan = editable(session, plan_id, expected_row_version, actor_id)
    ctx = edits.context(session, plan, settings)
    rid = edits.request_of(ctx, trip_id)
    source = edits.check_movable(ctx, rid)
    driver_name = ctx.driver_name(to_driver_id)
    if to_driver_id in ctx.locked_drivers:
        raise edits.refuse("route_locked", driver=driver_name)
    targets = ctx.pi.vehicles_of(to_driver_id)
    if not targets:
        raise edits.refuse("no_shift", driver=driver_name)
    bases = {v: ctx.visits.get(v, ()) for v in targets}
    if source is not None:
        bases[source] = edits.without(ctx.visits[source], rid)
    vid, route = edits.best_insertion(ctx, rid, targets, bases)
    changes = {vid: edits.solver_visits(route)}
    if source is not None and source != vid:
        changes[source] = bases[source]
    edits.apply_routes(ctx, changes)
    return edits.finish_edit(
        ctx,
        actor_id,
        "trip.move",
        plan_id,
        trip=trip_id,
        to_driver=to_driver_id,
        from_driver=ctx.pi.driver_of(source) if source else None,
    )


def unassign_trip(
    session: Session,
    plan_id: int,
    trip_id: int,
    *,
    expected_row_version: int,
    actor_id: int | None,
    settings: Settings,
) -> DayPlan:
    """Take a trip off its route (it becomes unserved, reason ``unassigned``)."""
    plan = editable(session, plan_id, expected_row_version, actor_id)
    ctx = edits.context(session, plan, settings)
    rid = edits.request_of(ctx, trip_id)
    source = edits.check_movable(ctx, rid)
    if source is None:
        raise edits.refuse("not_in_plan")
    edits.apply_routes(ctx, {source: edits.without(ctx.visits[source], rid)}, {rid: UNASSIGNED})
    return edits.finish_edit(
        ctx, actor_id, "trip.unassign", plan_id, trip=trip_id, driver=ctx.pi.driver_of(source)
    )


def lock_trip(
    session: Session,
    plan_id: int,
    trip_id: int,
    locked: bool,
    *,
    expected_row_version: int,
    actor_id: int | None,
    settings: Settings,
) -> DayPlan:
    """Lock (or unlock) a planned trip to its driver: re-planning keeps it there."""
    plan = editable(session, plan_id, expected_row_version, actor_id)
    stops = [s for r in plan.routes for s in r.stops if s.trip_id == trip_id]
    if not stops:
        raise edits.refuse("not_in_plan")
    for stop in stops:
        stop.locked = locked
    touch(plan)
    flush(session, plan)
    ctx = edits.context(session, plan, settings)
    rid = ctx.pi.request_by_trip.get(trip_id)
    source = ctx.vehicle_of(rid) if rid else None
    if source is not None:
        edits.apply_routes(ctx, {source: ctx.visits[source]})
    action = "trip.lock" if locked else "trip.unlock"
    return edits.finish_edit(ctx, actor_id, action, plan_id, trip=trip_id)


def lock_route(
    session: Session,
    plan_id: int,
    driver_id: int,
    locked: bool,
    *,
    expected_row_version: int,
    actor_id: int | None,
    settings: Settings,
) -> DayPlan:
    """Lock (or unlock) a driver's whole route: re-planning keeps its stops and order."""
    plan = editable(session, plan_id, expected_row_version, actor_id)
    route = next((r for r in plan.routes if r.driver_id == driver_id), None)
    if route is None:
        raise NotFound(N_("This driver has no route in this plan."))
    route.locked = locked
    touch(plan)
    flush(session, plan)
    action = "route.lock" if locked else "route.unlock"
    record_action(session, actor_id, action, "day_plan", plan.id, driver=driver_id)
    flush(session, plan)
    name_edit(session, plan, action, {"driver": driver_id})
    flush(session)
    return plan
