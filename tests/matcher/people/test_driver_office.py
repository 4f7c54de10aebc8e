"""The office and a driver: vetting decisions, suspension out of planning, edits on their behalf,
this month's figures, and the driver search."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
import time_machine
from babel.support import Translations

from matcher.demand.shifts import driver_shifts
from matcher.errors import Conflict
from matcher.errors import InvalidTransition
from matcher.errors import NotFound
from matcher.errors import ValidationError
from matcher.models import AuditEntry
from matcher.models import DriverVetting
from matcher.models import OutboxMessage
from matcher.models import PlanStatus
from matcher.models import RouteStatus
from matcher.people import driver_office
from matcher.people.drivers import ExceptionInput
from matcher.people.drivers import WindowInput
from matcher.queries.driver_list import DriverFilter
from matcher.queries.driver_list import list_drivers
from matcher.queries.driver_page import month_figures
from matcher.queries.driver_page import next_routes
from matcher.queries.driver_page import routes_needing_attention
from matcher.settings import Settings
from tests.factories import make_coordinator
from tests.factories import make_driver
from tests.factories import make_place
from tests.factories import make_plan
from tests.factories import make_published_route
from tests.factories import make_route
from tests.factories import make_trip
from tests.factories import make_window
from web.config import DefaultConfig

SETTINGS = Settings(translations_dir=DefaultConfig.TRANSLATIONS_DIR, base_url="https://mfn.example")
TODAY = dt.date(2026, 6, 10)  # a Wednesday
NOW = dt.datetime(2026, 6, 10, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture()
def office(session):  # type: ignore[no-untyped-def]
    return make_coordinator(session)


def decide(session, driver, action, office, **kw):  # type: ignore[no-untyped-def]
    return driver_office.decide(
        session, driver.id, driver.row_version, action, office.id, SETTINGS, **kw
    )


def mails(session) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    return list(session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def test_approving_a_new_driver_tells_them_in_their_language(session, office) -> None:  # type: ignore[no-untyped-def]
    driver = make_driver(session, vetted=False, locale="fa")
    assert not driver.plannable
    decide(session, driver, "approve", office)
    assert driver.vetting_status == DriverVetting.APPROVED and driver.plannable
    assert driver.vetted_at == NOW and driver.vetted_by_id == office.id
    (mail,) = mails(session)
    farsi = Translations.load(DefaultConfig.TRANSLATIONS_DIR, ["fa"], domain="messages")
    assert mail.recipient == driver.email and mail.locale == "fa"
    assert mail.subject == farsi.gettext("Welcome as a Mitfahrnetz driver") != mail.subject.upper()
    assert "Welcome" not in mail.subject
    entry = session.scalars(sa.select(AuditEntry)).one()
    assert (entry.action, entry.entity_id, entry.actor_id) == (
        "driver.approve",
        driver.id,
        office.id,
    )


def test_rejecting_needs_a_reason_from_the_list(session, office) -> None:  # type: ignore[no-untyped-def]
    driver = make_driver(session, vetted=False, locale="de")
    with pytest.raises(ValidationError):
        decide(session, driver, "reject", office)
    with pytest.raises(ValidationError):  # a suspension reason, not a rejection reason
        decide(session, driver, "reject", office, reason="complaint")
    with pytest.raises(ValidationError):  # "other" needs words
        decide(session, driver, "reject", office, reason="other", note="  ")
    decide(session, driver, "reject", office, reason="no_licence", note="Bitte melden Sie sich.")
    assert driver.vetting_status == DriverVetting.REJECTED and not driver.plannable
    assert driver.vetting_reason == "no_licence" and driver.vetting_note == "Bitte melden Sie sich."
    (mail,) = mails(session)
    assert "Führerschein" in mail.body and "Bitte melden Sie sich." in mail.body
    entry = session.scalars(sa.select(AuditEntry)).one()
    assert entry.details["reason"] == "no_licence"


def test_a_stale_page_and_a_wrong_state_are_refused(session, office) -> None:  # type: ignore[no-untyped-def]
    driver = make_driver(session, vetted=False)
    seen = driver.row_version
    decide(session, driver, "approve", office)
    with pytest.raises(Conflict):  # a second coordinator on the old page
        driver_office.decide(
            session, driver.id, seen, "reject", office.id, SETTINGS, reason="no_licence"
        )
    with pytest.raises(InvalidTransition):
        decide(session, driver, "approve", office)
    with pytest.raises(InvalidTransition):
        decide(session, driver, "reinstate", office)
    with pytest.raises(ValidationError):
        decide(session, driver, "promote", office)
    with pytest.raises(NotFound):
        driver_office.decide(session, 10**9, 1, "approve", office.id, SETTINGS)
    assert driver.vetting_status == DriverVetting.APPROVED


def test_suspension_leaves_the_driver_out_of_planning_and_flags_published_routes(  # type: ignore[no-untyped-def]
    session, office
) -> None:
    driver = make_driver(session)
    make_window(session, driver, weekday=TODAY.weekday() + 1)  # Thursday
    thursday = TODAY + dt.timedelta(days=1)
    assert [s.driver_id for s in driver_shifts(session, thursday, SETTINGS)] == [driver.id]
    coming = make_published_route(session, day=thursday, driver=driver)
    past = make_published_route(session, day=TODAY - dt.timedelta(days=2), driver=driver)
    draft = make_plan(session, day=thursday, version=2)
    make_route(session, draft, [make_trip(session, day=thursday)], driver=driver)

    decide(session, driver, "suspend", office, reason="complaint")
    assert driver.vetting_status == DriverVetting.SUSPENDED
    assert driver_shifts(session, thursday, SETTINGS) == []
    assert routes_needing_attention(session, TODAY) == [coming]
    assert coming.plan.needs_attention and not past.plan.needs_attention
    entry = session.scalars(sa.select(AuditEntry)).one()
    assert entry.details["published_routes_flagged"] == 1
    assert mails(session)[0].subject == "Ihre Fahrten für Mitfahrnetz sind pausiert"

    decide(session, driver, "reinstate", office)
    assert driver.plannable
    assert [s.driver_id for s in driver_shifts(session, thursday, SETTINGS)] == [driver.id]
    assert routes_needing_attention(session, TODAY) == []


def test_month_figures_count_published_routes_not_declined_ones(session) -> None:  # type: ignore[no-untyped-def]
    driver = make_driver(session)
    first = make_published_route(session, day=dt.date(2026, 6, 2), driver=driver, riders=2)
    second = make_published_route(session, day=dt.date(2026, 6, 9), driver=driver, riders=1)
    declined = make_published_route(session, day=dt.date(2026, 6, 5), driver=driver)
    declined.status = RouteStatus.DECLINED
    declined.responded_at = NOW
    make_published_route(session, day=dt.date(2026, 5, 29), driver=driver)  # last month
    make_published_route(session, day=dt.date(2026, 6, 12), driver=driver)  # not driven yet
    superseded = make_published_route(session, day=dt.date(2026, 6, 3), driver=driver)
    superseded.plan.status = PlanStatus.SUPERSEDED
    session.flush()
    figures = month_figures(session, driver.id, TODAY)
    assert figures.routes == 2 and figures.rides == 3
    assert figures.drive_seconds == first.drive_seconds + second.drive_seconds  # type: ignore[operator]
    assert figures.kilometres == (first.distance_m + second.distance_m) / 1000  # type: ignore[operator]
    assert [line.day for line in next_routes(session, driver.id, TODAY)] == [dt.date(2026, 6, 12)]


def test_availability_on_the_drivers_behalf_uses_the_row_version(session, office) -> None:  # type: ignore[no-untyped-def]
    driver = make_driver(session)
    make_window(session, driver)
    seen = driver.row_version
    windows = [WindowInput(frozenset({0, 2}), dt.time(5), dt.time(9))]
    driver_office.set_availability(session, driver.id, seen, windows, 180, office.id)
    assert sorted(w.weekday for w in driver.windows) == [0, 2]
    assert driver.max_driving_minutes_per_day == 180 and driver.row_version == seen + 1
    with pytest.raises(Conflict):
        driver_office.set_availability(session, driver.id, seen, windows, None, office.id)
    with pytest.raises(ValidationError):  # the portal's rule: the end after the start
        driver_office.set_availability(
            session,
            driver.id,
            driver.row_version,
            [WindowInput(frozenset({1}), dt.time(9), dt.time(5))],
            None,
            office.id,
        )
    away = ExceptionInput(dt.date(2026, 7, 1), dt.date(2026, 7, 14), note="Urlaub")
    row = driver_office.add_exception(session, driver.id, driver.row_version, away, office.id)
    driver_office.remove_exception(session, driver.id, driver.row_version, row.id, office.id)
    session.refresh(driver)
    assert driver.exceptions == []
    actions = list(session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["driver.availability", "driver.exception_add", "driver.exception_remove"]


def test_the_driver_search(session) -> None:  # type: ignore[no-untyped-def]
    clenze = make_place(session, municipality="Clenze")
    jens = make_driver(session, first_name="Jens", last_name="Albers", phone="+4915112345678")
    maren = make_driver(session, first_name="Maren", last_name="Böhm", home_place=clenze)
    new = make_driver(session, first_name="Neu", last_name="Ling", vetted=False)

    def ids(**kw) -> list[int]:  # type: ignore[no-untyped-def]
        return [row.id for row in list_drivers(session, DriverFilter(**kw)).rows]

    assert ids(text="jens alb") == [jens.id]
    assert ids(text="0151 1234") == [jens.id]
    assert ids(municipality="clen") == [maren.id]
    assert ids(vetting=DriverVetting.PENDING) == [new.id]
    for n in range(30):
        make_driver(session, first_name=f"Zz{n:02d}")
    last = list_drivers(session, DriverFilter(text="zz"), page=99)
    assert (last.page, last.pages, last.total, len(last.rows)) == (2, 2, 30, 5)
