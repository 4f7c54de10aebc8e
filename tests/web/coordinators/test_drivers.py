"""Drivers in the office through the web: list, page, vetting, availability on their behalf."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
import time_machine

from matcher.models import DriverVetting
from matcher.models import OutboxMessage
from matcher.models import RouteStatus
from tests.factories import make_driver
from tests.factories import make_place
from tests.factories import make_published_route
from tests.factories import make_window

NOW = dt.datetime(2026, 6, 10, 8, 0, tzinfo=dt.UTC)  # Wednesday 10 June, 10:00 in Berlin
THURSDAY = dt.date(2026, 6, 11)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


def test_the_list_finds_drivers_and_links_their_pages(coordinator_client, session) -> None:  # type: ignore[no-untyped-def]
    clenze = make_place(session, municipality="Clenze")
    jens = make_driver(session, first_name="Jens", last_name="Albers", home_place=clenze)
    make_driver(session, first_name="Maren", last_name="Böhm")
    new = make_driver(session, first_name="Neu", last_name="Ling", vetted=False)
    page = coordinator_client.get("/coordinator/drivers").text
    assert 'href="/coordinator/drivers"' in page  # the nav
    assert f'href="/coordinator/drivers/{jens.id}"' in page and "3 drivers" in page
    found = coordinator_client.get("/coordinator/drivers?municipality=clenze").text
    assert "Jens Albers" in found and "Maren" not in found
    pending = coordinator_client.get("/coordinator/drivers?vetting=pending").text
    assert "Neu Ling" in pending and "Jens" not in pending and "Waiting for vetting" in pending
    intake = coordinator_client.get("/coordinator/intake").text
    assert f'href="/coordinator/drivers/{new.id}"' in intake


def test_the_drivers_page_shows_contact_car_routes_answers_and_this_month(  # type: ignore[no-untyped-def]
    coordinator_client, session
) -> None:
    driver = make_driver(
        session, first_name="Jens", last_name="Albers", car_description="blauer Golf", seats=4
    )
    make_window(session, driver, weekday=3)
    driven = make_published_route(session, day=dt.date(2026, 6, 2), driver=driver, riders=2)
    coming = make_published_route(session, day=THURSDAY, driver=driver)
    coming.status = RouteStatus.CONFIRMED
    coming.responded_at = NOW
    session.flush()
    response = coordinator_client.get(f"/coordinator/drivers/{driver.id}")
    assert response.status_code == 200
    page = response.text
    assert "Jens Albers" in page and "blauer Golf" in page and driver.email in page
    assert "Thu 11.6." in page and "confirmed" in page
    hours = driven.drive_seconds // 3600  # type: ignore[operator]
    minutes = driven.drive_seconds % 3600 // 60  # type: ignore[operator]
    assert f"{hours} h {minutes:02d} min" in page
    assert f"{driven.distance_m // 1000} km" in page  # type: ignore[operator]
    assert "Thu 05:00–20:00" in page  # grouped by times, as the portal groups them
    assert coordinator_client.get("/coordinator/drivers/999999").status_code == 404


def test_reject_with_a_reason_and_a_stale_page(coordinator_client, session) -> None:  # type: ignore[no-untyped-def]
    driver = make_driver(session, vetted=False, locale="uk")
    seen = driver.row_version
    url = f"/coordinator/drivers/{driver.id}"
    missing = coordinator_client.post(
        f"{url}/reject", data={"row_version": seen, "reason": ""}, follow_redirects=True
    )
    assert "Please choose a reason." in missing.text
    done = coordinator_client.post(
        f"{url}/reject",
        data={"row_version": seen, "reason": "not_reachable", "note": "Dreimal angerufen"},
        follow_redirects=True,
    )
    assert "The driver is rejected; they are told why." in done.text
    assert "We could not reach them" in done.text and "Dreimal angerufen" in done.text
    session.refresh(driver)
    assert driver.vetting_status == DriverVetting.REJECTED
    (mail,) = session.scalars(sa.select(OutboxMessage)).all()
    assert mail.locale == "uk" and mail.recipient == driver.email
    stale = coordinator_client.post(
        f"{url}/approve", data={"row_version": seen}, follow_redirects=True
    )
    assert "Someone else changed this driver meanwhile." in stale.text
    session.refresh(driver)
    assert driver.vetting_status == DriverVetting.REJECTED


def test_suspension_flags_the_published_route_on_the_plan_page(coordinator_client, session) -> None:  # type: ignore[no-untyped-def]
    driver = make_driver(session, first_name="Uwe")
    route = make_published_route(session, day=THURSDAY, driver=driver)
    plan_url = f"/coordinator/plans/{route.plan_id}"
    assert "Driver suspended" not in coordinator_client.get(plan_url).text
    done = coordinator_client.post(
        f"/coordinator/drivers/{driver.id}/suspend",
        data={"row_version": driver.row_version, "reason": "documents_expired"},
        follow_redirects=True,
    )
    assert "Suspended: left out of the next runs" in done.text
    assert "still holds 1 published route" in done.text
    plan_page = coordinator_client.get(plan_url).text
    assert "Driver suspended: give these rides to someone else" in plan_page
    assert f'href="/coordinator/drivers/{driver.id}"' in plan_page
    dashboard = coordinator_client.get("/coordinator/").text
    assert 'class="attention"' in dashboard
    session.refresh(driver)
    back = coordinator_client.post(
        f"/coordinator/drivers/{driver.id}/reinstate",
        data={"row_version": driver.row_version},
        follow_redirects=True,
    )
    assert "The suspension is lifted" in back.text
    assert "Driver suspended" not in coordinator_client.get(plan_url).text


def test_availability_on_the_drivers_behalf_with_the_portals_rules(
    coordinator_client, session
) -> None:  # type: ignore[no-untyped-def]
    driver = make_driver(session)
    url = f"/coordinator/drivers/{driver.id}"
    bad = coordinator_client.post(
        f"{url}/availability",
        data={
            "row_version": driver.row_version,
            "windows-0-weekdays": ["0"],
            "windows-0-start": "09:00",
            "windows-0-end": "05:00",
            "max_driving_minutes_per_day": "240",
        },
    )
    assert bad.status_code == 422
    assert "The end must be after the start (on the same day)." in bad.text
    good = coordinator_client.post(
        f"{url}/availability",
        data={
            "row_version": driver.row_version,
            "windows-0-weekdays": ["0", "4"],
            "windows-0-start": "05:00",
            "windows-0-end": "08:30",
            "max_driving_minutes_per_day": "180",
        },
        follow_redirects=True,
    )
    assert "Saved. The next plan uses the new times." in good.text
    session.refresh(driver)
    assert sorted(w.weekday for w in driver.windows) == [0, 4]
    assert driver.max_driving_minutes_per_day == 180
    stale = coordinator_client.post(
        f"{url}/exceptions",
        data={
            "row_version": driver.row_version - 1,
            "exc-kind": "unavailable",
            "exc-first_day": "2026-07-01",
            "exc-last_day": "2026-07-10",
        },
        follow_redirects=True,
    )
    assert "Someone else changed this driver meanwhile." in stale.text
    added = coordinator_client.post(
        f"{url}/exceptions",
        data={
            "row_version": driver.row_version,
            "exc-kind": "unavailable",
            "exc-first_day": "2026-07-01",
            "exc-last_day": "2026-07-10",
            "exc-note": "Urlaub",
        },
        follow_redirects=True,
    )
    assert "Urlaub" in added.text
    session.refresh(driver)
    (exc,) = driver.exceptions
    removed = coordinator_client.post(
        f"{url}/exceptions/{exc.id}/delete",
        data={"row_version": driver.row_version},
        follow_redirects=True,
    )
    assert "Removed." in removed.text
    session.refresh(driver)
    assert driver.exceptions == []


def test_a_viewer_sees_the_driver_but_cannot_suspend(viewer_client, session) -> None:  # type: ignore[no-untyped-def]
    driver = make_driver(session)
    assert viewer_client.get(f"/coordinator/drivers/{driver.id}").status_code == 200
    response = viewer_client.post(
        f"/coordinator/drivers/{driver.id}/suspend",
        data={"row_version": driver.row_version, "reason": "complaint"},
    )
    assert response.status_code == 403
    session.refresh(driver)
    assert driver.vetting_status == DriverVetting.APPROVED
