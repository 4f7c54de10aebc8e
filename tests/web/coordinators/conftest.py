"""Coordination office fixtures: logged-in clients, a demo-like plan, a fake planner queue."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from matcher.models import AvailabilityWindow

ROOT = str(Path(__file__).resolve().parents[3])
if ROOT not in sys.path:  # the suite runs with --import-mode=importlib
    sys.path.insert(0, ROOT)

from tests.factories import make_coordinator  # noqa: E402
from tests.factories import make_driver  # noqa: E402
from tests.factories import make_plan  # noqa: E402
from tests.factories import make_route  # noqa: E402
from tests.factories import make_trip  # noqa: E402
from web.coordinators.queue import QUEUE_KEY  # noqa: E402

DAY = dt.date(2026, 6, 2)


class FakeQueue:
    """Records submitted runs instead of planning (the job is tested in tests/matcher)."""

    def __init__(self) -> None:
        self.submitted: list[int] = []

    def submit(self, run_id: int) -> None:
        self.submitted.append(run_id)

    def failed(self, limit: int = 20) -> list:  # type: ignore[type-arg]
        return []


@pytest.fixture()
def queue(app) -> FakeQueue:  # type: ignore[no-untyped-def]
    """The app's planner queue, replaced by a recorder."""
    fake = FakeQueue()
    app.extensions[QUEUE_KEY] = fake
    return fake


def log_in(client, kind: str, account_id: int) -> None:  # type: ignore[no-untyped-def]
    """Put an account into the client's session, as Flask-Login would after a login."""
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = f"{kind}:{account_id}"
        flask_session["_fresh"] = True


@pytest.fixture()
def coordinator(session: Session):  # type: ignore[no-untyped-def]
    return make_coordinator(session, name="Petra Koordination")


@pytest.fixture()
def coordinator_client(client, coordinator):  # type: ignore[no-untyped-def]
    """A client logged in as a coordinator, reading English pages."""
    log_in(client, "coordinator", coordinator.id)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture()
def viewer(session: Session):  # type: ignore[no-untyped-def]
    return make_coordinator(session, name="Vera Lesend", role="viewer")


@pytest.fixture()
def viewer_client(client, viewer):  # type: ignore[no-untyped-def]
    """A client logged in as a read-only viewer, reading English pages."""
    log_in(client, "coordinator", viewer.id)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture()
def admin(session: Session):  # type: ignore[no-untyped-def]
    return make_coordinator(session, name="Anna Admin", role="admin")


@pytest.fixture()
def admin_client(client, admin):  # type: ignore[no-untyped-def]
    """A client logged in as an admin, reading English pages."""
    log_in(client, "coordinator", admin.id)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture()
def driver_client(client, session: Session):  # type: ignore[no-untyped-def]
    """A client logged in as a (vetted) driver."""
    log_in(client, "driver", make_driver(session).id)
    return client


@dataclass
class DemoDay:
    """A small planned day: two drivers with rides, one idle driver, one unserved ride."""

    plan: object
    drivers: list
    trips: list
    unserved: object


@pytest.fixture()
def demo_day(session: Session) -> DemoDay:
    drivers = [
        make_driver(session, first_name="Jens", last_name="Albers", seats=3),
        make_driver(session, first_name="Maren", last_name="Böhm", seats=4),
        make_driver(session, first_name="Uwe", last_name="Claßen", seats=2),
    ]
    for driver in drivers:  # free all day, so edits have room
        session.add(
            AvailabilityWindow(
                driver=driver, weekday=DAY.weekday(), start_time=dt.time(5), end_time=dt.time(21)
            )
        )
    trips = [make_trip(session, day=DAY) for _ in range(4)]
    trips[0].rider.first_name = "Fatima"
    trips[2].rider.first_name = "Olena"
    unserved = make_trip(
        session,
        day=DAY,
        status="unserved",
        unserved_reason="no_vehicle_in_time",
        unserved_details={"from": "06:30", "to": "08:00", "place": "Dorf"},
    )
    unserved.rider.first_name = "Ahmad"
    plan = make_plan(session, day=DAY, requests_total=5, requests_served=4)
    make_route(session, plan, trips[:2], driver=drivers[0])
    make_route(session, plan, trips[2:], driver=drivers[1])
    for trip in trips:
        trip.status = "planned"
    session.flush()
    return DemoDay(plan=plan, drivers=drivers, trips=trips, unserved=unserved)
