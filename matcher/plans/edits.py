"""Edits of a plan version: move, unassign, lock, insert where it fits.

Each edit works on a problem rebuilt for the plan's day (``build_problem`` with
the plan as base, so its locks are constraints), changes the visit order of
the routes it touches, re-times them with ``solver.schedule_route`` and then
verifies the touched part of the plan with the independent ``solver.check``.
A refusal is a ``ValidationError`` with a plain-language reason. Routes the
edit does not touch are left exactly as stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

import solver
from matcher.audit import record_action
from matcher.errors import N_
from matcher.errors import NotFound
from matcher.errors import ValidationError
from matcher.models import DayPlan
from matcher.models import Driver
from matcher.models import Trip
from matcher.models import TripStatus
from matcher.planning.planning_input import PlanningInput
from matcher.planning.problem import build_problem
from matcher.planning.problem import refresh_plan_totals
from matcher.planning.reasons import describe_refusal
from matcher.planning.routes import locked_request_ids
from matcher.planning.routes import plan_visits
from matcher.planning.routes import write_driver_route
from matcher.plans.snapshots import name_edit
from matcher.plans.versions import flush
from matcher.plans.versions import touch
from matcher.settings import Settings
from solver import RouteInfeasible
from solver import RouteIssue
from solver import insert_visits

Visits = tuple[solver.Visit, ...]
_POSITION_FREE = (RouteIssue.DRIVER_CAP, RouteIssue.LOCKED_ELSEWHERE, RouteIssue.FORBIDDEN)


@dataclass
class EditContext:
    """A plan with its rebuilt problem, current visit orders and timed routes."""

    session: Session
    plan: DayPlan
    pi: PlanningInput
    visits: dict[str, Visits]
    routes: dict[str, solver.Route]
    locked: set[str]
    locked_drivers: set[int]

    @property
    def problem(self) -> solver.Problem:
        """The rebuilt problem."""
        return self.pi.problem

    def vehicle_of(self, request_id: str) -> str | None:
        """The vehicle serving the request in the plan, or None."""
        for vid, visits in self.visits.items():
            if any(v.request_id == request_id for v in visits):
                return vid
        return None

    def driver_name(self, driver_id: int) -> str:
        """How a refusal names a driver."""
        driver = self.session.get(Driver, driver_id)
        return driver.display_name if driver is not None else "?"

    def rider_name(self, request_id: str | None) -> str:
        """How a refusal names a rider (first name)."""
        trip_id = self.pi.trip_by_request.get(request_id or "")
        trip = self.session.get(Trip, trip_id) if trip_id is not None else None
        return (trip.rider.first_name or "") if trip is not None else ""


def context(session: Session, plan: DayPlan, settings: Settings) -> EditContext:
    """Rebuild the problem for ``plan`` and time its current routes."""
    pi = build_problem(session, plan.day, settings, base_plan=plan)
    visits = plan_visits(pi, plan)
    routes: dict[str, solver.Route] = {}
    for vid, vs in visits.items():
        timed = solver.schedule_route(pi.problem, pi.problem.vehicle_by_id[vid], vs)
        if isinstance(timed, solver.Route):
            routes[vid] = timed
    return EditContext(
        session=session,
        plan=plan,
        pi=pi,
        visits=visits,
        routes=routes,
        locked=locked_request_ids(pi, plan),
        locked_drivers={r.driver_id for r in plan.routes if r.locked},
    )


def refuse(key: str, *, rider: str = "", driver: str = "", **details: object) -> ValidationError:
    """A ValidationError from a refusal key (see ``reasons.describe_refusal``)."""
    template, params = describe_refusal(key, details, rider=rider, driver=driver)
    return ValidationError(template, **params)


def refuse_infeasible(ctx: EditContext, fail: RouteInfeasible) -> ValidationError:
    """Turn the schedule's first blocking constraint into a plain refusal."""
    return refuse(
        str(fail.reason),
        rider=ctx.rider_name(fail.request_id),
        driver=ctx.driver_name(ctx.pi.driver_of(fail.vehicle_id)),
        **dict(fail.details),
    )


def request_of(ctx: EditContext, trip_id: int) -> str:
    """The request id of a trip of the plan's day; refusals for cancelled or foreign trips."""
    trip = ctx.session.get(Trip, trip_id)
    if trip is None or trip.day != ctx.plan.day:
        raise NotFound(N_("This ride does not exist on this day."))
    if trip.status == TripStatus.CANCELLED:
        raise refuse("cancelled")
    rid = ctx.pi.request_by_trip.get(trip_id)
    if rid is None:
        raise ValidationError(
            N_("The pick-up or drop-off address has not been found on the map yet.")
        )
    return rid


def check_movable(ctx: EditContext, rid: str) -> str | None:
    """Refuse to move a locked ride or one on a locked route; returns its current vehicle."""
    if rid in ctx.locked:
        raise refuse("trip_locked")
    source = ctx.vehicle_of(rid)
    if source is not None and ctx.pi.driver_of(source) in ctx.locked_drivers:
        driver_id = ctx.pi.driver_of(source)
        raise refuse("route_locked", driver=ctx.driver_name(driver_id))
    return source


def without(visits: Visits, rid: str) -> Visits:
    """``visits`` without the request's pick-up and drop-off."""
    return tuple(v for v in visits if v.request_id != rid)


