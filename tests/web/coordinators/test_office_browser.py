"""The office's accounts, drivers and places in a real browser on the demo district.

Roles as a person meets them: the admin invites a coordinator and the invitee sets a password
through the e-mailed link (read from the outbox); a viewer sees every page without a button
that changes something. Screenshots land in test-artifacts/ (and /work/shots when present).
"""

from __future__ import annotations

import re
import shutil
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
from matcher.demo.loader import DemoLogin
from matcher.demo.loader import load_demo
from matcher.models import OutboxMessage
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


class OfficeSite:
    """A live server on a fresh demo district, its database and the demo logins by role."""

    def __init__(self, server: LiveServer, url: str, logins: dict[str, DemoLogin]) -> None:
        self.server = server
        self.database_url = url
        self.logins = logins

    def outbox_bodies(self, recipient: str) -> list[str]:
        engine = make_engine(self.database_url)
        try:
            with engine.connect() as conn:
                return list(
                    conn.execute(
                        sa.select(OutboxMessage.body)
                        .where(OutboxMessage.recipient == recipient)
                        .order_by(OutboxMessage.id)
                    ).scalars()
                )
        finally:
            engine.dispose()


@pytest.fixture()
def office_site(tmp_path: Path) -> Iterator[OfficeSite]:
    with time_machine.travel(DEMO_NOW, tick=True):
        url = f"sqlite:///{tmp_path / 'office.sqlite'}"
        engine = make_engine(url)
        migrate.upgrade(engine)
        with session_scope(make_session_factory(engine)) as session:
            summary = load_demo(session, today=clock.today())
        engine.dispose()
        app = create_app(
            {"DATABASE_URL": url, "SECRET_KEY": "browser-test", "RATELIMIT_ENABLED": False},
            instance_path=str(tmp_path / "instance"),
        )
        with LiveServer(app) as server:
            yield OfficeSite(server, url, {login.role: login for login in summary.logins})


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"office-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if SHOTS.is_dir():
        shutil.copy(path, SHOTS / path.name)


def log_in(page, site: OfficeSite, role: str) -> None:  # type: ignore[no-untyped-def]
    login = site.logins[role]
    page.goto(f"{site.server.url}/coordinator/login?lang=en")
    page.fill("input[name=email]", login.email)
    page.fill("input[name=password]", login.password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{site.server.url}/coordinator/")


def no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width} px)"


def test_admin_invites_and_the_invitee_sets_a_password(office_site, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, office_site, "admin")
    page.click("nav.coordinator-nav a[href='/coordinator/accounts']")
    assert page.locator("h1").inner_text() == "Office accounts"
    page.fill("input[name=name]", "Nora Neu")
    page.fill("input[name=email]", "nora@example.org")
    page.select_option("select[name=role]", "coordinator")
    page.select_option("select[name=locale]", "en")
    page.get_by_role("button", name="Send the invitation").click()
    page.wait_for_selector("text=nora@example.org is invited")
    assert page.locator("tr", has_text="Nora Neu").locator("text=invited, no password yet").count()
    shot(page, "accounts-1280")
    page.set_viewport_size({"width": 360, "height": 780})
    shot(page, "accounts-360")
    no_sideways_scroll(page)

    (body,) = office_site.outbox_bodies("nora@example.org")
    path = re.search(r"(/coordinator/password/\S+)", body).group(1)  # type: ignore[union-attr]
    invitee = browser.new_context(viewport={"width": 360, "height": 780}, locale="en-GB")
    their = invitee.new_page()
    their.goto(f"{office_site.server.url}{path}?lang=en")
    assert "Welcome to the office, Nora Neu" in their.locator("h1").inner_text()
    their.fill("input[name=password]", "Noras neues Passwort")
    their.fill("input[name=confirm]", "Noras neues Passwort")
    their.click("button[type=submit]")
    their.wait_for_url(f"{office_site.server.url}/coordinator/")
    assert their.locator("nav.coordinator-nav a[href='/coordinator/accounts']").count() == 0
    invitee.close()
    context.close()


def test_a_viewer_sees_the_office_without_buttons_that_change_things(office_site, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, office_site, "viewer")
    for path in ("/coordinator/", "/coordinator/intake"):
        page.goto(f"{office_site.server.url}{path}")
        visible_posts = page.locator("form[method=post]:visible")
        assert visible_posts.count() == 1  # logging out
        assert visible_posts.first.get_attribute("action") == "/coordinator/logout"
    assert page.locator("nav.coordinator-nav a[href='/coordinator/accounts']").count() == 0
    assert page.locator("nav.coordinator-nav", has_text="read only").count() == 1
    context.close()


def test_drivers_list_and_a_drivers_page_and_suspension(office_site, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, office_site, "coordinator")
    page.click("nav.coordinator-nav a[href='/coordinator/drivers']")
    assert page.locator("h1").inner_text() == "Drivers"
    assert page.locator("table.driver-list tbody tr").count() == 20
    shot(page, "drivers-1280")
    page.set_viewport_size({"width": 360, "height": 780})
    shot(page, "drivers-360")
    no_sideways_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.select_option("select[name=vetting]", "pending")
    page.get_by_role("button", name="Search").click()
    pending = page.locator("table.driver-list tbody tr").count()
    assert 1 <= pending <= 5
    page.select_option("select[name=vetting]", "approved")
    page.get_by_role("button", name="Search").click()
    page.locator("table.driver-list tbody tr a").first.click()
    page.wait_for_selector("h2#month-heading")
    shot(page, "driver-1280")
    page.set_viewport_size({"width": 360, "height": 780})
    shot(page, "driver-360")
    no_sideways_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("summary:has-text('Suspend')")
    page.select_option("select[name=reason]", "complaint")
    page.get_by_role("button", name="Suspend and tell the driver").click()
    page.wait_for_selector("text=Suspended: left out of the next runs")
    assert "Suspended" in page.locator("h1").inner_text()
    context.close()


def test_the_printed_demo_driver_login_opens_the_portal(office_site, browser) -> None:  # type: ignore[no-untyped-def]
    login = office_site.logins["driver"]
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{office_site.server.url}/driver/login?lang=en")
    page.fill("input[name=pw-email]", login.email)
    page.fill("input[name=pw-password]", login.password)
    page.locator("form:has(input[name=pw-email]) button[type=submit]").click()
    page.wait_for_load_state()
    assert "/driver/login" not in page.url
    context.close()
