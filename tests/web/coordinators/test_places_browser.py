"""The office's Places pages in a real browser on the demo district (1280 and 360 px).

A coordinator opens the list, filters it, adds a daycare with its opening hours by
clicking its spot on the offline map (the villages drawn as dots), then changes it:
a new name, Saturday hours and a point moved on the map. Screenshots land in
test-artifacts/ (and /work/shots when present); no page scrolls sideways on a phone.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.web.coordinators.test_browser import CHROMIUM
from tests.web.coordinators.test_office_browser import log_in
from tests.web.coordinators.test_office_browser import no_sideways_scroll
from tests.web.coordinators.test_office_browser import office_site as office_site  # noqa: F401
from tests.web.coordinators.test_office_browser import shot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed"),
]
DESK = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 780}


def both_widths(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Screenshots at 1280 and 360 px; the phone width must not scroll sideways."""
    page.set_viewport_size(DESK)
    shot(page, f"places-{name}-1280")
    page.set_viewport_size(PHONE)
    shot(page, f"places-{name}-360")
    no_sideways_scroll(page)
    page.set_viewport_size(DESK)


def click_map(page, x: float, y: float) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Click the pick map at a fraction of its size; the point the form then holds."""
    pick = page.locator(".pick-map")
    pick.wait_for(state="visible")
    pick.scroll_into_view_if_needed()
    box = pick.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * x, box["y"] + box["height"] * y)
    lat, lon = page.input_value("input[name=lat]"), page.input_value("input[name=lon]")
    assert lat and lon, "the click on the map fills the coordinates"
    assert 52.0 < float(lat) < 54.0 and 10.0 < float(lon) < 12.5  # in the district
    return float(lat), float(lon)


def click_village(page, name: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Click the dot of village ``name`` (its label is drawn to the dot's right)."""
    label = page.locator(".village-label", has_text=name).first
    box = label.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] - 8, box["y"] + box["height"] / 2)
    lat, lon = page.input_value("input[name=lat]"), page.input_value("input[name=lon]")
    assert lat and lon, "the click on the map fills the coordinates"
    return float(lat), float(lon)


def set_hours(page, row: int, days: list[int], opens: str, closes: str) -> None:  # type: ignore[no-untyped-def]
    for day in days:
        page.check(f"input[name='hours-{row}-weekdays'][value='{day}']")
    page.fill(f"input[name='hours-{row}-opens']", opens)
    page.fill(f"input[name='hours-{row}-closes']", closes)


def test_the_office_lists_adds_and_edits_a_daycare(office_site, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    context = browser.new_context(viewport=DESK, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, office_site, "coordinator")

    # The list: every kind of place, searchable.
    page.click("nav.coordinator-nav a[href='/coordinator/places']")
    assert page.locator("h1").inner_text().startswith("Places")
    assert page.locator("table.place-list tbody tr").count() == 25
    both_widths(page, "1-list")
    page.select_option("select[name=kind]", "daycare")
    page.click("form.place-search button[type=submit]")
    kinds = page.locator("table.place-list tbody td[data-label='Kind of place']").all_inner_texts()
    assert kinds and set(kinds) == {"Daycare"}

    # Add a daycare: its spot clicked on the offline map, open Monday to Friday.
    page.get_by_role("link", name="Add a place").click()
    page.wait_for_url("**/coordinator/places/new**")
    assert page.locator(".village-label").count() > 10, "the offline map shows the villages"
    page.select_option("select[name=kind]", "daycare")
    page.fill("input[name=name]", "Kita Regenbogen")
    page.fill("input[name=street]", "Schulstraße 4")
    page.fill("input[name=postcode]", "29439")
    page.fill("input[name=municipality]", "Lüchow (Wendland)")
    page.locator(".pick-map").scroll_into_view_if_needed()
    first = click_village(page, "Lüchow (Wendland)")
    assert abs(first[0] - 52.967) < 0.03 and abs(first[1] - 11.154) < 0.05, first  # in Lüchow
    set_hours(page, 0, [0, 1, 2, 3, 4], "07:00", "16:30")
    both_widths(page, "2-new")
    page.get_by_role("button", name="Add the place").click()
    page.wait_for_url(re.compile(r".*/coordinator/places/\d+$"))
    assert page.locator(".flash-success", has_text="Saved.").count() == 1
    facts = page.locator("section.place-facts")
    assert "Kita Regenbogen" in page.locator("h1").inner_text()
    assert "Schulstraße 4" in facts.inner_text() and "29439 Lüchow (Wendland)" in facts.inner_text()
    assert f"{first[0]:.5f}, {first[1]:.5f}" in facts.inner_text()
    hours = facts.locator(".hours-summary li").all_inner_texts()
    assert len(hours) == 5 and all(h.endswith("07:00–16:30") for h in hours)

    # Change it: a new name, Saturday mornings too, and the point moved on the map.
    page.fill("input[name=name]", "Kita Regenbogen Lüchow")
    set_hours(page, 1, [5], "08:00", "12:00")
    second = click_map(page, 0.3, 0.6)
    assert second != first
    page.get_by_role("button", name="Save the place").click()
    page.wait_for_selector(".flash-success")
    facts = page.locator("section.place-facts")
    assert "Kita Regenbogen Lüchow" in page.locator("h1").inner_text()
    assert f"{second[0]:.5f}, {second[1]:.5f}" in facts.inner_text()
    hours = facts.locator(".hours-summary li").all_inner_texts()
    assert len(hours) == 6 and hours[-1].endswith("08:00–12:00")
    both_widths(page, "3-place")

    # Found again in the list, exact on the map.
    page.goto(f"{office_site.server.url}/coordinator/places?q=Regenbogen")
    row = page.locator("table.place-list tbody tr", has_text="Kita Regenbogen Lüchow")
    assert row.count() == 1 and "exact" in row.inner_text()
    context.close()
