"""The volunteer's monthly statement: in the portal for the driver, on the office's driver page."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from matcher.models import RouteStatus
from tests.factories import make_coordinator
from tests.factories import make_driver
from tests.factories import make_published_route
from tests.web.drivers.conftest import log_in

pytestmark = pytest.mark.usefixtures("frozen", "english")
MAY = "2026-05"
ANSWERED = dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC)


@pytest.fixture()
def driver(session: Session):  # type: ignore[no-untyped-def]
    """Two days driven in May, one declined, one route to come in June; another driver's day."""
    driver = make_driver(session, first_name="Heike", last_name="Brandt")
    routes = [
        make_published_route(
            session, day=day, driver=driver, status=RouteStatus.CONFIRMED, responded_at=ANSWERED
        )
        for day in (dt.date(2026, 5, 12), dt.date(2026, 5, 20))
    ]
    make_published_route(
        session,
        day=dt.date(2026, 5, 27),
        driver=driver,
        status=RouteStatus.DECLINED,
        responded_at=ANSWERED,
    )
    make_published_route(session, day=dt.date(2026, 6, 2), driver=driver)
    make_published_route(session, plan=routes[0].plan)  # another driver that day
    session.flush()
    return driver


def test_the_driver_sees_the_days_driven_in_may_with_hours_and_kilometres(
    client, session, driver
) -> None:  # type: ignore[no-untyped-def]
    log_in(client, "driver", driver.id)
    page = client.get("/driver/statement", query_string={"month": MAY}).text
    assert "Volunteer statement: May 2026" in page and "Heike" in page
    assert "Tue 12.5.2026" in page and "Wed 20.5.2026" in page
    assert "27.5.2026" not in page  # declined
    # make_route: 06:00 to 07:40 with two riders and 6 km a day.
    assert '<td class="num">1.7</td><td class="num">2</td><td class="num">6</td>' in page
    assert '<td class="num">3.3</td><td class="num">4</td><td class="num">12</td>' in page
    assert 'href="?month=2026-04"' in page and 'href="?month=2026-06"' in page
    assert "My statement" in page  # the portal's navigation


def test_this_month_holds_no_ride_to_come_and_a_bad_month_is_refused(client, driver) -> None:  # type: ignore[no-untyped-def]
    log_in(client, "driver", driver.id)
    june = client.get("/driver/statement").text
    assert "No rides driven in this month." in june and "2.6.2026" not in june
    assert "Next month" not in june
    bad = client.get("/driver/statement", query_string={"month": "2026-13"})
    assert bad.status_code == 422 and "Please choose a month such as 2026-11." in bad.text
    later = client.get("/driver/statement", query_string={"month": "2026-07"})
    assert later.status_code == 422
    assert "A statement covers months driven, not months to come." in later.text


def test_the_office_prints_the_same_statement_from_the_driver_page(client, session, driver) -> None:  # type: ignore[no-untyped-def]
    log_in(client, "coordinator", make_coordinator(session).id)
    assert (
        f"/coordinator/drivers/{driver.id}/statement"
        in client.get(f"/coordinator/drivers/{driver.id}").text
    )
    page = client.get(
        f"/coordinator/drivers/{driver.id}/statement", query_string={"month": MAY}
    ).text
    assert '<td class="num">3.3</td><td class="num">4</td><td class="num">12</td>' in page
    assert "Coordination office (date, signature)" in page
    assert client.get("/coordinator/drivers/999999/statement").status_code == 404


def test_a_driver_cannot_open_the_office_statement(client, driver) -> None:  # type: ignore[no-untyped-def]
    log_in(client, "driver", driver.id)
    assert client.get(f"/coordinator/drivers/{driver.id}/statement").status_code == 403