def _miss(fail: RouteInfeasible) -> int:
    if fail.reason in _POSITION_FREE:
        return -1
    value = fail.details.get("late_seconds", fail.details.get("over_by", 10**9))
    return value if isinstance(value, int) else 10**9


def best_insertion(
    ctx: EditContext, rid: str, vehicle_ids: list[str], bases: dict[str, Visits]
) -> tuple[str, solver.Route]:
    """The cheapest feasible position over the vehicles, or refuse with the closest miss."""
    best: tuple[int, str, solver.Route] | None = None
    closest: RouteInfeasible | None = None
    for vid in vehicle_ids:
        vehicle = ctx.problem.vehicle_by_id[vid]
        base = bases.get(vid, ())
        base_drive = ctx.routes[vid].drive_seconds if base and vid in ctx.routes else 0
        for i in range(len(base) + 1):
            for j in range(i, len(base) + 1):
                timed = solver.schedule_route(ctx.problem, vehicle, insert_visits(base, rid, i, j))
                if isinstance(timed, solver.Route):
                    key = (timed.drive_seconds - base_drive, vid, timed)
                    if best is None or key[:2] < best[:2]:
                        best = key
                elif closest is None or _miss(timed) < _miss(closest):
                    closest = timed
    if best is not None:
        return best[1], best[2]
    if closest is not None:
        raise refuse_infeasible(ctx, closest)
    raise refuse("no_fit", driver=ctx.driver_name(ctx.pi.driver_of(vehicle_ids[0])))


def apply_routes(
    ctx: EditContext, new_visits: dict[str, Visits], extra_unserved: dict[str, str] | None = None
) -> None:
    """Re-time the changed vehicles, verify with ``solver.check``, write them back.

    ``new_visits`` maps every touched vehicle to its new visit order.
    """
    timed = dict(ctx.routes)
    for vid, visits in new_visits.items():
        if not visits:
            timed.pop(vid, None)
            continue
        result = solver.schedule_route(ctx.problem, ctx.problem.vehicle_by_id[vid], visits)
        if isinstance(result, RouteInfeasible):
            raise refuse_infeasible(ctx, result)
        timed[vid] = result
    served = {rid for route in timed.values() for rid in route.request_ids}
    unserved = tuple(
        solver.Unserved(r.id, solver.UnservedReason.CONFLICT)
        for r in ctx.problem.requests
        if r.id not in served
    )
    solution = solver.Solution(
        routes=tuple(timed.values()),
        unserved=unserved,
        objective=solver.ObjectiveParts(),
        stats=solver.SolveStats("edit", 0.0),
    )
    touched_requests = {v.request_id for vs in new_visits.values() for v in vs}
    touched_requests |= set(extra_unserved or ())
    for vid in new_visits:
        touched_requests |= {v.request_id for v in ctx.visits.get(vid, ())}
    violations = [
        v
        for v in solver.check(ctx.problem, solution)
        if v.vehicle_id in new_visits or v.request_id in touched_requests
    ]
    if violations:
        raise refuse("check_failed", problem=violations[0].message)
    drivers = {ctx.pi.driver_of(vid) for vid in new_visits}
    for driver_id in sorted(drivers):
        routes = [timed[v] for v in ctx.pi.vehicles_of(driver_id) if v in timed]
        write_driver_route(
            ctx.session, ctx.plan, ctx.pi, driver_id, routes, locked_requests=ctx.locked
        )
    for vid, visits in new_visits.items():
        ctx.visits[vid] = visits
        if vid in timed:
            ctx.routes[vid] = timed[vid]
    _mark(ctx, served & touched_requests, extra_unserved or {})


def _mark(ctx: EditContext, served: set[str], unserved: dict[str, str]) -> None:
    stats = dict(ctx.plan.solver_stats or {})
    direct = dict(stats.get("direct_seconds", {}))
    for rid in served | set(unserved):
        trip = ctx.session.get(Trip, ctx.pi.trip_by_request[rid])
        assert trip is not None
        direct[str(trip.id)] = trip.direct_seconds = ctx.pi.direct_seconds(rid)
        if rid in unserved:
            trip.status, trip.unserved_reason = TripStatus.UNSERVED, unserved[rid]
            trip.unserved_details = {}
        else:
            trip.status, trip.unserved_reason, trip.unserved_details = (
                TripStatus.PLANNED,
                None,
                None,
            )
    stats["direct_seconds"] = direct
    ctx.plan.solver_stats = stats
    refresh_plan_totals(ctx.plan, ctx.pi)
    touch(ctx.plan)
    ctx.session.flush()


def solver_visits(route: solver.Route) -> Visits:
    """The visits of a timed route in order."""
    return tuple(
        solver.Visit(s.request_id, s.kind) for s in route.stops if s.request_id is not None
    )


def finish_edit(
    ctx: EditContext, actor_id: int | None, action: str, plan_id: int, **details: object
) -> DayPlan:
    """Audit the edit (noting the copied-from plan) and flush; returns the edited plan."""
    if ctx.plan.id != plan_id:
        details["copied_from"] = plan_id
    record_action(ctx.session, actor_id, action, "day_plan", ctx.plan.id, **details)
    flush(ctx.session, ctx.plan)
    name_edit(ctx.session, ctx.plan, action, details)
    flush(ctx.session)
    return ctx.plan
