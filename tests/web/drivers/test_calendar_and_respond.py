"""The calendar feed (parsed back) and answering from a message link without logging in."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from icalendar import Calendar
from sqlalchemy.orm import Session

from matcher.models import PlanStatus
from matcher.models import RouteStatus
from matcher.plans.route_tokens import issue_route_token
from matcher.settings import Settings
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
    page = client.post("/driver/calendar", data={"action": "issue"}).get_data(as_text=True)
    url = re.search(r'value="(http://localhost/driver/calendar/[\w-]+\.ics)"', page).group(1)
    return url.removeprefix("http://localhost")


def events(client, url: str) -> list:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data).walk("VEVENT")


def test_feed_has_one_event_per_route_and_a_new_version_updates_it(
    client, session: Session
) -> None:  # type: ignore[no-untyped-def]
    rider = make_rider(session, first_name="Amal")
    route = make_published_route(session, day=DAY, trips=[make_trip(session, day=DAY, rider=rider)])
    make_published_route(session, day=DAY + dt.timedelta(days=3), driver=route.driver)
    url = feed_url(client, route.driver_id)
    client.post("/driver/logout")

    first = events(client, url)  # no login needed: calendar apps cannot log in
    assert len(first) == 2
    event = next(e for e in first if e.decoded("dtstart").date() == DAY)
    uid = str(event["uid"])
    assert event.decoded("dtstart") == dt.datetime(2026, 6, 2, 4, 0, tzinfo=dt.UTC)  # 06:00 local
    assert event.decoded("dtend") == dt.datetime(2026, 6, 2, 5, 0, tzinfo=dt.UTC)
    assert int(event["sequence"]) == 1 and str(event["status"]) == "TENTATIVE"
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
    newer = make_published_route(session, plan=plan_v2, driver=route.driver, riders=2)
    newer.status, newer.responded_at = RouteStatus.CONFIRMED, NOW
    session.flush()
    second = [e for e in events(client, url) if e.decoded("dtstart").date() == DAY]
    assert [str(e["uid"]) for e in second] == [uid]
    assert int(second[0]["sequence"]) == 2 and str(second[0]["status"]) == "CONFIRMED"


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
    assert done.status_code == 200 and "is confirmed" in done.get_data(as_text=True)
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
    client.post(f"/driver/respond/{token}", data={"action": "decline", "reason": "Arzttermin"})
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
