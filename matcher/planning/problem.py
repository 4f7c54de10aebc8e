"""From the database to a solver.Problem and back: build the day's problem, store a solution.

Time axis: real seconds since local midnight of the day (``matcher.clock``),
so a daylight-saving day simply has 23 or 25 hours. Request ids are
``t<trip id>``, vehicle ids ``d<driver id>s<shift index>`` (``DriverShift``).
Priorities: job and shift work -> WORK, internship -> INTERNSHIP, course ->
COURSE, other -> OTHER. Maximum ride time per request:
``max(max_ride_factor x direct, direct + max_ride_extra_minutes)`` (settings).
Children need a child seat or booster each (``child_seats + booster_seats``).

A base plan contributes: locked stops (the request is locked to that shift),
locked routes (the shift's route opens with the same visits in order), and the
whole plan as ``Problem.previous`` with ``Weights.change`` so that re-planning an
approved plan changes as few assignments as the improvement allows.

Trips to or from a place without coordinates cannot be planned; they are left
out of the problem and stored as unserved (``place_not_located``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

import solver
from matcher.audit import record_action
from matcher.clock import day_length_seconds
from matcher.clock import seconds_since_local_midnight
from matcher.demand.shifts import DriverShift
from matcher.demand.shifts import driver_shifts
from matcher.demand.trips import is_night
from matcher.geo.travel_times import travel_matrix
from matcher.models import DayPlan
from matcher.models import NeedPurpose
from matcher.models import Place
from matcher.models import PlanStatus
from matcher.models import Trip
from matcher.models import TripStatus
from matcher.planning.planning_input import PlanningInput
from matcher.planning.routes import locked_request_ids
from matcher.planning.routes import plan_visits
from matcher.planning.routes import segments
from matcher.planning.routes import vehicle_of_segment
from matcher.planning.routes import write_driver_route
from matcher.settings import Settings

PRIORITY = {
    NeedPurpose.JOB: solver.Priority.WORK,
    NeedPurpose.SHIFT_WORK: solver.Priority.WORK,
    NeedPurpose.INTERNSHIP: solver.Priority.INTERNSHIP,
    NeedPurpose.COURSE: solver.Priority.COURSE,
    NeedPurpose.OTHER: solver.Priority.OTHER,
}
NOT_LOCATED = "place_not_located"
"""Domain reason code (next to the solver's) for trips whose places lack coordinates."""


def day_trips(session: Session, day: dt.date) -> list[Trip]:
    """The day's trips that want a ride (not cancelled), by id."""
    return list(
        session.scalars(
            sa.select(Trip)
            .where(Trip.day == day, Trip.status != TripStatus.CANCELLED)
            .options(selectinload(Trip.rider))
            .order_by(Trip.id)
        )
    )


def _window(
    early: dt.datetime | None, late: dt.datetime | None, day: dt.date, tz: ZoneInfo, horizon: int
) -> solver.TimeWindow | None:
    if early is None and late is None:
        return None
    lo = 0 if early is None else seconds_since_local_midnight(early, day, tz)
    hi = horizon if late is None else seconds_since_local_midnight(late, day, tz)
    lo, hi = max(0, lo), max(0, hi)
    return solver.TimeWindow(min(lo, hi), hi)


def _max_ride(direct: int, settings: Settings) -> int:
    return max(
        int(direct * settings.max_ride_factor), direct + settings.max_ride_extra_minutes * 60
    )


@dataclass(frozen=True)
class Locations:
    """The day's places that can be routed to, numbered as the solver's locations.

    Attributes:
        place_by_location: Location index -> place id (only places with coordinates).
        location_by_place: Place id -> location index.
        matrix: Travel times and distances between the locations.
    """

    place_by_location: list[int]
    location_by_place: dict[int, int]
    matrix: solver.TravelMatrix


@dataclass(frozen=True)
class Fleet:
    """The day's driver shifts as solver vehicles (homes without coordinates left out)."""

    vehicles: tuple[solver.Vehicle, ...]
    shift_by_vehicle: dict[str, DriverShift]


@dataclass(frozen=True)
class RideRequests:
    """The day's trips as solver requests, and the trips that cannot be planned.

    Attributes:
        requests: One request per trip whose places both have coordinates.
        trip_by_request: Request id -> trip id.
        not_located: Trip ids left out because a place has no coordinates.
    """

    requests: tuple[solver.Request, ...]
    trip_by_request: dict[str, int]
    not_located: tuple[int, ...]


@dataclass(frozen=True)
class CarryOver:
    """What a base plan hands to a new run.

    Attributes:
        locked_vehicle: Request id -> vehicle id it is locked to (locked stops
            and the visits of locked routes).
        previous: The base plan's routes, for the solver's change penalty.
        locked_routes: Vehicle id -> the visits its route must open with.
    """

    locked_vehicle: dict[str, str] = field(default_factory=dict)
    previous: tuple[solver.PlannedRoute, ...] = ()
    locked_routes: dict[str, tuple[solver.Visit, ...]] = field(default_factory=dict)


def build_problem(
    session: Session, day: dt.date, settings: Settings, base_plan: DayPlan | None = None
) -> PlanningInput:
    """The solver problem for ``day``: the day's trips that want a ride and the day's shifts.

    With ``base_plan``, its locks become hard constraints and its routes the
    ``previous`` plan (stability).
    """
    tz = settings.tz
    shifts = driver_shifts(session, day, settings)
    trips = day_trips(session, day)
    locations = day_locations(session, shifts, trips, settings)
    fleet = shift_vehicles(shifts, locations, day, tz)
    demand = trip_requests(trips, locations, day, settings)
    skeleton = PlanningInput(
        day=day,
        problem=solver.Problem(fleet.vehicles, (), locations.matrix),
        tz=tz,
        trip_by_request=demand.trip_by_request,
        request_by_trip={t: r for r, t in demand.trip_by_request.items()},
        shift_by_vehicle=fleet.shift_by_vehicle,
        place_by_location=locations.place_by_location,
        location_by_place=locations.location_by_place,
        not_located=demand.not_located,
    )
    carry = carry_over(skeleton, base_plan) if base_plan is not None else CarryOver()
    weights = solver.Weights(
        travel_time=1,
        change=settings.change_weight if base_plan is not None else 0,
        language_mismatch=settings.language_mismatch_weight,
        workload=settings.workload_weight,
    )
    problem = solver.Problem(
        vehicles=fleet.vehicles,
        requests=tuple(
            replace(r, locked_vehicle=carry.locked_vehicle[r.id])
            if r.id in carry.locked_vehicle
            else r
            for r in demand.requests
        ),
        matrix=locations.matrix,
        weights=weights,
        previous=carry.previous,
        locked_routes=carry.locked_routes,
    )
    return replace(skeleton, problem=problem)


def day_locations(
    session: Session, shifts: list[DriverShift], trips: list[Trip], settings: Settings
) -> Locations:
    """Number the places of the day's shifts and trips that have coordinates; the matrix."""
    place_ids = {s.home_place_id for s in shifts}
    for trip in trips:
        place_ids |= {trip.origin_id, trip.destination_id}
    places = {p.id: p for p in session.scalars(sa.select(Place).where(Place.id.in_(place_ids)))}
    located = sorted(pid for pid, p in places.items() if p.lat is not None and p.lon is not None)
    return Locations(
        place_by_location=located,
        location_by_place={pid: k for k, pid in enumerate(located)},
        matrix=travel_matrix([places[pid] for pid in located], settings),
    )


def shift_vehicles(
    shifts: list[DriverShift], locations: Locations, day: dt.date, tz: ZoneInfo
) -> Fleet:
    """One vehicle per shift, starting and ending at the driver's home, within the shift."""
    vehicles: list[solver.Vehicle] = []
    shift_by_vehicle: dict[str, DriverShift] = {}
    for shift in shifts:
        if shift.home_place_id not in locations.location_by_place:
            continue
        home = locations.location_by_place[shift.home_place_id]
        start = max(0, seconds_since_local_midnight(shift.start_at, day, tz))
        end = max(start, seconds_since_local_midnight(shift.end_at, day, tz))
        vehicles.append(
            solver.Vehicle(
                id=shift.vehicle_id,
                start=home,
                end=home,
                window=solver.TimeWindow(start, end),
                seats=shift.seats,
                child_seats=shift.child_seats,
                max_drive_seconds=shift.max_drive_seconds,
                languages=shift.languages,
                max_requests=shift.max_requests,
                max_night_requests=shift.max_night_requests,
            )
        )
        shift_by_vehicle[shift.vehicle_id] = shift
    return Fleet(tuple(vehicles), shift_by_vehicle)


def trip_requests(
    trips: list[Trip], locations: Locations, day: dt.date, settings: Settings
) -> RideRequests:
    """One request per trip (id ``t<trip id>``); trips to or from an unlocated place apart."""
    tz = settings.tz
    horizon = day_length_seconds(day, tz) + 6 * 3600  # room for a late way back home
    location_by_place = locations.location_by_place
    requests: list[solver.Request] = []
    not_located: list[int] = []
    trip_by_request: dict[str, int] = {}
    for trip in trips:
        if trip.origin_id not in location_by_place or trip.destination_id not in location_by_place:
            not_located.append(trip.id)
            continue
        rid = f"t{trip.id}"
        pickup, dropoff = location_by_place[trip.origin_id], location_by_place[trip.destination_id]
        direct = locations.matrix.durations[pickup][dropoff]
        requests.append(
            solver.Request(
                id=rid,
                pickup=pickup,
                dropoff=dropoff,
                pickup_window=_window(trip.earliest_pickup, trip.latest_pickup, day, tz, horizon),
                dropoff_window=_window(
                    trip.earliest_dropoff, trip.latest_dropoff, day, tz, horizon
                ),
                pickup_service=settings.boarding_seconds,
                dropoff_service=settings.boarding_seconds,
                seats=trip.seats_needed,
                child_seats=trip.child_seats + trip.booster_seats,
                max_ride_seconds=_max_ride(direct, settings),
                priority=PRIORITY[NeedPurpose(trip.purpose)],
                languages=frozenset(trip.rider.languages or ()),
                night=is_night(trip, settings),
            )
        )
        trip_by_request[rid] = trip.id
    return RideRequests(tuple(requests), trip_by_request, tuple(not_located))


def carry_over(pi: PlanningInput, base_plan: DayPlan) -> CarryOver:
    """The base plan's locks, routes and locked route openings, in the new problem's ids.

    ``pi`` needs only its maps (requests by trip, shifts by vehicle). A request
    on a locked route is locked to that route's vehicle, even over a locked stop
    elsewhere.
    """
    locked = locked_request_ids(pi, base_plan)
    visits = plan_visits(pi, base_plan)
    locked_vehicle: dict[str, str] = {}
    previous: list[solver.PlannedRoute] = []
    for vid, vs in visits.items():
        previous.append(solver.PlannedRoute(vid, vs))
        for v in vs:
            if v.request_id in locked:
                locked_vehicle[v.request_id] = vid
    locked_routes: dict[str, tuple[solver.Visit, ...]] = {}
    for route in base_plan.routes:
        if not route.locked:
            continue
        for segment in segments(route):
            route_vid = vehicle_of_segment(pi, route.driver_id, segment)
            if route_vid is not None and visits.get(route_vid):
                locked_routes[route_vid] = visits[route_vid]
                for v in visits[route_vid]:
                    locked_vehicle[v.request_id] = route_vid
    return CarryOver(locked_vehicle, tuple(previous), locked_routes)


def next_version(session: Session, day: dt.date) -> int:
    """The version number a new plan of ``day`` gets."""
    latest = session.scalar(sa.select(sa.func.max(DayPlan.version)).where(DayPlan.day == day))
    return (latest or 0) + 1


def store_solution(
    session: Session,
    planning_input: PlanningInput,
    solution: solver.Solution,
    *,
    base_plan: DayPlan | None,
    actor_id: int | None,
) -> DayPlan:
    """Store ``solution`` as a NEW draft version of the day's plan (version = max + 1).

    Trips get status planned or unserved (with the solver's reason code and
    details); the plan carries figures and solver statistics; an audit entry
    records who planned. Earlier versions are not touched (route locks of the
    base plan are carried over).
    """
    pi = planning_input
    plan = DayPlan(
        day=pi.day,
        version=next_version(session, pi.day),
        status=PlanStatus.DRAFT,
        based_on_id=base_plan.id if base_plan is not None else None,
        created_by_id=actor_id,
        solver_status=solution.stats.status[:40],
        solver_seconds=solution.stats.wall_seconds,
        objective=solution.objective.total,
    )
    session.add(plan)
    session.flush()
    locked_drivers = {r.driver_id for r in base_plan.routes if r.locked} if base_plan else set()
    locked = {r.id for r in pi.problem.requests if r.locked_vehicle is not None}
    by_driver: dict[int, list[solver.Route]] = {}
    for route in solution.routes:
        by_driver.setdefault(pi.driver_of(route.vehicle_id), []).append(route)
    for driver_id in sorted(by_driver):
        write_driver_route(
            session,
            plan,
            pi,
            driver_id,
            by_driver[driver_id],
            locked_requests=locked,
            route_locked=driver_id in locked_drivers,
        )
    mark_trips(session, pi, solution.served_ids, {u.request_id: u for u in solution.unserved})
    refresh_plan_totals(plan, pi)
    plan.solver_stats = {
        "objective": solution.objective.__dict__ | {"total": solution.objective.total},
        "stats": solution.stats.__dict__,
        "demoted": [pi.trip_by_request[r] for r in solution.demoted],
        "direct_seconds": {
            str(pi.trip_by_request[r.id]): pi.direct_seconds(r.id) for r in pi.problem.requests
        },
    }
    session.flush()
    record_action(
        session,
        actor_id,
        "plan.create",
        "day_plan",
        plan.id,
        day=pi.day.isoformat(),
        version=plan.version,
        based_on=plan.based_on_id,
        served=plan.requests_served,
        requests=plan.requests_total,
    )
    session.flush()
    return plan


def mark_trips(
    session: Session,
    pi: PlanningInput,
    served: frozenset[str] | set[str],
    unserved: dict[str, solver.Unserved],
) -> None:
    """Set planned / unserved (with reason and details) on the problem's trips."""
    trips = {
        t.id: t
        for t in session.scalars(
            sa.select(Trip).where(
                Trip.id.in_(list(pi.trip_by_request.values()) + list(pi.not_located))
            )
        )
    }
    for rid, trip_id in pi.trip_by_request.items():
        trip = trips[trip_id]
        trip.direct_seconds = pi.direct_seconds(rid)
        if rid in served:
            trip.status, trip.unserved_reason, trip.unserved_details = (
                TripStatus.PLANNED,
                None,
                None,
            )
        elif rid in unserved:
            u = unserved[rid]
            trip.status = TripStatus.UNSERVED
            trip.unserved_reason = str(u.reason)
            trip.unserved_details = unserved_details(pi, trip, u.details)
    for trip_id in pi.not_located:
        trip = trips[trip_id]
        trip.status, trip.unserved_reason = TripStatus.UNSERVED, NOT_LOCATED
        trip.unserved_details = unserved_details(pi, trip, {})
    session.flush()


def unserved_details(pi: PlanningInput, trip: Trip, details: object) -> dict[str, Any]:
    """The solver's details plus what a sentence needs: local times and the pick-up place."""
    out = dict(details) if isinstance(details, dict) else dict(getattr(details, "items", dict)())
    early = trip.earliest_pickup or trip.earliest_dropoff
    late = trip.latest_pickup or trip.latest_dropoff
    if early is not None:
        out["from"] = early.astimezone(pi.tz).strftime("%H:%M")
    if late is not None:
        out["to"] = late.astimezone(pi.tz).strftime("%H:%M")
    origin = trip.origin
    if origin is not None:
        out["place"] = origin.municipality or origin.name
    return out


def refresh_plan_totals(plan: DayPlan, pi: PlanningInput) -> None:
    """Requests, served, driving time and distance of ``plan`` from its routes."""
    served = {s.trip_id for r in plan.routes for s in r.stops if s.trip_id is not None}
    plan.requests_total = len(pi.trip_by_request) + len(pi.not_located)
    plan.requests_served = min(len(served), plan.requests_total)
    plan.total_drive_seconds = sum(r.drive_seconds or 0 for r in plan.routes)
    plan.total_distance_m = sum(r.distance_m or 0 for r in plan.routes)
