"""One newcomer through the whole product, in a real browser, with no shortcuts.

The district starts as a real one would: its villages and sites in the
gazetteer and one admin account (what ``flask create-admin`` makes), nobody
else. Everyone else comes in through the product's own pages: a volunteer
registers on the public driver form and the office approves him; a newcomer
registers in Arabic on a phone; the office finds her in the intake queue and
decides; plans the day, approves and publishes; the driver confirms in the
portal; her personal page shows the ride with the time and the driver's first
name, and the messages she was sent are read from the outbox. No database
writes, no demo loader, no test-only routes.

Three journeys: accepted; accepted after fixing a location on the map; declined
(she reads the reason in Arabic). Screenshots land in test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine

from matcher import migrate
from matcher.db import make_engine
from matcher.db import make_session_factory
from matcher.db import session_scope
from matcher.demo import load_gazetteer
from matcher.models import OutboxMessage
from matcher.people.coordinators import create_coordinator
from tests.web.coordinators.test_browser import ARTIFACTS
from tests.web.coordinators.test_browser import CHROMIUM
from tests.web.coordinators.test_browser import DEMO_NOW
from tests.web.coordinators.test_browser import LiveServer
from web import create_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed"),
]

ADMIN_EMAIL = "leitung@landkreis.example"
ADMIN_PASSWORD = "Koordination-2026!"
DRIVER_EMAIL = "werner.f@example.org"
DRIVER_PASSWORD = "Ehrenamt-faehrt-2026"
RIDER_PHONE = "0151 55512345"
RIDER_E164 = "+4915155512345"
PHONE = {"width": 360, "height": 780}
DESK = {"width": 1280, "height": 900}
ARABIC = re.compile(r"[\u0600-\u06FF]")
DAY = dt.date(2026, 6, 9)
"""The Tuesday after ``DEMO_NOW`` (a Monday): the day that is planned."""


@dataclass(frozen=True)
class Site:
    server: LiveServer
    url: str
    database_url: str

    def outbox_to(self, recipient: str) -> list[OutboxMessage]:
        """What was queued for ``recipient``, oldest first (the test only reads)."""
        engine = make_engine(self.database_url)
        try:
            with make_session_factory(engine)() as session:
                return list(
                    session.scalars(
                        sa.select(OutboxMessage)
                        .where(OutboxMessage.recipient == recipient)
                        .order_by(OutboxMessage.id)
                    )
                )
        finally:
            engine.dispose()


@pytest.fixture()
def district(tmp_path: Path) -> Iterator[Site]:
    """A live server on a district with its gazetteer and one admin, nobody else."""
    with time_machine.travel(DEMO_NOW, tick=True):
        url = f"sqlite:///{tmp_path / 'district.sqlite'}"
        engine = make_engine(url)
        migrate.upgrade(engine)
        with session_scope(make_session_factory(engine)) as session:
            load_gazetteer(session)
            create_coordinator(
                session,
                email=ADMIN_EMAIL,
                name="Koordination",
                password=ADMIN_PASSWORD,
                role="admin",
                locale="en",
            )
        engine.dispose()
        app = create_app(
            {
                "DATABASE_URL": url,
                "SECRET_KEY": "journey-test",
                "PLANNER_TIME_LIMIT_SECONDS": 3,
                "RATELIMIT_ENABLED": False,
                "BASE_URL": "http://mitfahrnetz.example",
            },
            instance_path=str(tmp_path / "instance"),
        )
        with LiveServer(app) as server:
            yield Site(server, server.url, url)


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"journey-{name}.png"), full_page=True)


def no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{page.url} scrolls sideways ({width} px > {viewport} px)"


def volunteer_registers_and_is_approved(  # type: ignore[no-untyped-def]
    browser, site: Site, village: str = "Clenze"
) -> None:
    """Werner signs up on the public driver form; he may drive on Tuesdays 06:00-14:00."""
    context = browser.new_context(viewport=PHONE, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{site.url}/register/driver?lang=de")
    page.fill("input[name=first_name]", "Werner")
    page.fill("input[name=last_name]", "Fahrenholz")
    page.fill("input[name=phone]", "0170 4445566")
    page.fill("input[name=email]", DRIVER_EMAIL)
    page.fill("input[name=home_street]", "Kirchstraße")
    page.fill("input[name=home_number]", "2")
    page.select_option("select[name=home_village]", label=village)
    page.fill("input[name=seats]", "3")
    page.check("input[name='windows-0-weekdays'][value='1']")  # Tuesday
    page.fill("input[name='windows-0-start']", "06:00")
    page.fill("input[name='windows-0-end']", "14:00")
    page.fill("input[name=password]", DRIVER_PASSWORD)
    page.check("input[name=consent]")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/driver/registered")
    context.close()


def rider_registers_in_arabic(  # type: ignore[no-untyped-def]
    browser, site: Site, *, town: str | None, street: str = "Lange Straße"
) -> str:
    """Amal registers on her phone in Arabic: the course in Lüchow, Tuesdays, arrive by 08:30.

    With ``town`` her destination is a typed address in that town instead of the
    course site. Returns her personal link.
    """
    context = browser.new_context(viewport=PHONE, locale="ar", is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{site.url}/register/rider?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert ARABIC.search(page.locator("h1").inner_text())
    page.fill("input[name=first_name]", "Amal")
    page.fill("input[name=phone]", RIDER_PHONE)
    page.select_option("select[name=home_village]", label="Clenze")
    page.fill("input[name=home_street]", street)
    page.fill("input[name=home_number]", "7")
    page.check("input[name=purpose][value=course]")
    if town is None:
        course = page.locator("select[name=destination_place] option", has_text="Lernort Lüchow")
        page.select_option("select[name=destination_place]", value=course.get_attribute("value"))
    else:
        page.select_option("select[name=destination_place]", value="")
        page.fill("input[name=destination_street]", "Hafenweg 3")
        page.fill("input[name=destination_town]", town)
    page.check("input[name=schedule_kind][value=weekly]")
    page.check("input[name=weekdays][value='1']")  # Tuesday
    page.fill("input[name=arrive_by]", "08:30")
    page.fill("input[name=pick_up_after]", "12:30")
    page.fill("input[name=valid_from]", DEMO_NOW.date().isoformat())
    page.check("input[name=consent]")
    shot(page, "1-register-ar-360")
    no_sideways_scroll(page)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/me/**")
    assert ARABIC.search(page.locator("h1").inner_text())
    link = page.url.split("?")[0]
    context.close()
    return link


def office_logs_in(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=DESK, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def log_in_to_office(page, site: Site) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{site.url}/coordinator/?lang=en")
    page.fill("input[name=email]", ADMIN_EMAIL)
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{site.url}/coordinator/")


def office_approves_the_driver(page) -> None:  # type: ignore[no-untyped-def]
    page.click("nav.coordinator-nav a[href='/coordinator/intake']")
    page.locator("li", has_text="Werner").get_by_role("link", name="Werner Fahrenholz").click()
    page.get_by_role("button", name="Approve driver").click()
    page.wait_for_load_state()
    assert page.locator(".flash-success").count() == 1


def office_fixes_the_location(page) -> None:  # type: ignore[no-untyped-def]
    page.click("nav.coordinator-nav a[href='/coordinator/intake']")
    item = page.locator("li", has_text="Amal").filter(has_text="Location to check")
    item.get_by_role("link", name="Fix the location").click()
    card = page.locator("section.check-place", has_text="Not on the map yet.")
    # The coordinator knows Hafenweg 3 lies just east of Lüchow: she types the point she found.
    card.locator(".point-form input[name$='-lat']").fill("52.9700")
    card.locator(".point-form input[name$='-lon']").fill("11.1650")
    card.get_by_role("button", name="Save this point").click()
    page.wait_for_selector("text=All places of this rider are checked.")


def office_decides(page, decision: str) -> None:  # type: ignore[no-untyped-def]
    page.click("nav.coordinator-nav a[href='/coordinator/intake']")
    item = page.locator(".intake-new_need", has_text="Amal")
    assert item.count() == 1
    shot(page, f"2-intake-{decision}-1280")
    if decision == "accept":
        item.get_by_role("button", name="Accept").click()
        page.wait_for_selector("text=The ride request is accepted; the rider is told.")
    else:
        item.locator("summary", has_text="Decline").click()
        item.locator("select[id^=decline-reason]").select_option("no_drivers")
        item.locator("input[id^=decline-note]").fill("Dienstags fährt bei uns noch niemand.")
        item.get_by_role("button", name="Decline").click()
        page.wait_for_load_state()
        assert page.locator(".flash-success").count() == 1
    assert page.locator(".intake-new_need", has_text="Amal").count() == 0


def office_plans_approves_and_publishes(page, site: Site) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{site.url}/coordinator/days/{DAY.isoformat()}")
    page.click("text=Plan this day")
    page.wait_for_url(re.compile(r".*/coordinator/plans/\d+$"), timeout=120_000)
    route = page.locator("details.route", has_text="Werner")
    assert route.count() == 1, "Werner's route is in the draft"
    assert route.get_by_text("Amal").count() >= 1, "Amal rides with Werner"
    shot(page, "4-plan-1280")
    page.click("button:has-text('Approve')")
    assert page.locator(".flash-success", has_text="The plan is approved.").count() == 1
    page.click(".actions button:has-text('Publish')")
    page.wait_for_selector("text=Riders whose rides changed")


def driver_logs_in(browser, site: Site):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE, locale="de-DE", is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{site.url}/driver/login?lang=de")
    page.fill("input[name=pw-email]", DRIVER_EMAIL)
    page.fill("input[name=pw-password]", DRIVER_PASSWORD)
    page.locator("form", has=page.locator("input[name=pw-password]")).locator("button").click()
    page.wait_for_load_state()
    return context, page


def driver_confirms(browser, site: Site) -> None:  # type: ignore[no-untyped-def]
    context, page = driver_logs_in(browser, site)
    day = page.locator("section", has_text="Amal").filter(has=page.locator("button[value=confirm]"))
    assert day.count() >= 1, "the published route with Amal is on Werner's schedule"
    shot(page, "5-driver-360")
    no_sideways_scroll(page)
    day.first.locator("button[value=confirm]").click()
    page.wait_for_load_state()
    assert page.locator("button[value=confirm]").count() == 0
    context.close()


def her_page(browser, link: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE, locale="ar", is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{link}?lang=ar")
    return context, page


@pytest.mark.parametrize("town", [None, "Neu-Atlantis"], ids=["course-site", "location-fixed"])
def test_a_newcomer_registers_in_arabic_and_gets_a_ride(district, browser, town) -> None:  # type: ignore[no-untyped-def]
    site = district
    volunteer_registers_and_is_approved(browser, site)
    link = rider_registers_in_arabic(browser, site, town=town)

    context, office = office_logs_in(browser)
    log_in_to_office(office, site)
    office_approves_the_driver(office)
    if town is not None:
        office_fixes_the_location(office)
    office_decides(office, "accept")
    # Before the plan her page says the request is active and no ride is planned yet.
    rider_context, page = her_page(browser, link)
    assert page.locator(".need-active").count() == 1
    rider_context.close()

    office_plans_approves_and_publishes(office, site)
    context.close()
    driver_confirms(browser, site)

    rider_context, page = her_page(browser, link)
    rides = page.locator("li.ride", has_text="Werner")
    assert rides.count() == 2, page.locator("main").inner_text()  # there and back
    text = rides.first.inner_text()
    pickup = re.search(r"\b0[6-8]:\d\d\b", text)
    assert pickup, f"her pick-up time is shown: {text}"
    assert ARABIC.search(text)
    # The driver's number reads left to right inside the Arabic page (not "4445566 0170").
    assert rides.first.locator("a[href^='tel:']").get_attribute("dir") == "ltr"
    shot(page, f"6-her-page-{'fixed' if town else 'course'}-360")
    no_sideways_scroll(page)
    rider_context.close()

    messages = site.outbox_to(RIDER_E164)
    assert messages, "she was sent messages"
    assert all(m.locale == "ar" for m in messages)
    assert all(ARABIC.search(m.body) for m in messages)
    bodies = "\n".join(m.body for m in messages)
    assert link.rsplit("/", 1)[-1] in bodies, "her personal link came by SMS"
    assert "Werner" in bodies and pickup.group(0) in bodies, bodies


def test_a_declined_newcomer_reads_the_reason_in_arabic(district, browser) -> None:  # type: ignore[no-untyped-def]
    site = district
    link = rider_registers_in_arabic(browser, site, town=None)
    context, office = office_logs_in(browser)
    log_in_to_office(office, site)
    office_decides(office, "decline")
    context.close()

    rider_context, page = her_page(browser, link)
    decision = page.locator(".decision-declined")
    assert decision.count() == 1
    text = decision.inner_text()
    assert ARABIC.search(text)
    assert "Dienstags fährt bei uns noch niemand." in text  # the office's own words, as written
    shot(page, "6-her-page-declined-360")
    rider_context.close()

    messages = site.outbox_to(RIDER_E164)
    declined = [m for m in messages if "Dienstags" in m.body]
    assert len(declined) == 1 and declined[0].locale == "ar" and ARABIC.search(declined[0].body)


HOSTILE = 'Weg <img src="/static/pwned.png" onerror="window.pwned=1">'
"""A street as an attacker would type it: as HTML it would fetch a URL and run a handler."""


def test_a_hostile_street_stays_text_on_every_map(district, browser) -> None:  # type: ignore[no-untyped-def]
    site = district
    fetched: list[str] = []
    # He lives in another village, so her stops are not hidden under his start on the map.
    volunteer_registers_and_is_approved(browser, site, village="Lüchow (Wendland)")
    rider_registers_in_arabic(browser, site, town=None, street=HOSTILE)
    context, office = office_logs_in(browser)
    office.on("request", lambda r: fetched.append(r.url) if "pwned" in r.url else None)
    log_in_to_office(office, site)
    office_approves_the_driver(office)
    office_decides(office, "accept")
    office_plans_approves_and_publishes(office, site)
    office.click("text=Back to the plan")
    office.wait_for_selector("#plan-map path.leaflet-interactive", state="attached")
    tooltip = office.locator(".leaflet-tooltip", has_text="<img")
    for stop in office.locator("#plan-map path.leaflet-interactive").all():
        stop.hover(force=True)
        if tooltip.count():
            break
    assert tooltip.count() == 1, "the rider's street shows in a tooltip on the plan map"
    assert office.locator("#plan-map img:not(.leaflet-tile)").count() == 0
    assert office.evaluate("window.pwned === undefined")
    context.close()

    context, page = driver_logs_in(browser, site)
    page.on("request", lambda r: fetched.append(r.url) if "pwned" in r.url else None)
    markers = page.locator(".route-map .leaflet-marker-icon")
    assert markers.count() > 0
    popup = page.locator(".leaflet-popup-content", has_text="<img")
    for marker in markers.all():
        marker.click(force=True)
        if popup.count():
            break
    assert popup.count() == 1, "the rider's street shows in the stop's popup on the driver's map"
    assert popup.locator("img").count() == 0
    assert page.evaluate("window.pwned === undefined")
    shot(page, "7-hostile-street-driver-360")
    context.close()
    assert fetched == [], f"text typed by a rider made a browser fetch {fetched}"
