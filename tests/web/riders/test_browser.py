"""Registering in a real browser: a rider on a 360x740 phone, a driver on a 1280x900 desktop.

A werkzeug server thread serves the app on a migrated temporary SQLite database
with the demo district loaded; Playwright drives Debian's Chromium. Screenshots
of the filled forms and of the pages after sending land in test-artifacts/.
Fields are found by their visible labels, which also checks that every label
is tied to its input (what a screen reader relies on).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.support import Translations
from werkzeug.serving import make_server

from matcher import clock
from matcher import migrate
from matcher.db import make_engine
from matcher.db import make_session_factory
from matcher.db import session_scope
from matcher.demo.loader import load_demo
from matcher.models import Driver
from matcher.models import Rider
from web import create_app

CHROMIUM = "/usr/bin/chromium"
# The forms are filled in German, the default language: labels are found by their German text.
T = Translations.load(
    str(Path(__file__).resolve().parents[3] / "web" / "translations"), ["de"]
).gettext
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
RIDER_CONSENT = "I agree that Mitfahrnetz stores and uses my information to plan my rides."
DRIVER_CONSENT = "I agree that Mitfahrnetz stores and uses my information to plan rides."
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
NEXT_MONDAY = clock.today() + dt.timedelta(days=7 - clock.today().weekday())

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed"),
]


@pytest.fixture()
def site(tmp_path: Path) -> Iterator[tuple[str, object]]:
    """(base URL, session factory) of a live server on a fresh demo district."""
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        load_demo(session)
    app = create_app(
        {"DATABASE_URL": url, "SECRET_KEY": "browser-test", "RATELIMIT_ENABLED": False},
        instance_path=str(tmp_path / "instance"),
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", factory
    finally:
        server.shutdown()
        thread.join(5)
        engine.dispose()


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def _no_horizontal_scroll(page) -> None:  # type: ignore[no-untyped-def]
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the screen"


def test_rider_registers_on_a_phone(site, browser):  # type: ignore[no-untyped-def]
    base, factory = site
    page = browser.new_page(viewport=PHONE, locale="de-DE")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{base}/register/rider?lang=de")
    _no_horizontal_scroll(page)

    # Sending it empty: the error summary comes first and links to the fields.
    page.get_by_role("button", name=T("Send")).click()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.className") == "error-summary"
    _shot(page, "rider-form-errors-360.png")

    page.get_by_label(T("First name")).fill("Amal")
    page.get_by_label(T("Phone number")).fill("0151 23456789")
    page.get_by_label(T("E-mail address (optional)")).fill("amal@example.org")
    page.get_by_label("العربية").check()
    page.get_by_label("Deutsch").check()
    page.get_by_label(T("Village or town")).select_option(label="Clenze")
    page.get_by_label(T("Street"), exact=True).fill("Lange Straße")
    page.get_by_label(T("House number"), exact=True).fill("5")
    page.get_by_label(T("Shift work")).check()
    page.get_by_label(T("Where do you need to go?")).select_option(
        label="Pflegezentrum am Drawehn (fictional)"
    )
    page.get_by_label(T("Shifts that change every week (early week / late week)")).check()
    for day in map(T, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")):
        page.get_by_label(day, exact=True).check()
    assert not page.locator("#arrive_by").is_visible()  # only the rotating part is shown
    page.fill("#rotation-0-arrive_by", "06:15")
    page.fill("#rotation-0-pick_up_after", "14:15")
    page.fill("#rotation-1-arrive_by", "13:15")
    page.fill("#rotation-1-pick_up_after", "21:15")
    # Two weeks (early week / late week) by default: the third week is hidden ...
    weeks = page.locator("fieldset.week")
    assert weeks.nth(1).is_visible() and not weeks.nth(2).is_visible()
    page.get_by_label(T("3 weeks")).check()  # ... until the rider says three
    assert weeks.nth(2).is_visible()
    page.get_by_label(T("2 weeks")).check()
    assert not weeks.nth(2).is_visible()
    page.get_by_label(T("Starting on")).fill(NEXT_MONDAY.isoformat())
    page.get_by_label(T("How many people travel, including you?")).fill("2")
    page.get_by_label(T("Children who need a child seat")).fill("1")
    page.get_by_label(T("I use a walking aid")).check()
    page.get_by_label(
        T("I agree that Mitfahrnetz stores and uses my information to plan my rides.")
    ).check()
    _no_horizontal_scroll(page)
    _shot(page, "rider-form-filled-360.png")

    page.get_by_role("button", name=T("Send")).click()
    page.wait_for_url("**/me/**")
    assert page.get_by_role("heading", name=T("You are registered.")).is_visible()
    assert page.locator("img.qr").evaluate("img => img.naturalWidth") > 0
    _no_horizontal_scroll(page)
    _shot(page, "rider-confirmation-360.png")
    assert [e for e in errors if "Failed to load resource" not in e] == []  # e.g. CSP

    with session_scope(factory) as session:
        rider = session.scalars(sa.select(Rider).where(Rider.first_name == "Amal")).one()
        assert len(rider.needs[0].rotation_weeks) == 2


def test_arabic_form_is_right_to_left(site, browser):  # type: ignore[no-untyped-def]
    base, _factory = site
    page = browser.new_page(viewport=PHONE, locale="ar")
    page.goto(f"{base}/register/rider?lang=ar")
    assert page.get_attribute("html", "dir") == "rtl"
    label = page.locator("label[for=first_name]").bounding_box()
    field = page.locator("#first_name").bounding_box()
    assert label["x"] + label["width"] > field["x"] + field["width"] - 2  # labels start right
    _no_horizontal_scroll(page)
    _shot(page, "rider-form-ar-360.png")


def test_driver_registers_on_a_desktop(site, browser):  # type: ignore[no-untyped-def]
    base, factory = site
    page = browser.new_page(viewport=DESKTOP, locale="de-DE")
    page.goto(f"{base}/register/driver?lang=de")
    page.get_by_label(T("First name")).fill("Heike")
    page.get_by_label(T("Last name")).fill("Schulz")
    page.get_by_label(T("Phone number")).fill("05841 123456")
    page.get_by_label(T("E-mail address")).fill("heike.schulz@example.org")
    page.get_by_label(T("Village or town")).select_option(label="Gartow")
    page.get_by_label(T("Street"), exact=True).fill("Hauptstraße")
    page.get_by_label(T("House number"), exact=True).fill("12")
    page.get_by_label(T("Your car (optional)")).fill("blauer VW Golf, DAN-HS 12")
    page.get_by_label(T("Free seats for passengers")).fill("3")
    rows = page.locator("fieldset.window-row")
    for row, (start, end) in zip(
        (rows.nth(0), rows.nth(1)), (("05:00", "08:30"), ("13:30", "22:30")), strict=True
    ):
        for day in map(T, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")):
            row.get_by_label(day, exact=True).check()
        row.get_by_label(T("From")).fill(start)
        row.get_by_label(T("To")).fill(end)
    page.locator("#holidays-0-first_day").fill(f"{NEXT_MONDAY.year + 1}-07-01")
    page.locator("#holidays-0-last_day").fill(f"{NEXT_MONDAY.year + 1}-07-14")
    page.get_by_label(
        T("I agree that Mitfahrnetz stores and uses my information to plan rides.")
    ).check()
    _shot(page, "driver-form-filled-1280.png")
    page.get_by_role("button", name=T("Register as a driver")).click()
    page.wait_for_url("**/driver/registered")
    assert page.get_by_role("heading", name=T("Thank you for volunteering!")).is_visible()
    _shot(page, "driver-confirmation-1280.png")
    with session_scope(factory) as session:
        driver = session.scalars(
            sa.select(Driver).where(Driver.email == "heike.schulz@example.org")
        ).one()
        assert not driver.vetted and len(driver.windows) == 10


def test_switching_language_keeps_what_was_typed(site, browser):  # type: ignore[no-untyped-def]
    base, factory = site
    page = browser.new_page(viewport=PHONE, locale="de-DE")
    page.goto(f"{base}/register/rider?lang=de")
    page.get_by_label(T("First name")).fill("Amal")
    page.get_by_label(T("Phone number")).fill("0151 23456789")
    page.get_by_label("العربية").check()
    page.get_by_label(T("Village or town")).select_option(label="Clenze")
    page.get_by_label(T("Street"), exact=True).fill("Lange Straße")
    page.get_by_label(T("Shift work")).check()
    page.get_by_label(T("Monday"), exact=True).check()
    page.get_by_label(T("Anything else the driver should know? (optional)")).fill("Bitte klingeln")
    page.locator(".language-switch summary").click()
    with page.expect_navigation():
        page.locator('.language-switch a[hreflang="ar"]').click()
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("html", "lang") == "ar"
    assert page.locator(".error-summary").count() == 0, page.locator(".error-summary").inner_text()
    assert page.input_value("#first_name") == "Amal"
    assert page.input_value("#phone") == "0151 23456789"
    assert page.locator("#home_village option:checked").inner_text() == "Clenze"
    assert page.input_value("#home_street") == "Lange Straße"
    assert page.is_checked("input[name=purpose][value=shift_work]")
    assert page.is_checked("input[name=weekdays][value='0']")
    assert page.is_checked("input[name=languages][value=ar]")
    assert page.input_value("#mobility_note") == "Bitte klingeln"
    _shot(page, "rider-form-switched-to-ar-360.png")
    with session_scope(factory) as session:
        assert session.scalars(sa.select(Rider).where(Rider.first_name == "Amal")).all() == []
    # On a page without a form the switcher is a plain link.
    page.goto(f"{base}/privacy")
    page.locator(".language-switch summary").click()
    page.locator('.language-switch a[hreflang="uk"]').click()
    page.wait_for_url("**/privacy?lang=uk")
    assert page.get_attribute("html", "lang") == "uk"
