"""The intake queue in a real browser on the demo district: screenshots (1280, 360 px), accept."""

from __future__ import annotations

import pytest

from tests.web.coordinators.test_browser import ARTIFACTS
from tests.web.coordinators.test_browser import CHROMIUM
from tests.web.coordinators.test_browser import demo_site as demo_site  # noqa: F401 - fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not __import__("pathlib").Path(CHROMIUM).exists(), reason="Chromium is not installed"
    ),
]


def test_intake_queue_accept_in_the_browser(demo_site, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    server, email, password, _ = demo_site
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{server.url}/coordinator/?lang=en")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/coordinator/")
    waiting = int(
        page.locator("nav.coordinator-nav a[href='/coordinator/intake'] .badge").inner_text()
    )
    assert waiting > 0
    page.click("nav.coordinator-nav a[href='/coordinator/intake']")
    assert page.locator("h1").inner_text() == "Waiting for a decision"
    assert page.locator(".intake-new_need").count() == waiting
    page.screenshot(path=str(ARTIFACTS / "intake-1280.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 780})
    page.screenshot(path=str(ARTIFACTS / "intake-360.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the queue scrolls sideways on a phone ({width} px)"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator(".intake-new_need").first.get_by_role("button", name="Accept").click()
    page.wait_for_selector("text=The ride request is accepted; the rider is told.")
    assert page.locator(".intake-new_need").count() == waiting - 1
    context.close()
