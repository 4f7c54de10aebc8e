"""Edits that would break a rule are refused in plain language; "where can this fit?"."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.errors import NotFound
from matcher.errors import ValidationError
from matcher.models import NeedPurpose
from matcher.models import PlaceKind
from matcher.models import StopKind
from matcher.models import Trip
from matcher.models import TripStatus
from matcher.plans import lifecycle as plans
from tests.factories import make_driver
from tests.factories import make_need
from tests.factories import make_place
from tests.factories import make_rider
from tests.factories import make_window
from tests.matcher.district_kit import DAY
from tests.matcher.district_kit import SETTINGS
from tests.matcher.district_kit import build_district
from tests.matcher.district_kit import plan_day


def kw(plan) -> dict:
    return {"expected_row_version": plan.row_version, "actor_id": None, "settings": SETTINGS}


def trip_of(session, need, direction="outbound") -> Trip:
    return next(
        t
        for t in session.query(Trip).filter(Trip.need_id == need.id, Trip.day == DAY)
        if t.direction == direction
    )


def driver(session, lat=52.96, lon=11.12, start=dt.time(5), end=dt.time(20), **kwargs):
    made = make_driver(session, home_place=make_place(session, lat=lat, lon=lon), **kwargs)
    make_window(session, made, start_time=start, end_time=end)
    return made


def need(session, name, home, work, **kwargs):
    rider = make_rider(session, first_name=name, home_place=home)
    kwargs.setdefault("pick_up_after", None)
    return make_need(session, rider=rider, origin=home, destination=work, **kwargs)


@pytest.fixture()
def places(session):
    return {
        "home": make_place(session, lat=52.95, lon=11.10),
        "work": make_place(session, kind=PlaceKind.EMPLOYER, lat=52.97, lon=11.15),
        "far": make_place(session, kind=PlaceKind.EMPLOYER, lat=52.95, lon=11.40),
        "near": make_place(session, lat=52.96, lon=11.09),
    }


def test_refused_for_seats(session, places):
    driver(session)
    small = driver(session, seats=1)
    family = need(session, "Fatima", places["home"], places["work"], seats_needed=2)
    plan, _, _ = plan_day(session)
    with pytest.raises(ValidationError, match="does not have enough free seats"):
        plans.move_trip(session, plan.id, trip_of(session, family).id, small.id, **kw(plan))


def test_refused_for_the_time_window_with_the_riders_name(session, places):
    driver(session)
    late_starter = driver(session, start=dt.time(8), end=dt.time(20))
    early = need(session, "Fatima", places["home"], places["work"], arrive_by=dt.time(7))
    plan, _, _ = plan_day(session)
    with pytest.raises(ValidationError) as caught:
        plans.move_trip(session, plan.id, trip_of(session, early).id, late_starter.id, **kw(plan))
    assert caught.value.message.startswith("Fatima would arrive ")
    assert caught.value.message.endswith(" minutes late.")
    assert caught.value.params["minutes"] > 60


def test_refused_for_ride_time(session, places):
    only = driver(session)
    far = need(session, "Omid", places["home"], places["far"], flexibility_minutes=180)
    short = need(session, "Olena", places["near"], places["work"], flexibility_minutes=180)
    plan, _, solution = plan_day(session)
    assert len(solution.served_ids) == 2
    vehicle = f"d{only.id}s0"
    # Olena picked up first and dropped last: she would ride along all of Omid's way.
    with pytest.raises(ValidationError, match="Olena would be on the road .* longer than allowed"):
        plans.apply_insertion(
            session, plan.id, trip_of(session, short).id, vehicle, 0, 3, **kw(plan)
        )
    assert trip_of(session, far).status == TripStatus.PLANNED


def test_refused_for_the_weekly_cap(session, places):
    driver(session)
    capped = driver(session, max_rides_per_week=1)
    first = need(session, "Amal", places["home"], places["work"])
    second = need(session, "Badr", places["near"], places["work"], arrive_by=dt.time(11))
    plan, _, _ = plan_day(session)
    plans.move_trip(session, plan.id, trip_of(session, first).id, capped.id, **kw(plan))
    with pytest.raises(ValidationError, match="reached their limit of 1 rides"):
        plans.move_trip(session, plan.id, trip_of(session, second).id, capped.id, **kw(plan))


def test_refused_for_a_driver_without_a_shift_and_a_cancelled_trip(session, places):
    driver(session)
    away = make_driver(session)  # no availability windows
    ride = need(session, "Amal", places["home"], places["work"])
    plan, _, _ = plan_day(session)
    trip = trip_of(session, ride)
    with pytest.raises(ValidationError, match="not available on this day"):
        plans.move_trip(session, plan.id, trip.id, away.id, **kw(plan))
    trip.status = TripStatus.CANCELLED
    session.flush()
    with pytest.raises(ValidationError, match="cancelled"):
        plans.move_trip(session, plan.id, trip.id, away.id, **kw(plan))
    with pytest.raises(NotFound):
        plans.move_trip(session, plan.id, 10**9, away.id, **kw(plan))


def test_where_can_fit_ranks_and_apply_inserts(session):
    district = build_district(session)
    plan, _, _ = plan_day(session)
    rider = make_rider(session, first_name="Neu")
    trip = plans.add_one_off_trip(
        session,
        DAY,
        rider.id,
        rider.home_place_id,
        district.needs[0].destination_id,
        arrive_by=dt.time(10, 0),
        purpose=NeedPurpose.COURSE,
        actor_id=district.coordinator.id,
        settings=SETTINGS,
    )
    assert trip.status == TripStatus.REQUESTED and trip.need_id is None
    options = plans.where_can_fit(session, plan.id, trip.id, SETTINGS)
    assert options
    extras = [o.extra_drive_minutes for o in options]
    assert extras == sorted(extras)
    best = options[0]
    assert best.dropoff_at <= dt.datetime(2026, 6, 2, 8, 0, tzinfo=dt.UTC)  # 10:00 CEST
    assert {d.id for d in district.drivers} >= {o.driver_id for o in options}
    with pytest.raises(ValidationError, match="no longer exists"):
        plans.apply_insertion(session, plan.id, trip.id, best.vehicle_id, 5, 99, **kw(plan))
    plans.apply_insertion(
        session,
        plan.id,
        trip.id,
        best.vehicle_id,
        best.pickup_position,
        best.dropoff_position,
        **kw(plan),
    )
    assert trip.status == TripStatus.PLANNED
    route = next(r for r in plan.routes if r.driver_id == best.driver_id)
    pickup = next(s for s in route.stops if s.trip_id == trip.id and s.kind == StopKind.PICKUP)
    assert pickup.service_start_at == best.pickup_at
    assert plan.requests_total == 13


def test_one_off_trip_needs_exactly_one_time(session):
    rider = make_rider(session)
    other = make_place(session)
    for times in ({}, {"arrive_by": dt.time(8), "pick_up_after": dt.time(9)}):
        with pytest.raises(ValidationError):
            plans.add_one_off_trip(
                session,
                DAY,
                rider.id,
                rider.home_place_id,
                other.id,
                actor_id=None,
                settings=SETTINGS,
                **times,
            )
    back = plans.add_one_off_trip(
        session,
        DAY,
        rider.id,
        other.id,
        rider.home_place_id,
        pick_up_after=dt.time(17),
        flexibility_minutes=20,
        actor_id=None,
        settings=SETTINGS,
    )
    assert back.earliest_pickup == dt.datetime(2026, 6, 2, 15, 0, tzinfo=dt.UTC)
    assert back.latest_pickup == dt.datetime(2026, 6, 2, 15, 20, tzinfo=dt.UTC)


def test_one_new_request_on_an_approved_day_moves_few_riders(session):
    district = build_district(session, riders=30, drivers=10)
    plan, _, solution = plan_day(session)
    assert plan.requests_total == 60
    plans.approve_plan(session, plan.id, expected_row_version=plan.row_version, actor_id=None)
    rider = make_rider(session, first_name="Neu")
    trip = plans.add_one_off_trip(
        session,
        DAY,
        rider.id,
        rider.home_place_id,
        district.needs[1].destination_id,
        arrive_by=dt.time(8, 0),
        purpose=NeedPurpose.JOB,
        actor_id=None,
        settings=SETTINGS,
    )
    replanned, _, _ = plan_day(session, base_plan=plan)
    diff = plans.compare_plans(session, plan.id, replanned.id)
    others = [m for m in diff.moves if m.trip_id != trip.id]
    assert len(others) <= 3, others
    assert replanned.requests_served >= plan.requests_served
