"""The driver's week: only published routes, only the rider data the ride needs."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from matcher.models import PlanStatus
from matcher.queries.schedules import driver_days
from matcher.queries.schedules import rider_rides
from matcher.settings import Settings
from tests.factories import make_driver
from tests.factories import make_plan
from tests.factories import make_published_route
from tests.factories import make_rider
from tests.factories import make_route
from tests.factories import make_trip

DAY = dt.date(2026, 6, 2)
SETTINGS = Settings()


def test_week_has_eight_days_with_the_published_route(session: Session) -> None:
    rider = make_rider(session, first_name="Amal", note="private coordinator note")
    trip = make_trip(
        session, day=DAY, rider=rider, note="Rollator im Kofferraum", child_seats=1, seats_needed=2
    )
    route = make_published_route(session, day=DAY, trips=[trip])

    days = driver_days(session, route.driver_id, DAY - dt.timedelta(days=1), SETTINGS)

    assert [d.day for d in days] == [DAY + dt.timedelta(days=i - 1) for i in range(8)]
    assert not days[0].has_route
    shown = days[1]
    assert shown.route_id == route.id and shown.can_respond
    assert [s.kind for s in shown.stops] == ["start", "pickup", "dropoff", "end"]
    assert shown.start == "06:00" and shown.end == "07:00"  # CEST
    assert shown.distance_km == 4.0
    pickup = shown.stops[1]
    (on_board,) = pickup.riders
    assert on_board.first_name == "Amal" and on_board.phone == rider.phone
    assert (on_board.seats, on_board.child_seats) == (2, 1)
    assert on_board.note == "Rollator im Kofferraum" and on_board.boarding
    assert not hasattr(on_board, "email") and "private" not in repr(shown)
    assert pickup.geo_uri.startswith("geo:") and "openstreetmap.org" in pickup.osm_url


def test_drafts_and_other_drivers_routes_are_not_shown(session: Session) -> None:
    driver = make_driver(session)
    make_route(session, make_plan(session, day=DAY), [make_trip(session, day=DAY)], driver=driver)
    make_published_route(session, day=DAY + dt.timedelta(days=1))  # someone else's
    days = driver_days(session, driver.id, DAY, SETTINGS)
    assert not any(d.has_route for d in days)


def test_rider_sees_only_rides_whose_driver_confirmed(session: Session) -> None:
    from matcher.models import RouteStatus

    rider = make_rider(session)
    route = make_published_route(session, day=DAY, trips=[make_trip(session, day=DAY, rider=rider)])
    assert rider_rides(session, rider.id, DAY, SETTINGS) == []
    route.status, route.responded_at = RouteStatus.CONFIRMED, dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    session.flush()
    (ride,) = rider_rides(session, rider.id, DAY, SETTINGS)
    assert ride.pickup_time == "06:20" and ride.driver_name.startswith("Jens")
    assert route.plan.status == PlanStatus.PUBLISHED
