"""The rider list and a rider's page in a real browser on the demo district (1280 and 360 px).

One demo rider gets a ride in a published plan, one in an approved plan and an unserved one
(made with the test factories on the site's own database), so the page shows every state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine

from matcher import clock
from matcher import migrate
from matcher.db import make_engine
from matcher.db import make_session_factory
from matcher.db import session_scope
from matcher.demo.loader import load_demo
from matcher.models import NeedStatus
from matcher.models import PlanStatus
from matcher.models import RideNeed
from matcher.models import Rider
from matcher.models import TripStatus
from tests.factories import make_driver
from tests.factories import make_plan
from tests.factories import make_published_route
from tests.factories import make_route
from tests.factories import make_trip
from tests.web.coordinators.test_browser import ARTIFACTS
from tests.web.coordinators.test_browser import CHROMIUM
from tests.web.coordinators.test_browser import DEMO_NOW
from tests.web.coordinators.test_browser import LiveServer
from web import create_app

SHOTS = Path("/work/shots")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed"),
]


@pytest.fixture()
def rider_site(tmp_path: Path) -> Iterator[tuple[LiveServer, str, str, int]]:
    """(server, e-mail, password, rider id) on a fresh demo district at ``DEMO_NOW``."""
    with time_machine.travel(DEMO_NOW, tick=True):
        url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
        engine = make_engine(url)
        migrate.upgrade(engine)
        factory = make_session_factory(engine)
        today = clock.today()
        with session_scope(factory) as session:
            login = next(
                x for x in load_demo(session, today=today).logins if x.role == "coordinator"
            )
            need = session.scalars(
                sa.select(RideNeed)
                .join(Rider)
                .where(Rider.email.is_not(None), RideNeed.status == NeedStatus.ACTIVE)
                .order_by(RideNeed.id)
            ).first()
            assert need is not None
            rider_id = need.rider_id

            def trip(offset: int, **kw):  # type: ignore[no-untyped-def]
                return make_trip(
                    session,
                    day=today + dt.timedelta(days=offset),
                    rider_id=need.rider_id,
                    need=need,
                    origin=need.origin,
                    destination=need.destination,
                    **kw,
                )

            make_published_route(
                session,
                day=today + dt.timedelta(days=1),
                trips=[trip(1)],
                driver=make_driver(session, first_name="Jens"),
            )
            approved = trip(2)
            at = clock.local_instant(today, dt.time(10))
            plan = make_plan(session, day=approved.day, status=PlanStatus.APPROVED, approved_at=at)
            make_route(session, plan, [approved], driver=make_driver(session, first_name="Maren"))
            approved.status = TripStatus.PLANNED
            trip(
                3,
                status=TripStatus.UNSERVED,
                unserved_reason="no_vehicle_in_time",
                unserved_details={"from": "05:15", "to": "05:45", "place": need.origin.name},
            )
        engine.dispose()
        app = create_app(
            {"DATABASE_URL": url, "SECRET_KEY": "browser-test", "RATELIMIT_ENABLED": False},
            instance_path=str(tmp_path / "instance"),
        )
        with LiveServer(app) as server:
            yield server, login.email, login.password, rider_id


def _shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    for folder in (ARTIFACTS, SHOTS):
        folder.mkdir(exist_ok=True)
        page.screenshot(path=str(folder / f"riders-{name}.png"), full_page=True)


def test_rider_list_and_page_in_the_browser(rider_site, browser) -> None:  # type: ignore[no-untyped-def]
    server, email, password, rider_id = rider_site
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{server.url}/coordinator/?lang=en")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/coordinator/")
    page.click("nav.coordinator-nav a[href='/coordinator/riders']")
    assert page.locator("h1").inner_text() == "Riders"
    assert page.locator(".rider-list li").count() == 25
    _shoot(page, "list-1280")
    page.set_viewport_size({"width": 360, "height": 780})
    _shoot(page, "list-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{server.url}/coordinator/riders/{rider_id}")
    coming = page.locator("table.rider-trips").first
    assert "Jens picks up at" in coming.inner_text()
    assert "No driver is available between 05:15 and 05:45" in coming.inner_text()
    _shoot(page, "page-1280")
    page.set_viewport_size({"width": 360, "height": 780})
    _shoot(page, "page-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
