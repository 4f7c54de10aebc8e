"""A rider gets her personal link back, in a real browser: on her own, and from the office.

Amal registers in Arabic on her phone (the public form, as in the journey test),
loses the link, finds "send me my link again" on the start page and types her
number in another spelling: the answer is the one page everybody gets, the SMS
with a new link (in Arabic, read from the outbox) opens her page, and the old
link now shows "This link does not work" in Arabic. Then she calls the office:
the coordinator sends the same link again and prints her a slip with the QR
code, in Arabic, right to left. Screenshots at 1280 and 360 px (and the slip as
printed) land in test-artifacts/ (and /work/shots when present).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine

from matcher import migrate
from matcher.db import make_engine
from matcher.db import make_session_factory
from matcher.db import session_scope
from matcher.demo import load_gazetteer
from matcher.people.coordinators import create_coordinator
from tests.web.coordinators.test_browser import ARTIFACTS
from tests.web.coordinators.test_browser import CHROMIUM
from tests.web.coordinators.test_browser import DEMO_NOW
from tests.web.coordinators.test_browser import LiveServer
from tests.web.test_journey_browser import ADMIN_EMAIL
from tests.web.test_journey_browser import ADMIN_PASSWORD
from tests.web.test_journey_browser import ARABIC
from tests.web.test_journey_browser import DESK
from tests.web.test_journey_browser import PHONE
from tests.web.test_journey_browser import RIDER_E164
from tests.web.test_journey_browser import Site
from tests.web.test_journey_browser import log_in_to_office
from tests.web.test_journey_browser import rider_registers_in_arabic
from web import create_app

SHOTS = Path("/work/shots")
BASE_URL = "http://mitfahrnetz.example"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed"),
]


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
                "SECRET_KEY": "links-test",
                "RATELIMIT_ENABLED": False,
                "BASE_URL": BASE_URL,
            },
            instance_path=str(tmp_path / "instance"),
        )
        with LiveServer(app) as server:
            yield Site(server, server.url, url)


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"links-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if SHOTS.is_dir():
        shutil.copy(path, SHOTS / path.name)


def no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{page.url} scrolls sideways ({width} px > {viewport} px)"


def local(site: Site, link: str) -> str:
    """A link from a message (on ``BASE_URL``) on the test server."""
    return link.replace(BASE_URL, site.url)


def links_in_sms(site: Site) -> list[str]:
    return [
        m.group(0)
        for message in site.outbox_to(RIDER_E164)
        for m in [re.search(rf"{re.escape(BASE_URL)}/me/\S+", message.body)]
        if m
    ]


def test_the_rider_asks_for_her_link_again_on_her_phone(district: Site, browser) -> None:  # type: ignore[no-untyped-def]
    old_link = rider_registers_in_arabic(browser, district, town=None)
    context = browser.new_context(viewport=PHONE, locale="ar", is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{district.url}/?lang=ar")
    page.locator("a[href='/my-link']").click()
    page.wait_for_url("**/my-link")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert ARABIC.search(page.locator("h1").inner_text())
    shot(page, "1-request-ar-360")
    no_sideways_scroll(page)

    # Someone else's number first: the same answer, and nothing is sent.
    page.fill("input[name=contact]", "0160 99988877")
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/my-link/sent")
    unknown_answer = page.locator("main").inner_text()
    sent_before = len(links_in_sms(district))

    page.goto(f"{district.url}/my-link")
    page.fill("input[name=contact]", "+49 (151) 555 123 45")  # her number, spelt differently
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/my-link/sent")
    assert page.locator("main").inner_text() == unknown_answer
    shot(page, "2-sent-ar-360")
    no_sideways_scroll(page)

    new_links = links_in_sms(district)[sent_before:]
    assert len(new_links) == 1, "one SMS with a new link, to her number only"
    (sms,) = [m for m in district.outbox_to(RIDER_E164) if new_links[0] in m.body]
    assert sms.locale == "ar" and ARABIC.search(sms.body)

    page.goto(old_link)
    assert ARABIC.search(page.locator("h1").inner_text())  # "This link does not work", in Arabic
    assert page.locator("a[href='/my-link']").count() == 1
    shot(page, "3-old-link-ar-360")
    no_sideways_scroll(page)

    page.goto(local(district, new_links[0]))
    assert page.locator(".personal-link").count() == 1, "the new link opens her page"

    page.set_viewport_size(DESK)
    page.goto(f"{district.url}/my-link?lang=en")
    page.fill("input[name=contact]", "12")
    page.locator("form button[type=submit]").click()
    assert "This is not a phone number we can call" in page.locator(".field-error").inner_text()
    shot(page, "4-request-error-en-1280")
    no_sideways_scroll(page)
    context.close()


def test_the_office_sends_the_link_again_and_prints_a_slip(district: Site, browser) -> None:  # type: ignore[no-untyped-def]
    link = rider_registers_in_arabic(browser, district, town=None)
    context = browser.new_context(viewport=DESK, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in_to_office(page, district)
    page.click("nav.coordinator-nav a[href='/coordinator/riders']")
    page.locator(".rider-list a", has_text="Amal").first.click()
    box = page.locator("section.link-box")
    assert "SMS to 01515 5512345" in box.inner_text()  # her number as the office reads it
    box.get_by_role("button", name="Send the link again").click()
    page.wait_for_selector("text=The link is sent again by SMS. It is the same link as before.")
    assert links_in_sms(district)[-1] == link.replace(district.url, BASE_URL)
    page.locator("section.link-box").scroll_into_view_if_needed()
    shot(page, "5-rider-page-1280")
    page.set_viewport_size(PHONE)
    shot(page, "5-rider-page-360")
    no_sideways_scroll(page)
    page.set_viewport_size(DESK)

    page.locator("section.link-box").get_by_role("link", name="Print a slip with QR code").click()
    slip = page.locator("article.link-slip")
    assert slip.get_attribute("dir") == "rtl" and slip.get_attribute("lang") == "ar"
    assert ARABIC.search(slip.locator("h2").inner_text())
    printed = link.replace(district.url, BASE_URL)
    assert slip.locator(".slip-link").inner_text() == printed
    qr = slip.locator("svg.qr-code")
    assert qr.is_visible() and qr.bounding_box()["width"] >= 150  # type: ignore[index]
    from web.qr_codes import qr_svg  # the same code as the page's: it encodes her link

    path = re.search(r' d="([^"]+)"', str(qr_svg(printed, "x")))
    assert path and qr.locator("path").get_attribute("d") == path.group(1)
    shot(page, "6-slip-1280")
    page.set_viewport_size(PHONE)
    shot(page, "6-slip-360")
    no_sideways_scroll(page)
    page.set_viewport_size(DESK)
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.get_by_role("button", name="Print").is_visible()
    assert qr.is_visible()
    shot(page, "7-slip-printed")
    context.close()
