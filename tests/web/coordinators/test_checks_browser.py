"""A flagged location fixed on the offline map, in a real browser, from a real registration.

A newcomer registers on the public form with a workplace in a town the
gazetteer does not know; the coordinator finds her in the intake queue, opens
"Fix the location", clicks the spot on the map (no tile server: the villages are
drawn as dots) and saves. Screenshots at 1280 and 360 px land in test-artifacts/.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher import clock
from tests.web.coordinators.test_browser import ARTIFACTS
from tests.web.coordinators.test_browser import CHROMIUM
from tests.web.coordinators.test_browser import demo_site as demo_site  # noqa: F401 - fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not __import__("pathlib").Path(CHROMIUM).exists(), reason="Chromium is not installed"
    ),
]


def register_with_an_unknown_workplace(browser, url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{url}/register/rider?lang=en")
    page.fill("input[name=first_name]", "Nadia")
    page.fill("input[name=phone]", "0151 55512345")
    page.select_option("select[name=home_village]", label="Clenze")
    page.fill("input[name=home_street]", "Lange Straße")
    page.fill("input[name=home_number]", "7")
    page.check("input[name=purpose][value=job]")
    page.select_option("select[name=destination_place]", value="")
    page.fill("input[name=destination_street]", "Hafenweg 3")
    page.fill("input[name=destination_town]", "Neu-Atlantis")
    page.check("input[name=schedule_kind][value=weekly]")
    for weekday in ("0", "1", "2"):
        page.check(f"input[name=weekdays][value='{weekday}']")
    page.fill("input[name=arrive_by]", "07:30")
    starting = clock.today() + dt.timedelta(days=7)
    page.fill("input[name=valid_from]", starting.isoformat())
    page.check("input[name=consent]")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/me/**")
    context.close()


def test_the_office_fixes_a_flagged_location_on_the_offline_map(demo_site, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    server, email, password, _ = demo_site
    ARTIFACTS.mkdir(exist_ok=True)
    register_with_an_unknown_workplace(browser, server.url)

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{server.url}/coordinator/?lang=en")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/coordinator/")
    page.click("nav.coordinator-nav a[href='/coordinator/intake']")
    item = page.locator("li", has_text="Nadia").filter(has_text="Location to check")
    item.get_by_role("link", name="Fix the location").click()
    assert "Check the location: Nadia" in page.locator("h1").inner_text()
    assert page.get_by_text("Hafenweg 3").count() >= 1
    # Her home lies in a known village (approximate); the workplace is not on the map at all.
    card = page.locator("section.check-place", has_text="Not on the map yet.")
    pick = card.locator(".pick-map")
    pick.wait_for(state="visible")
    assert page.locator(".village-label").count() > 10  # the offline map shows the villages
    page.screenshot(path=str(ARTIFACTS / "check-location-1280.png"), full_page=True)

    pick.scroll_into_view_if_needed()
    box = pick.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.4)
    lat = card.locator(".point-form input[name$='-lat']").input_value()
    lon = card.locator(".point-form input[name$='-lon']").input_value()
    assert lat and lon, "the click on the map fills the coordinates"
    assert 52.0 < float(lat) < 54.0 and 10.0 < float(lon) < 12.5

    page.set_viewport_size({"width": 360, "height": 780})
    page.screenshot(path=str(ARTIFACTS / "check-location-360.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width} px)"
    page.set_viewport_size({"width": 1280, "height": 900})

    card.get_by_role("button", name="Save this point").click()
    page.wait_for_selector("text=The place is saved at")
    page.wait_for_selector("text=All places of this rider are checked.")
    page.click("nav.coordinator-nav a[href='/coordinator/intake']")
    assert page.locator("li", has_text="Nadia").filter(has_text="Location to check").count() == 0
    context.close()
