"""The driver's portal: content, access control, answering from the portal, print view."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.models import OutboxMessage
from matcher.models import RouteStatus
from matcher.models import TripStatus
from tests.factories import make_coordinator
from tests.factories import make_published_route
from tests.factories import make_rider
from tests.factories import make_trip
from tests.web.drivers.conftest import log_in

DAY = dt.date(2026, 6, 2)
pytestmark = pytest.mark.usefixtures("frozen", "english")


@pytest.fixture()
def route(session: Session):  # type: ignore[no-untyped-def]
    rider = make_rider(
        session, first_name="Amal", email="amal@example.invalid", note="coordinator-only remark"
    )
    trip = make_trip(
        session, day=DAY, rider=rider, seats_needed=2, child_seats=1, note="kommt mit Kinderwagen"
    )
    return make_published_route(session, day=DAY, trips=[trip, make_trip(session, day=DAY)])


def test_anonymous_goes_to_login_and_coordinators_are_refused(client, session, route) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/driver/")
    assert response.status_code == 302 and "/driver/login" in response.headers["Location"]
    log_in(client, "coordinator", make_coordinator(session).id)
    assert client.get("/driver/").status_code == 403


def test_driver_sees_the_week_with_only_the_ride_data(client, session, route) -> None:  # type: ignore[no-untyped-def]
    other = make_published_route(session, plan=route.plan)
    other_names = {s.trip.rider.first_name for s in other.stops if s.trip}
    log_in(client, "driver", route.driver_id)

    page = client.get("/driver/").get_data(as_text=True)

    assert page.count('class="day') == 8 and page.count("No ride planned.") == 7
    assert "Amal" in page and f'href="tel:{route.stops[1].trip.rider.phone}"' in page
    assert "2 seats" in page and "1 child seat" in page and "kommt mit Kinderwagen" in page
    assert "geo:" in page and "openstreetmap.org/?mlat=" in page
    assert "06:00" in page and "07:40" in page and "6.0 km" in page  # start, end, distance
    assert "amal@example.invalid" not in page and "coordinator-only remark" not in page
    assert not any(name in page for name in other_names)
    assert "I will drive this route" in page and "vendor/leaflet/leaflet.js" in page


def test_confirm_from_the_portal_tells_the_riders(client, session, route) -> None:  # type: ignore[no-untyped-def]
    log_in(client, "driver", route.driver_id)
    response = client.post(f"/driver/routes/{route.id}/answer", data={"action": "confirm"})
    assert response.status_code == 303
    session.expire_all()
    assert route.status == RouteStatus.CONFIRMED
    recipients = set(session.scalars(sa.select(OutboxMessage.recipient)))
    assert "amal@example.invalid" in recipients
    assert "Confirmed" in client.get("/driver/").get_data(as_text=True)


def test_decline_from_the_portal_frees_the_trips(client, session, route) -> None:  # type: ignore[no-untyped-def]
    log_in(client, "driver", route.driver_id)
    client.post(f"/driver/routes/{route.id}/answer", data={"action": "decline", "reason": "krank"})
    session.expire_all()
    assert route.status == RouteStatus.DECLINED and route.decline_reason == "krank"
    assert {s.trip.status for s in route.stops if s.trip} == {TripStatus.UNSERVED}
    assert route.plan.needs_attention


def test_another_drivers_route_cannot_be_answered(client, session, route) -> None:  # type: ignore[no-untyped-def]
    other = make_published_route(session, plan=route.plan)
    log_in(client, "driver", other.driver_id)
    assert (
        client.post(f"/driver/routes/{route.id}/answer", data={"action": "confirm"}).status_code
        == 404
    )
    session.expire_all()
    assert route.status == RouteStatus.AWAITING


def test_print_view_has_one_page_per_day_with_a_route(client, session, route) -> None:  # type: ignore[no-untyped-def]
    make_published_route(session, day=DAY + dt.timedelta(days=2), driver=route.driver)
    log_in(client, "driver", route.driver_id)
    page = client.get("/driver/print").get_data(as_text=True)
    assert page.count('class="print-day"') == 2
    assert "Amal" in page and "kommt mit Kinderwagen" in page
    with client.get("/static/css/driver.css") as css:
        assert "break-after: page" in css.get_data(as_text=True)


def test_a_decline_reason_with_a_nul_byte_is_refused(client, session, route) -> None:  # type: ignore[no-untyped-def]
    log_in(client, "driver", route.driver_id)
    response = client.post(
        f"/driver/routes/{route.id}/answer", data={"action": "decline", "reason": "kr\x00ank"}
    )
    assert response.status_code == 422
    assert "invisible control characters" in response.get_data(as_text=True)
    session.expire_all()
    assert route.status == RouteStatus.AWAITING
