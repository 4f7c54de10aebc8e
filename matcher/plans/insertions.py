"""“Where can this fit?”: rank the feasible insertions of one ride, and apply the chosen one.

``move_choices`` is the same question asked per driver, for the "Move to driver" list:
each driver's cheapest place for the ride, or the reason a move there is refused.

Like a dispatch system's single insert: every position in every shift's route
is tried with the solver's insertion ranking (cheapest extra driving first),
with the effect on the other riders' times; locked routes and rides locked to
their driver are left alone. Applying re-checks everything, because the plan
may have changed since the options were shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field

import sqlalchemy as sa
from sqlalchemy.orm import Session

import solver
from matcher.clock import instant_at_seconds
from matcher.errors import N_
from matcher.errors import ValidationError
from matcher.models import DayPlan
from matcher.models import Driver
from matcher.models import Trip
from matcher.plans import edits
from matcher.plans.versions import editable
from matcher.plans.versions import get_plan
from matcher.settings import Settings
from solver import insert_visits


@dataclass(frozen=True)
class InsertionOption:
    """One feasible place for a trip, for "Where can this fit?" (ranked best first).

    ``vehicle_id``/positions are what ``apply_insertion`` takes back;
    ``affected_trip_ids`` are other riders whose times change, by at most
    ``max_shift_minutes``; times are UTC instants.
    """

    driver_id: int
    driver_name: str
    vehicle_id: str
    pickup_position: int
    dropoff_position: int
    pickup_at: dt.datetime
    dropoff_at: dt.datetime
    extra_drive_minutes: float
    max_shift_minutes: float
    affected_trip_ids: list[int] = field(default_factory=list)
    affected_rider_ids: list[int] = field(default_factory=list)


def where_can_fit(
    session: Session, plan_id: int, trip_id: int, settings: Settings, limit: int = 10
) -> list[InsertionOption]:
    """Feasible insertions of the trip into the plan, cheapest extra driving first.

    Locked routes and a ride locked to its driver are left alone (no options).
    """
    plan = get_plan(session, plan_id)
    ctx = edits.context(session, plan, settings)
    rid = edits.request_of(ctx, trip_id)
    if rid in ctx.locked:
        return []
    routes = [r for vid, r in ctx.routes.items() if ctx.pi.driver_of(vid) not in ctx.locked_drivers]
    found = solver.rank_insertions(ctx.problem, routes, rid, limit=limit * 3)
    options = []
    trip_ids = ctx.pi.trip_by_request
    rider_id = session.scalar(sa.select(Trip.rider_id).where(Trip.id == trip_id))
    for ins in found:
        driver_id = ctx.pi.driver_of(ins.vehicle_id)
        if driver_id in ctx.locked_drivers:
            continue
        times = {(s.request_id, s.kind): s.service_start for s in ins.route.stops}
        affected = [trip_ids[r] for r in ins.affected_request_ids if r in trip_ids]
        # Another trip of the same rider (the way back, say) is not "another rider".
        rows = session.execute(sa.select(Trip.id, Trip.rider_id).where(Trip.id.in_(affected)))
        others = {tid: rid_ for tid, rid_ in rows if rid_ != rider_id}
        affected = [tid for tid in affected if tid in others]
        riders = list(others.values())
        options.append(
            InsertionOption(
                driver_id=driver_id,
                driver_name=ctx.driver_name(driver_id),
                vehicle_id=ins.vehicle_id,
                pickup_position=ins.pickup_position,
                dropoff_position=ins.dropoff_position,
                pickup_at=instant_at_seconds(
                    plan.day, times[(rid, solver.StopKind.PICKUP)], ctx.pi.tz
                ),
                dropoff_at=instant_at_seconds(
                    plan.day, times[(rid, solver.StopKind.DROPOFF)], ctx.pi.tz
                ),
                extra_drive_minutes=round(ins.extra_drive_seconds / 60, 1),
                max_shift_minutes=round(ins.max_shift_seconds / 60, 1),
                affected_trip_ids=sorted(affected),
                affected_rider_ids=sorted(set(riders)),
            )
        )
        if len(options) >= limit:
            break
    return options


@dataclass(frozen=True)
class MoveChoice:
    """A driver in the "Move to driver" list: the extra driving the ride costs, or why not.

    ``refusal`` is the error ``move_trip`` would raise for this driver (None: it fits).
    """

    driver_id: int
    driver_name: str
    extra_drive_minutes: float | None = None
    refusal: ValidationError | None = None

    @property
    def feasible(self) -> bool:
        """Whether the ride fits into this driver's day."""
        return self.refusal is None


