"""SQL statements per page: the dashboard, the day page and the rider's page do not grow with data.

Each test builds a small district, counts the statements of one request (after a
warm-up request, so one-off work such as the start-up check of planner runs is
not counted), then adds more of everything (needs of every schedule kind with
pauses and rotation weeks, drivers to vet, riders to check, trips on published
routes of more drivers, more rides of the rider) and counts again. The counts are
read with a SQLAlchemy ``before_cursor_execute`` hook on the test's engine. The
ceilings pin today's figures: a page that needs one more query says so here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from matcher.clock import BERLIN
from matcher.models import DayPlan
from matcher.models import NeedDate
from matcher.models import NeedPause
from matcher.models import NeedPurpose
from matcher.models import NeedRotationWeek
from matcher.models import Rider
from matcher.models import ScheduleKind
from matcher.security import hash_token
from tests.factories import make_coordinator
from tests.factories import make_driver
from tests.factories import make_need
from tests.factories import make_published_route
from tests.factories import make_rider
from tests.factories import make_trip

DAY = dt.date(2026, 6, 2)
"""A Tuesday: the day planned and published; the dashboard's first day."""
ON_DAY = dt.datetime(2026, 6, 2, 7, 0, tzinfo=BERLIN)
RIDER_TOKEN = "query-count-rider-token"


class StatementCounter:
    """Counts the SQL statements sent on an engine while it is listening.

    The savepoints that let the app's sessions join the test's transaction are
    not counted: the service does not send them.
    """

    def __init__(self) -> None:
        self.sent: list[str] = []

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            self.sent.append(statement)

    @property
    def count(self) -> int:
        return len(self.sent)


@pytest.fixture()
def statements(engine: Engine) -> Iterator[StatementCounter]:
    counter = StatementCounter()
    sa.event.listen(engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        sa.event.remove(engine, "before_cursor_execute", counter)


@pytest.fixture()
def on_day(time_machine):  # type: ignore[no-untyped-def]
    time_machine.move_to(ON_DAY)


def log_in(client, kind: str, account_id: int) -> None:  # type: ignore[no-untyped-def]
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = f"{kind}:{account_id}"
        flask_session["_fresh"] = True


def count(client, statements: StatementCounter, url: str) -> int:  # type: ignore[no-untyped-def]
    """Statements of one GET of ``url`` (after a warm-up GET)."""
    assert client.get(url).status_code == 200
    statements.sent.clear()
    response = client.get(url)
    assert response.status_code == 200, url
    return statements.count


def add_needs(session: Session, rider: Rider | None = None) -> None:
    """One need of each schedule kind, with a paused day, dated days and rotation weeks."""
    owner = {"rider": rider} if rider is not None else {}
    weekly = make_need(session, **owner)
    session.add(NeedPause(need_id=weekly.id, day=DAY + dt.timedelta(days=3)))
    night = make_need(  # night shift: the way back comes the next day
        session,
        purpose=NeedPurpose.SHIFT_WORK,
        arrive_by=dt.time(21, 45),
        pick_up_after=dt.time(6, 0),
        return_next_day=True,
        **owner,
    )
    session.add(NeedPause(need_id=night.id, day=DAY + dt.timedelta(days=8)))
    dates = make_need(session, schedule_kind=ScheduleKind.DATES, weekdays=0, **owner)
    for k in (2, 5, 9):
        session.add(NeedDate(need_id=dates.id, day=DAY + dt.timedelta(days=k)))
    rotating = make_need(
        session,
        schedule_kind=ScheduleKind.ROTATING,
        rotation_anchor=dt.date(2026, 6, 1),
        arrive_by=None,
        pick_up_after=None,
        **owner,
    )
    session.add(NeedRotationWeek(need_id=rotating.id, week_index=0, arrive_by=dt.time(6, 0)))
    session.add(NeedRotationWeek(need_id=rotating.id, week_index=1, off=True))
    session.flush()


def grow(session: Session, plan: DayPlan | None, drivers: int) -> DayPlan:
    """More of everything the office pages show; the day's published plan (made if None)."""
    for _ in range(drivers):
        add_needs(session)
        make_driver(session, vetted=False)
        make_rider(session, location_to_check=True)
        route = make_published_route(session, day=DAY, plan=plan, riders=3)
        plan = route.plan
    make_trip(session, day=DAY, status="unserved", unserved_reason="no_vehicle_in_time")
    make_trip(session, day=DAY + dt.timedelta(days=1))  # a later day with trips made
    assert plan is not None
    return plan


def test_dashboard_and_day_page_statements_do_not_grow_with_the_district(
    on_day, client, session: Session, statements: StatementCounter
) -> None:  # type: ignore[no-untyped-def]
    log_in(client, "coordinator", make_coordinator(session).id)
    plan = grow(session, None, drivers=1)
    small = {
        "dashboard": count(client, statements, "/coordinator/"),
        "day": count(client, statements, f"/coordinator/days/{DAY}"),
    }
    grow(session, plan, drivers=6)
    large = {
        "dashboard": count(client, statements, "/coordinator/"),
        "day": count(client, statements, f"/coordinator/days/{DAY}"),
    }
    assert large == small, (small, large)
    assert small["dashboard"] <= 14, small
    assert small["day"] <= 14


def rider_ride(session: Session, rider: Rider, day: dt.date) -> None:
    """A ride of ``rider`` on ``day`` on a published route of a driver of its own."""
    make_published_route(session, day=day, trips=[make_trip(session, rider=rider, day=day)])


def test_rider_page_statements_do_not_grow_with_the_riders_rides_and_needs(
    on_day, client, session: Session, statements: StatementCounter
) -> None:  # type: ignore[no-untyped-def]
    rider = make_rider(session, first_name="Amal", token_hash=hash_token(RIDER_TOKEN))
    add_needs(session, rider)
    rider_ride(session, rider, DAY)
    make_trip(session, rider=rider, day=DAY, status="unserved", unserved_reason="no_vehicle")
    small = count(client, statements, f"/me/{RIDER_TOKEN}")
    for k in range(1, 7):
        rider_ride(session, rider, DAY + dt.timedelta(days=k))
        add_needs(session, rider)
    page = client.get(f"/me/{RIDER_TOKEN}").text
    assert page.count('class="card ride"') == 7
    assert count(client, statements, f"/me/{RIDER_TOKEN}") == small
    assert small <= 12


def test_plan_page_statements_do_not_grow_with_trips_and_drivers(
    on_day, client, session: Session, statements: StatementCounter
) -> None:  # type: ignore[no-untyped-def]
    log_in(client, "coordinator", make_coordinator(session).id)
    plan = grow(session, None, drivers=1)
    url = f"/coordinator/plans/{plan.id}"
    small = count(client, statements, url)
    grow(session, plan, drivers=6)
    make_driver(session)  # a driver without a route: in the change panel's list
    page = client.get(url).text
    assert page.count('class="change-open"') == 7 * 3
    large = count(client, statements, url)
    assert large == small, (small, large, statements.sent)
    assert small <= 8, "\n".join(s[:300].replace("\n", " ") for s in statements.sent)
