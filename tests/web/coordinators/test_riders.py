"""The office's rider list and a rider's page: search, paging, trips with their state, audit."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from matcher import audit as audit_log
from matcher.clock import BERLIN
from matcher.clock import local_instant
from matcher.models import NeedPause
from matcher.models import NeedPurpose
from matcher.models import NeedStatus
from matcher.models import PlanStatus
from matcher.models import TripDirection
from matcher.models import TripStatus
from matcher.queries.rider_list import PAGE_SIZE
from tests.factories import make_driver
from tests.factories import make_need
from tests.factories import make_place
from tests.factories import make_plan
from tests.factories import make_published_route
from tests.factories import make_rider
from tests.factories import make_route
from tests.factories import make_trip

MONDAY = dt.date(2026, 6, 1)
ON_MONDAY = dt.datetime(2026, 6, 1, 9, 0, tzinfo=BERLIN)


@pytest.fixture()
def on_monday(time_machine):  # type: ignore[no-untyped-def]
    """The district's clock on Monday 1 June 2026, 09:00."""
    time_machine.move_to(ON_MONDAY)


def _day(offset: int) -> dt.date:
    return MONDAY + dt.timedelta(days=offset)


@pytest.fixture()
def fatima(session, coordinator):  # type: ignore[no-untyped-def]
    """A rider with a need and one trip in every state the page knows, plus a past trip."""
    home = make_place(session, name="Karwitz", municipality="Karwitz")
    rider = make_rider(
        session,
        first_name="Fatima",
        phone="+4915112345678",
        email="fatima@example.org",
        home_place=home,
        languages=["ar", "de"],
        locale="ar",
    )
    need = make_need(session, rider=rider, origin=home, purpose=NeedPurpose.COURSE)
    dest = need.destination

    def trip(offset: int, **kw):  # type: ignore[no-untyped-def]
        return make_trip(
            session, day=_day(offset), rider=rider, need=need, origin=home, destination=dest, **kw
        )

    published = trip(1)
    make_published_route(
        session, day=_day(1), trips=[published], driver=make_driver(session, first_name="Jens")
    )
    approved = trip(2)
    at = local_instant(_day(1), dt.time(10))
    plan = make_plan(session, day=_day(2), status=PlanStatus.APPROVED, approved_at=at)
    make_route(session, plan, [approved], driver=make_driver(session, first_name="Maren"))
    approved.status = TripStatus.PLANNED
    trip(
        3,
        status=TripStatus.UNSERVED,
        unserved_reason="no_vehicle_in_time",
        unserved_details={"from": "06:30", "to": "08:00", "place": "Karwitz"},
    )
    trip(4, status=TripStatus.CANCELLED)
    need.paused_dates.append(NeedPause(day=_day(7)))
    trip(7, status=TripStatus.CANCELLED)
    need.paused_dates.append(NeedPause(day=_day(8)))  # paused, no trip made yet
    trip(20)  # beyond the 14 days
    trip(-7, direction=TripDirection.RETURN)
    audit_log.record_action(session, coordinator.id, "need.accepted", "ride_need", need.id)
    session.flush()
    return rider


def test_nav_links_to_the_rider_list(coordinator_client) -> None:  # type: ignore[no-untyped-def]
    html = coordinator_client.get("/coordinator/").get_data(as_text=True)
    assert 'href="/coordinator/riders">Riders</a>' in html


def test_list_searches_and_links_to_the_page(coordinator_client, session) -> None:  # type: ignore[no-untyped-def]
    olena = make_rider(session, first_name="Olena", phone="+4917099887766")
    make_rider(session, first_name="Ahmad")
    page = coordinator_client.get("/coordinator/riders?q=0170+998")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'href="/coordinator/riders/{olena.id}"' in html and "Ahmad" not in html
    assert "0170 99887766" in html  # the national form, as the office dials it
    assert 'value="0170 998"' in html  # the search is kept in the form


