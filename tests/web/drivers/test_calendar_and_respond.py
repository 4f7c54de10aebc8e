"""The calendar feed (parsed back) and answering from a message link without logging in."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from icalendar import Calendar
from sqlalchemy.orm import Session

from matcher.clock import local_instant
from matcher.models import PlaceKind
from matcher.models import PlanStatus
from matcher.models import Route
from matcher.models import RouteStatus
from matcher.models import Stop
from matcher.models import StopKind
from matcher.models import Trip
from matcher.models import TripDirection
from matcher.models import TripStatus
from matcher.plans.route_tokens import issue_route_token
from matcher.settings import Settings
from tests.factories import make_driver
from tests.factories import make_place
from tests.factories import make_plan
from tests.factories import make_published_route
from tests.factories import make_rider
from tests.factories import make_trip
from tests.web.drivers.conftest import NOW
from tests.web.drivers.conftest import log_in

DAY = dt.date(2026, 6, 2)
pytestmark = pytest.mark.usefixtures("frozen", "english")


def feed_url(client, driver_id: int) -> str:  # type: ignore[no-untyped-def]
    log_in(client, "driver", driver_id)
    issued = client.post("/driver/calendar", data={"action": "issue"})
    assert issued.status_code == 303 and issued.headers["Location"] == "/driver/calendar"
    page = client.get("/driver/calendar").get_data(as_text=True)
    url = re.search(r'value="(http://localhost/driver/calendar/[\w-]+\.ics)"', page).group(1)
    return url.removeprefix("http://localhost")


def events(client, url: str) -> list:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data).walk("VEVENT")


def test_feed_has_one_event_per_leg_and_a_new_version_updates_it(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    rider = make_rider(session, first_name="Amal")
    trip = make_trip(session, day=DAY, rider=rider)
    route = make_published_route(session, day=DAY, trips=[trip])
    make_published_route(session, day=DAY + dt.timedelta(days=3), driver=route.driver, riders=1)
    url = feed_url(client, route.driver_id)
    client.post("/driver/logout")

    first = events(client, url)  # no login needed: calendar apps cannot log in
    assert len(first) == 2
    event = next(e for e in first if e.decoded("dtstart").date() == DAY)
    uid = str(event["uid"])
    # From the pick-up (06:20 local) to the drop-off (06:40), not the whole route 06:00-07:00.
    assert event.decoded("dtstart") == dt.datetime(2026, 6, 2, 4, 20, tzinfo=dt.UTC)
    assert event.decoded("dtend") == dt.datetime(2026, 6, 2, 4, 40, tzinfo=dt.UTC)
    assert int(event["sequence"]) == 1 and str(event["status"]) == "TENTATIVE"
    assert str(event["summary"]) == (
        f"Mitfahrnetz: Amal, {trip.origin.name} to {trip.destination.name}"
    )
    description = str(event["description"])
    assert "06:20" in description and "Amal" in description
    assert rider.phone not in description  # calendars sync to clouds: no phone numbers

    # The coordinator publishes version 2 of that day: the event is replaced, not doubled.
    old_plan = route.plan
    old_plan.status, old_plan.superseded_at = PlanStatus.SUPERSEDED, NOW
    session.flush()
    plan_v2 = make_plan(
        session,
        day=DAY,
        version=2,
        status=PlanStatus.PUBLISHED,
        approved_at=NOW,
        published_at=NOW,
        based_on_id=old_plan.id,
    )
    newer = make_published_route(session, plan=plan_v2, driver=route.driver, trips=[trip])
    newer.status, newer.responded_at = RouteStatus.CONFIRMED, NOW
    session.flush()
    second = [e for e in events(client, url) if e.decoded("dtstart").date() == DAY]
    assert [str(e["uid"]) for e in second] == [uid]
    assert int(second[0]["sequence"]) == 2 and str(second[0]["status"]) == "CONFIRMED"


def at(clock: str) -> dt.datetime:
    """``HH:MM`` local on ``DAY`` as a UTC instant."""
    return local_instant(DAY, dt.time.fromisoformat(clock)).astimezone(dt.UTC)


def two_leg_route(session: Session) -> tuple[Route, dict[str, Trip]]:
    """Amal and Bernd to work in the morning and home in the evening, in one car."""
    plan = make_plan(
        session, day=DAY, status=PlanStatus.PUBLISHED, approved_at=NOW, published_at=NOW
    )
    amal, bernd = make_rider(session, first_name="Amal"), make_rider(session, first_name="Bernd")
    home_a, home_b = make_place(session, name="Kirchweg"), make_place(session, name="Dorfplatz")
    works = make_place(session, kind=PlaceKind.EMPLOYER, name="Sägewerk")
    trips = {}
    for name, rider, home_place in (("amal", amal, home_a), ("bernd", bernd, home_b)):
        trips[f"{name}-out"] = make_trip(
            session, day=DAY, rider=rider, origin=home_place, destination=works
        )
        trips[f"{name}-back"] = make_trip(
            session,
            day=DAY,
            rider=rider,
            origin=works,
            destination=home_place,
            direction=TripDirection.RETURN,
        )
    for trip in trips.values():
        trip.status = TripStatus.PLANNED
    home = make_place(session, name="Lindenhof")
    plan_of_day = [
        (StopKind.START, None, home, "06:00", 0),
        (StopKind.PICKUP, "amal-out", home_a, "06:30", 1),
        (StopKind.PICKUP, "bernd-out", home_b, "06:45", 2),
        (StopKind.DROPOFF, "amal-out", works, "07:30", 1),
        (StopKind.DROPOFF, "bernd-out", works, "07:31", 0),
        (StopKind.PICKUP, "bernd-back", works, "16:10", 1),
        (StopKind.PICKUP, "amal-back", works, "16:11", 2),
        (StopKind.DROPOFF, "bernd-back", home_b, "16:40", 1),
        (StopKind.DROPOFF, "amal-back", home_a, "17:05", 0),
        (StopKind.END, None, home, "17:30", 0),
    ]
    stops = [
        Stop(
            sequence=n,
            kind=kind,
            trip=trips[key] if key else None,
            place=place,
            arrival_at=at(clock),
            service_start_at=at(clock) if key else None,
            departure_at=at(clock) if kind != StopKind.END else None,
            load=load,
        )
        for n, (kind, key, place, clock, load) in enumerate(plan_of_day)
    ]
    route = Route(
        plan=plan,
        driver=make_driver(session),
        stops=stops,
        start_at=at("06:00"),
        end_at=at("17:30"),
    )
    session.add(route)
    session.flush()
    return route, trips


def test_a_day_with_a_morning_and_an_evening_leg_gives_two_events(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    route, _ = two_leg_route(session)
    url = feed_url(client, route.driver_id)
    found = sorted(events(client, url), key=lambda e: e.decoded("dtstart"))
    assert [(e.decoded("dtstart"), e.decoded("dtend")) for e in found] == [
        (at("06:30"), at("07:31")),
        (at("16:10"), at("17:05")),
    ]
    assert [str(e["summary"]) for e in found] == [
        "Mitfahrnetz: Amal, Bernd, Kirchweg to Sägewerk",
        "Mitfahrnetz: Bernd, Amal, Sägewerk to Kirchweg",
    ]
    assert len({str(e["uid"]) for e in found}) == 2
    assert all(int(e["sequence"]) == 1 for e in found)
    morning = str(found[0]["description"])
    assert "06:30" in morning and "07:31" in morning and "16:10" not in morning
    assert str(found[0]["location"]).startswith("Kirchweg")
    german = sorted(events(client, url + "?lang=de"), key=lambda e: e.decoded("dtstart"))
    assert str(german[0]["summary"]) == "Mitfahrnetz: Amal, Bernd, Kirchweg nach Sägewerk"
    assert "06:30 Abholen: Kirchweg" in str(german[0]["description"])


def test_cancelled_rides_and_declined_routes_leave_the_feed(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    route, trips = two_leg_route(session)
    url = feed_url(client, route.driver_id)
    uids = {e.decoded("dtstart"): str(e["uid"]) for e in events(client, url)}

    # Bernd cancels his way there: the morning leg is Amal's alone, with the same UID.
    trips["bernd-out"].status = TripStatus.CANCELLED
    session.flush()
    found = sorted(events(client, url), key=lambda e: e.decoded("dtstart"))
    assert [(e.decoded("dtstart"), e.decoded("dtend")) for e in found] == [
        (at("06:30"), at("07:30")),
        (at("16:10"), at("17:05")),
    ]
    assert "Bernd" not in str(found[0]["summary"]) + str(found[0]["description"])
    assert [str(e["uid"]) for e in found] == [uids[at("06:30")], uids[at("16:10")]]

    # Both cancel the way back: the evening leg is gone.
    trips["amal-back"].status = trips["bernd-back"].status = TripStatus.CANCELLED
    session.flush()
    assert [e.decoded("dtstart") for e in events(client, url)] == [at("06:30")]

    # The driver declines the route: nothing is left of the day.
    route.status, route.responded_at = RouteStatus.DECLINED, NOW
    session.flush()
    assert events(client, url) == []


def test_unknown_or_replaced_feed_token_is_404(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    route = make_published_route(session, day=DAY)
    old = feed_url(client, route.driver_id)
    new = feed_url(client, route.driver_id)
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert client.get("/driver/calendar/not-a-token.ics").status_code == 404


def test_message_link_confirms_once(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    route = make_published_route(session, day=DAY)
    token = issue_route_token(route, Settings())
    session.flush()

    page = client.get(f"/driver/respond/{token}?action=confirm")
    assert page.status_code == 200 and "Yes, I will drive this route" in page.get_data(as_text=True)
    session.expire_all()
    assert route.status == RouteStatus.AWAITING  # looking at the link uses nothing up

    done = client.post(f"/driver/respond/{token}", data={"action": "confirm"})
    assert done.status_code == 303
    assert done.headers["Location"] == f"/driver/responded?action=confirm&day={DAY.isoformat()}"
    thanks = client.get(done.headers["Location"])
    assert thanks.status_code == 200 and "is confirmed" in thanks.get_data(as_text=True)
    assert client.get(done.headers["Location"]).status_code == 200  # a reload answers nothing
    session.expire_all()
    assert route.status == RouteStatus.CONFIRMED

    again = client.post(f"/driver/respond/{token}", data={"action": "decline"})
    assert again.status_code == 404
    session.expire_all()
    assert route.status == RouteStatus.CONFIRMED


def test_message_link_declines_with_reason(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    route = make_published_route(session, day=DAY)
    token = issue_route_token(route, Settings())
    session.flush()
    page = client.get(f"/driver/respond/{token}?action=decline").get_data(as_text=True)
    assert "No, I cannot drive this route" in page
    done = client.post(
        f"/driver/respond/{token}", data={"action": "decline", "reason": "Arzttermin"}
    )
    assert "cannot drive" in client.get(done.headers["Location"]).get_data(as_text=True)
    assert client.get("/driver/responded?action=x&day=2026-06-02").status_code == 404
    assert client.get("/driver/responded?action=confirm&day=soon").status_code == 404
    session.expire_all()
    assert route.status == RouteStatus.DECLINED and route.decline_reason == "Arzttermin"
    assert route.plan.needs_attention


def test_expired_message_link_is_refused(client, session: Session, frozen) -> None:  # type: ignore[no-untyped-def]
    route = make_published_route(session, day=DAY)
    token = issue_route_token(route, Settings())
    session.flush()
    frozen.move_to(dt.datetime(2026, 6, 2, 22, 30, tzinfo=dt.UTC))  # 00:30 on 3 June in Berlin
    assert client.get(f"/driver/respond/{token}").status_code == 404
    assert client.post(f"/driver/respond/{token}", data={"action": "confirm"}).status_code == 404
    session.expire_all()
    assert route.status == RouteStatus.AWAITING
