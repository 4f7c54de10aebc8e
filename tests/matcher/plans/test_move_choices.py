"""The "Move to driver" list: drivers ranked by their cheapest feasible insertion, then the rest.

Each driver's entry must say what ``move_trip`` would do: a driver listed as able to
take the ride accepts the move, one listed as unable refuses it, with the same reason.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

import solver
from matcher.errors import ValidationError
from matcher.models import Route
from matcher.models import Stop
from matcher.models import Trip
from matcher.plans import lifecycle as plans
from tests.factories import make_driver
from tests.matcher.district_kit import DAY
from tests.matcher.district_kit import SETTINGS
from tests.matcher.district_kit import build_district
from tests.matcher.district_kit import plan_day
from tests.matcher.plans.test_edit_refusals import driver
from tests.matcher.plans.test_edit_refusals import kw
from tests.matcher.plans.test_edit_refusals import need
from tests.matcher.plans.test_edit_refusals import places  # noqa: F401 (a fixture)
from tests.matcher.plans.test_edit_refusals import trip_of


def driver_of(session, plan_id: int, trip_id: int) -> int | None:  # type: ignore[no-untyped-def]
    return session.scalar(
        sa.select(Route.driver_id)
        .join(Stop, Stop.route_id == Route.id)
        .where(Route.plan_id == plan_id, Stop.trip_id == trip_id)
    )


def test_drivers_who_can_take_the_ride_first_cheapest_first_then_the_others_with_reasons(
    session,
    places,  # noqa: F811
) -> None:
    first = driver(session)
    second = driver(session, lat=52.95, lon=11.10)  # lives in the rider's village
    family = need(
        session, "Fatima", places["home"], places["work"], seats_needed=2, arrive_by=dt.time(7)
    )
    plan, _, _ = plan_day(session)
    # Drivers who joined after the planner ran: the list rebuilds the day as it is.
    small = driver(session, seats=1)
    late = driver(session, start=dt.time(8), end=dt.time(20))
    away = make_driver(session)  # no availability on the day
    trip = trip_of(session, family)
    current = driver_of(session, plan.id, trip.id)
    assert current in (first.id, second.id)
    choices = plans.move_choices(session, plan.id, trip.id, SETTINGS)
    by_driver = {c.driver_id: c for c in choices}
    assert current not in by_driver  # the ride's own driver is no choice
    assert set(by_driver) == {first.id, second.id, small.id, late.id, away.id} - {current}
    other = (second if current == first.id else first).id
    assert [c.feasible for c in choices] == [True, False, False, False]
    assert choices[0].driver_id == other and choices[0].extra_drive_minutes is not None
    assert choices[0].extra_drive_minutes >= 0
    assert "does not have enough free seats" in by_driver[small.id].refusal.message  # type: ignore[union-attr]
    assert "would arrive" in by_driver[late.id].refusal.message  # type: ignore[union-attr]
    assert "not available on this day" in by_driver[away.id].refusal.message  # type: ignore[union-attr]
    names = [c.driver_name.casefold() for c in choices[1:]]
    assert names == sorted(names)  # the refused ones by name


def test_the_list_says_what_a_move_would_do(session) -> None:
    """For every ride and every driver: listed as fitting <=> move_trip accepts, same refusal."""
    build_district(session, riders=5, drivers=3)
    plan, _, _ = plan_day(session)
    trips = session.scalars(sa.select(Trip).where(Trip.day == DAY).order_by(Trip.id)).all()
    checked = 0
    for trip in trips:
        for choice in plans.move_choices(session, plan.id, trip.id, SETTINGS):
            before = driver_of(session, plan.id, trip.id)
            drive_before = sum(r.drive_seconds or 0 for r in plan.routes)
            savepoint = session.begin_nested()
            try:
                edited = plans.move_trip(session, plan.id, trip.id, choice.driver_id, **kw(plan))
            except ValidationError as error:
                assert not choice.feasible, (trip.id, choice, error.message)
                assert error.message == choice.refusal.message  # type: ignore[union-attr]
            else:
                assert choice.feasible, (trip.id, choice)
                assert driver_of(session, edited.id, trip.id) == choice.driver_id
                if before is None:  # an unserved ride: the plan grows by the listed detour
                    extra = sum(r.drive_seconds or 0 for r in edited.routes) - drive_before
                    assert abs(extra / 60 - choice.extra_drive_minutes) < 0.1  # type: ignore[operator]
            finally:
                savepoint.rollback()
            session.expire_all()
            checked += 1
    assert checked >= len(trips) * 2


def test_a_locked_ride_lists_every_driver_with_the_lock(session, places) -> None:  # noqa: F811
    driver(session)
    driver(session, lat=52.95, lon=11.10)
    ride = need(session, "Amal", places["home"], places["work"])
    plan, _, _ = plan_day(session)
    trip = trip_of(session, ride)
    plan = plans.lock_trip(session, plan.id, trip.id, True, **kw(plan))
    choices = plans.move_choices(session, plan.id, trip.id, SETTINGS)
    assert choices and all(not c.feasible for c in choices)
    assert {c.refusal.message for c in choices} == {  # type: ignore[union-attr]
        "This ride is locked to its driver; unlock it first."
    }


def test_fit_per_vehicle_matches_the_cheapest_ranked_insertion(session) -> None:
    """The solver's per-vehicle best is the best of ``rank_insertions`` for that vehicle."""
    build_district(session, riders=6, drivers=3)
    plan, pi, solution = plan_day(session)
    for request in pi.problem.requests:
        fits = solver.fit_per_vehicle(pi.problem, solution.routes, request.id)
        ranked = solver.rank_insertions(pi.problem, solution.routes, request.id, limit=10**6)
        for vehicle in pi.problem.vehicles:
            mine = [i.extra_drive_seconds for i in ranked if i.vehicle_id == vehicle.id]
            found = fits.get(vehicle.id)
            if mine:
                assert isinstance(found, solver.Insertion)
                assert found.extra_drive_seconds == min(mine)
            else:
                assert not isinstance(found, solver.Insertion)


def test_fit_per_vehicle_refuses_an_unknown_request(session) -> None:
    build_district(session, riders=2, drivers=1)
    _, pi, solution = plan_day(session)
    with pytest.raises(ValueError, match="unknown request"):
        solver.fit_per_vehicle(pi.problem, solution.routes, "nobody")