def test_list_filters_by_status_and_purpose(coordinator_client, session) -> None:  # type: ignore[no-untyped-def]
    make_need(session, rider=make_rider(session, first_name="Kurs"), purpose=NeedPurpose.COURSE)
    make_need(session, rider=make_rider(session, first_name="Arbeit"), status=NeedStatus.PENDING)
    html = coordinator_client.get("/coordinator/riders?status=pending").get_data(as_text=True)
    assert "Arbeit" in html and "Kurs" not in html
    html = coordinator_client.get("/coordinator/riders?purpose=course").get_data(as_text=True)
    assert "Kurs" in html and "Arbeit" not in html
    # A forged value does not filter (and is no error page).
    assert coordinator_client.get("/coordinator/riders?status=bogus").status_code == 200


def test_list_pages_keep_the_search(coordinator_client, session) -> None:  # type: ignore[no-untyped-def]
    for n in range(PAGE_SIZE + 3):
        make_rider(session, first_name=f"Zz{n:03d}")
    first = coordinator_client.get("/coordinator/riders?q=zz").get_data(as_text=True)
    assert first.count('href="/coordinator/riders/') == PAGE_SIZE
    assert "Page 1 of 2" in first
    assert re.search(r'href="/coordinator/riders\?page=2&amp;q=zz"', first)
    second = coordinator_client.get("/coordinator/riders?q=zz&page=2").get_data(as_text=True)
    assert second.count('href="/coordinator/riders/') == 3 and "Zz027" in second
    assert coordinator_client.get("/coordinator/riders?page=abc").status_code == 200


def test_erased_riders_are_not_listed_and_their_page_is_gone(coordinator_client, session) -> None:  # type: ignore[no-untyped-def]
    gone = make_rider(session, first_name="Gone")
    gone.erased_at = ON_MONDAY
    gone.first_name = gone.phone = None
    session.flush()
    assert f"/coordinator/riders/{gone.id}" not in coordinator_client.get(
        "/coordinator/riders"
    ).get_data(as_text=True)
    assert coordinator_client.get(f"/coordinator/riders/{gone.id}").status_code == 404
    assert coordinator_client.get("/coordinator/riders/999999").status_code == 404


def test_rider_page_shows_contact_consent_needs_and_every_trip_state(
    on_monday, coordinator_client, fatima
) -> None:  # type: ignore[no-untyped-def]
    html = coordinator_client.get(f"/coordinator/riders/{fatima.id}").get_data(as_text=True)
    assert "01511 2345678" in html and "fatima@example.org" in html
    assert "العربية" in html  # messages in Arabic
    assert "Deutsch" in html  # speaks
    assert "Privacy notice version" in html and "2026-01" in html
    assert "Course" in html and "Active" in html
    assert "Paused on 8.6., 9.6." in html
    coming = html.split('id="coming-heading"')[1].split('id="history-heading"')[0]
    assert "Jens picks up at 06:20" in coming  # the published plan's pick-up
    assert "Maren picks up at 06:20" in coming and "approved, not published yet" in coming
    assert "No driver is available between 06:30 and 08:00 near Karwitz." in coming
    assert coming.count('class="trip-cancelled"') == 1
    assert coming.count('class="trip-paused"') == 2  # the cancelled trip and the day without one
    assert "both ways" in coming
    assert "21.6." not in coming  # beyond 14 days
    history = html.split('id="history-heading"')[1].split('id="audit-heading"')[0]
    assert "Mon 25.5." in history and "back" in history
    audit = html.split('id="audit-heading"')[1]
    assert "need.accepted" in audit and "Petra Koordination" in audit


def test_intake_and_riders_to_check_link_to_the_rider_page(
    on_monday, coordinator_client, session
) -> None:  # type: ignore[no-untyped-def]
    flagged = make_rider(session, first_name="Karim", location_to_check=True)
    make_need(session, rider=flagged, status=NeedStatus.PENDING)
    link = f'href="/coordinator/riders/{flagged.id}"'
    assert link in coordinator_client.get("/coordinator/").get_data(as_text=True)
    intake = coordinator_client.get("/coordinator/intake").get_data(as_text=True)
    assert intake.count(link) == 2  # the new need and the location to check


def test_riders_are_for_coordinators_only(app, driver_client, session) -> None:  # type: ignore[no-untyped-def]
    rider = make_rider(session)
    assert driver_client.get(f"/coordinator/riders/{rider.id}").status_code == 403
    anonymous = app.test_client().get("/coordinator/riders")
    assert anonymous.status_code == 302 and "/coordinator/login" in anonymous.headers["Location"]