def move_choices(
    session: Session, plan_id: int, trip_id: int, settings: Settings
) -> list[MoveChoice]:
    """Every plannable driver but the ride's own: who can take it, cheapest first, then who not.

    The drivers who can are ranked by the extra driving of their cheapest feasible
    insertion (``solver.fit_per_vehicle``, exact), the others follow by name with the
    refusal ``move_trip`` would give: the nearest miss in their route, no shift on the
    day, a locked route, or the ride itself locked.
    """
    plan = get_plan(session, plan_id)
    ctx = edits.context(session, plan, settings)
    rid = edits.request_of(ctx, trip_id)
    blocked: ValidationError | None = None
    try:
        source = edits.check_movable(ctx, rid)
    except ValidationError as error:
        source, blocked = ctx.vehicle_of(rid), error
    current = ctx.pi.driver_of(source) if source is not None else None
    fits = {} if blocked else solver.fit_per_vehicle(ctx.problem, list(ctx.routes.values()), rid)
    drivers = session.scalars(
        sa.select(Driver).where(Driver.vetted, Driver.active, Driver.erased_at.is_(None))
    )
    choices = [
        _choice(ctx, driver.id, driver.display_name, fits, blocked)
        for driver in drivers
        if driver.id != current
    ]
    return sorted(
        choices,
        key=lambda c: (not c.feasible, c.extra_drive_minutes or 0.0, c.driver_name.casefold()),
    )


def _choice(
    ctx: edits.EditContext,
    driver_id: int,
    name: str,
    fits: dict[str, solver.Insertion | solver.RouteInfeasible],
    blocked: ValidationError | None,
) -> MoveChoice:
    """One driver's entry: the cheapest fit over their shifts, or the refusal."""
    if blocked is not None:
        return MoveChoice(driver_id, name, refusal=blocked)
    if driver_id in ctx.locked_drivers:
        return MoveChoice(driver_id, name, refusal=edits.refuse("route_locked", driver=name))
    vehicles = ctx.pi.vehicles_of(driver_id)
    if not vehicles:
        return MoveChoice(driver_id, name, refusal=edits.refuse("no_shift", driver=name))
    found = [fits[v] for v in vehicles if v in fits]
    extras = [f.extra_drive_seconds for f in found if isinstance(f, solver.Insertion)]
    if extras:
        return MoveChoice(driver_id, name, round(min(extras) / 60, 1))
    misses = [f for f in found if isinstance(f, solver.RouteInfeasible)]
    if misses:
        return MoveChoice(driver_id, name, refusal=edits.refuse_infeasible(ctx, misses[0]))
    return MoveChoice(driver_id, name, refusal=edits.refuse("no_fit", driver=name))


def apply_insertion(
    session: Session,
    plan_id: int,
    trip_id: int,
    vehicle_id: str,
    pickup_position: int,
    dropoff_position: int,
    *,
    expected_row_version: int,
    actor_id: int | None,
    settings: Settings,
) -> DayPlan:
    """Insert the trip where an ``InsertionOption`` said; refused if it no longer fits."""
    plan = editable(session, plan_id, expected_row_version, actor_id)
    ctx = edits.context(session, plan, settings)
    rid = edits.request_of(ctx, trip_id)
    source = edits.check_movable(ctx, rid)
    if vehicle_id not in ctx.problem.vehicle_by_id:
        raise ValidationError(N_("This driver is not available on this day any more."))
    driver_id = ctx.pi.driver_of(vehicle_id)
    if driver_id in ctx.locked_drivers:
        raise edits.refuse("route_locked", driver=ctx.driver_name(driver_id))
    base = edits.without(ctx.visits.get(vehicle_id, ()), rid)
    if not 0 <= pickup_position < dropoff_position <= len(base) + 1:
        raise ValidationError(N_("This place in the route no longer exists; look again."))
    changes = {vehicle_id: insert_visits(base, rid, pickup_position, dropoff_position - 1)}
    if source is not None and source != vehicle_id:
        changes[source] = edits.without(ctx.visits[source], rid)
    edits.apply_routes(ctx, changes)
    return edits.finish_edit(
        ctx,
        actor_id,
        "trip.insert",
        plan_id,
        trip=trip_id,
        driver=driver_id,
        from_driver=ctx.pi.driver_of(source) if source else None,
    )
