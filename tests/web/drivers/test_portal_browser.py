"""A driver's day in a real browser on a 360x740 phone, map tiles included.

A werkzeug server thread serves the app on a migrated temporary SQLite database
with a published plan for today; a second tiny server on loopback plays the
tile server (no internet in tests), so the map shows that tiles really load
under the Content-Security-Policy. The driver logs in with the password form,
sees today's route and confirms it. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
import struct
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from matcher import migrate
from matcher.clock import local_day
from matcher.clock import local_instant
from matcher.clock import utcnow
from matcher.db import make_engine
from matcher.db import make_session_factory
from matcher.db import session_scope
from matcher.models import PlaceKind
from matcher.models import Route
from matcher.models import RouteStatus
from tests.factories import DEFAULT_PASSWORD
from tests.factories import make_driver
from tests.factories import make_place
from tests.factories import make_published_route
from tests.factories import make_rider
from tests.factories import make_trip
from tests.factories import password_hash
from web import create_app

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
PHONE = {"width": 360, "height": 740}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed"),
]


def tile_png() -> bytes:
    """A 256x256 light map-coloured tile with a faint grid, as PNG bytes."""
    rows = []
    for y in range(256):
        row = bytearray([0])
        for x in range(256):
            grid = x % 64 == 0 or y % 64 == 0
            row += bytes((200, 215, 200) if grid else (236, 240, 228))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 256, 256, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


@pytest.fixture()
def tiles() -> Iterator[str]:
    """A loopback tile server; returns its URL template."""
    png = tile_png()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(png)))
            self.end_headers()
            self.wfile.write(png)

        def log_message(self, *_args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/{{z}}/{{x}}/{{y}}.png"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def seed(session, today: dt.date) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    """A driver with a published route today (two riders) and one in three days."""

    def place(name: str, street: str, lat: float, lon: float, **kw: object):  # type: ignore[no-untyped-def]
        return make_place(
            session,
            name=name,
            street=street,
            postcode="29439",
            municipality="Lüchow (Wendland)",
            lat=lat,
            lon=lon,
            **kw,
        )

    home = place(
        "Heikes Zuhause", "Drawehnertorstraße 12", 52.9672, 11.1540, kind=PlaceKind.ADDRESS
    )
    driver = make_driver(
        session,
        first_name="Heike",
        email="heike@example.org",
        password_hash=password_hash(),
        home_place=home,
    )
    amal_home = place("Clenze", "Lange Straße 5", 52.9371, 10.9567)
    dawit_home = place("Bergen (Dumme)", "Am Markt 2", 52.8923, 10.9590)
    work = place(
        "Pflegezentrum am Drawehn",
        "Salzwedeler Straße 40",
        52.9712,
        11.1725,
        kind=PlaceKind.EMPLOYER,
    )
    course = place(
        "KVHS Lüchow", "Theodor-Körner-Straße 14", 52.9640, 11.1490, kind=PlaceKind.COURSE_SITE
    )
    amal = make_rider(session, first_name="Amal", phone="+4915123456789")
    dawit = make_rider(session, first_name="Dawit", phone="+4917612345678")
    trips = [
        make_trip(
            session,
            day=today,
            rider=amal,
            origin=amal_home,
            destination=work,
            seats_needed=2,
            child_seats=1,
            note="Kind (4) fährt bis zur Kita mit",
            earliest_pickup=local_instant(today, dt.time(5, 30)),
            latest_dropoff=local_instant(today, dt.time(8, 0)),
        ),
        make_trip(
            session,
            day=today,
            rider=dawit,
            origin=dawit_home,
            destination=course,
            earliest_pickup=local_instant(today, dt.time(5, 30)),
            latest_dropoff=local_instant(today, dt.time(8, 30)),
        ),
    ]
    route = make_published_route(session, day=today, driver=driver, trips=trips)
    make_published_route(session, day=today + dt.timedelta(days=3), driver=driver, riders=1)
    return driver.email, route.id


@pytest.fixture()
def site(tmp_path: Path, tiles: str) -> Iterator[tuple[str, object, str, int]]:
    """(base URL, session factory, driver e-mail, today's route id) of a live server."""
    url = f"sqlite:///{tmp_path / 'portal.sqlite'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    today = local_day(utcnow())
    with session_scope(factory) as session:
        email, route_id = seed(session, today)
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "browser-test",
            "RATELIMIT_ENABLED": False,
            "TILE_URL": tiles,
            "TILE_ATTRIBUTION": "test tiles",
        },
        instance_path=str(tmp_path / "instance"),
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", factory, email, route_id
    finally:
        server.shutdown()
        thread.join(5)
        engine.dispose()


def test_driver_sees_and_confirms_the_day_on_a_phone(site, browser) -> None:  # type: ignore[no-untyped-def]
    base, factory, email, route_id = site
    page = browser.new_page(viewport=PHONE, locale="en-GB")
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and "Failed to load resource" not in m.text
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )

    page.goto(f"{base}/driver/?lang=en")
    page.wait_for_url("**/driver/login**")
    page.fill("#pw-email", email)
    page.fill("#pw-password", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/driver/")

    today = page.locator("section.day").first
    assert today.get_by_text("Today").is_visible()
    assert today.locator("li.stop").count() == 6
    assert today.locator('a[href="tel:+4915123456789"]').is_visible()
    assert today.get_by_text("1 child seat").is_visible()
    assert today.locator('a[href^="geo:"]').count() == 6
    # The map draws the six numbered stops on tiles that really loaded.
    page.wait_for_function(
        "document.querySelectorAll('.leaflet-tile-loaded').length > 0", timeout=10_000
    )
    assert today.locator(".stop-marker").count() == 5  # start and end share one marker
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the phone"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "driver-day-360.png"))
    page.screenshot(path=str(ARTIFACTS / "driver-week-360-full.png"), full_page=True)
    today.locator(".route-map").screenshot(path=str(ARTIFACTS / "driver-day-map-360.png"))
    today.locator("li.stop").nth(1).screenshot(path=str(ARTIFACTS / "driver-day-pickup-360.png"))

    today.get_by_role("button", name="I will drive this route").click()
    page.wait_for_url(f"{base}/driver/#day-*")
    assert page.locator("section.day").first.get_by_text("Confirmed").first.is_visible()
    with factory() as session:
        assert session.get(Route, route_id).status == RouteStatus.CONFIRMED
    page.locator("section.day").first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "driver-day-confirmed-360.png"))

    # Right to left (Arabic): still one column, nothing wider than the phone.
    page.goto(f"{base}/driver/?lang=ar")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"RTL page is {overflow}px wider than the phone"
    page.screenshot(path=str(ARTIFACTS / "driver-day-360-ar.png"))
    assert problems == []
