"""Building the solver problem from the database and storing the solution as a draft."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

import solver
from matcher.demand.trips import generate_trips
from matcher.models import AuditEntry
from matcher.models import DayPlan
from matcher.models import NeedPurpose
from matcher.models import PlanStatus
from matcher.models import StopKind
from matcher.models import Trip
from matcher.models import TripStatus
from matcher.planning.problem import build_problem
from matcher.plans import lifecycle as plans
from matcher.queries.figures import plan_figures
from tests.matcher.district_kit import DAY
from tests.matcher.district_kit import SETTINGS
from tests.matcher.district_kit import plan_day


def test_problem_maps_trips_and_shifts(session, district):
    generate_trips(session, DAY, SETTINGS)
    pi = build_problem(session, DAY, SETTINGS)
    problem = pi.problem
    assert len(problem.requests) == 12 and len(problem.vehicles) == 3
    for rid, trip_id in pi.trip_by_request.items():
        assert pi.request_by_trip[trip_id] == rid
    request = problem.requests[0]
    assert request.priority == solver.Priority.WORK
    direct = problem.matrix.durations[request.pickup][request.dropoff]
    assert request.max_ride_seconds == max(int(1.5 * direct), direct + 15 * 60)
    # Outbound: drop-off window [T - 30 min, T] in seconds since local midnight.
    assert request.dropoff_window == solver.TimeWindow(6 * 3600 + 1800, 7 * 3600)
    vehicle = problem.vehicles[0]
    assert vehicle.window == solver.TimeWindow(5 * 3600, 20 * 3600)
    assert pi.place_by_location[vehicle.start] == district.drivers[0].home_place_id


def test_purpose_priorities(session, district):
    purposes = [NeedPurpose.INTERNSHIP, NeedPurpose.COURSE, NeedPurpose.OTHER]
    for need, purpose in zip(district.needs, purposes, strict=False):
        need.purpose = purpose
    session.flush()
    generate_trips(session, DAY, SETTINGS)
    pi = build_problem(session, DAY, SETTINGS)
    by_trip = {pi.trip_by_request[r.id]: r.priority for r in pi.problem.requests}
    trips = session.scalars(sa.select(Trip).where(Trip.day == DAY)).all()
    expected = {
        NeedPurpose.JOB: solver.Priority.WORK,
        NeedPurpose.INTERNSHIP: solver.Priority.INTERNSHIP,
        NeedPurpose.COURSE: solver.Priority.COURSE,
        NeedPurpose.OTHER: solver.Priority.OTHER,
    }
    assert all(by_trip[t.id] == expected[t.purpose] for t in trips)


def test_store_solution_makes_a_new_draft_version(session, district):
    plan, pi, solution = plan_day(session, actor_id=district.coordinator.id)
    assert (plan.version, plan.status) == (1, PlanStatus.DRAFT)
    assert plan.requests_total == 12
    assert plan.requests_served == len(solution.served_ids) > 0
    trips = session.scalars(sa.select(Trip).where(Trip.day == DAY)).all()
    for trip in trips:
        assert trip.status == (
            TripStatus.PLANNED
            if pi.request_by_trip[trip.id] in solution.served_ids
            else TripStatus.UNSERVED
        )
        # Kept on the trip for the reports' extra ride time, the planner's own figure.
        assert trip.direct_seconds == pi.direct_seconds(pi.request_by_trip[trip.id]) > 0
    for route in plan.routes:
        kinds = [s.kind for s in route.stops]
        assert kinds[0] == StopKind.START and kinds[-1] == StopKind.END
        assert all(s.arrival_at is not None for s in route.stops[1:])
        assert max(s.load for s in route.stops) <= 3
    figures = plan_figures(session, plan)
    assert figures.requests == 12 and figures.served == plan.requests_served
    assert figures.drive_seconds == plan.total_drive_seconds > 0
    assert figures.mean_extra_ride_seconds is not None
    entry = session.scalars(
        sa.select(AuditEntry).where(
            AuditEntry.entity_type == "day_plan", AuditEntry.entity_id == plan.id
        )
    ).one()
    assert entry.action == "plan.create" and entry.actor_id == district.coordinator.id
    second, _, _ = plan_day(session, base_plan=plan)
    assert (second.version, second.based_on_id) == (2, plan.id)
    assert session.scalar(sa.select(sa.func.count()).select_from(DayPlan)) == 2


def test_unlocated_places_are_left_out_as_unserved(session, district):
    need = district.needs[0]
    need.origin.lat = need.origin.lon = None
    session.flush()
    plan, pi, _ = plan_day(session)
    trips = session.scalars(sa.select(Trip).where(Trip.need_id == need.id)).all()
    assert {t.id for t in trips} == set(pi.not_located)
    assert {(t.status, t.unserved_reason) for t in trips} == {
        (TripStatus.UNSERVED, "place_not_located")
    }
    assert plan.requests_total == 12


def test_driver_caps_are_never_exceeded(session, district):
    for driver in district.drivers:
        driver.max_rides_per_week = 2
    session.flush()
    plan, _, solution = plan_day(session)
    for route in plan.routes:
        assert sum(1 for s in route.stops if s.kind == StopKind.PICKUP) <= 2
    assert len(solution.served_ids) <= 6
    assert {
        t.unserved_reason
        for t in session.scalars(sa.select(Trip).where(Trip.status == TripStatus.UNSERVED))
    } <= {"driver_cap", "conflict", "not_worth"}


def test_planning_a_daylight_saving_day(session, district):
    autumn = dt.date(2026, 10, 25)  # 25 hours; a Sunday
    for need in district.needs:
        need.weekdays = 0b1000000
        need.purpose = NeedPurpose.SHIFT_WORK
    for driver in district.drivers:
        for window in driver.windows:
            window.weekday = 6
    session.flush()
    plan, pi, solution = plan_day(session, autumn)
    assert plan.requests_served == len(solution.served_ids) > 0
    # Vehicle windows 05:00-20:00 local are 6 and 21 hours after midnight on this day.
    assert pi.problem.vehicles[0].window == solver.TimeWindow(6 * 3600, 21 * 3600)
    for trip in session.scalars(sa.select(Trip).where(Trip.day == autumn)):
        if trip.status != TripStatus.PLANNED or trip.latest_dropoff is None:
            continue
        dropoff = next(
            s
            for r in plan.routes
            for s in r.stops
            if s.trip_id == trip.id and s.kind == StopKind.DROPOFF
        )
        assert trip.earliest_dropoff <= dropoff.service_start_at <= trip.latest_dropoff


def test_a_base_plan_carries_its_locks_and_routes_into_the_problem(session, district):
    plan, _, _ = plan_day(session)
    routes = sorted(plan.routes, key=lambda r: r.driver_id)
    assert len(routes) >= 2
    trip_id = next(s.trip_id for s in routes[0].stops if s.trip_id)
    kw = {"expected_row_version": plan.row_version, "actor_id": None, "settings": SETTINGS}
    plans.lock_trip(session, plan.id, trip_id, True, **kw)
    locked_driver = routes[1].driver_id
    plans.lock_route(
        session, plan.id, locked_driver, True, **{**kw, "expected_row_version": plan.row_version}
    )

    pi = build_problem(session, DAY, SETTINGS, base_plan=plan)

    problem = pi.problem
    locks = {r.id: r.locked_vehicle for r in problem.requests if r.locked_vehicle is not None}
    assert pi.driver_of(locks[pi.request_by_trip[trip_id]]) == routes[0].driver_id
    on_locked_route = {s.trip_id for s in routes[1].stops if s.trip_id}
    assert {pi.trip_by_request[r] for r in locks} == {trip_id} | on_locked_route
    assert {pi.driver_of(v) for v in problem.locked_routes} == {locked_driver}
    assert {pi.driver_of(p.vehicle_id) for p in problem.previous} == {r.driver_id for r in routes}
    assert problem.weights.change == SETTINGS.change_weight
    assert build_problem(session, DAY, SETTINGS).problem.weights.change == 0
