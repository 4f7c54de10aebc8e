"""Scheduled jobs with frozen time: nightly planning, reminders, chasing drivers, retention."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import sqlalchemy as sa
import time_machine
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker

from matcher.clock import local_instant
from matcher.jobs import scheduler as jobs
from matcher.models import DayPlan
from matcher.models import Driver
from matcher.models import OutboxMessage
from matcher.models import OutboxStatus
from matcher.models import PlanningRun
from matcher.models import PlanningRunStatus
from matcher.models import Rider
from matcher.models import RouteStatus
from matcher.notifications.reminders import chase_driver_answers
from matcher.notifications.reminders import send_rider_reminders
from matcher.notifications.transports import LogSmsGateway
from matcher.notifications.transports import Transports
from matcher.people.erasure import apply_retention
from matcher.planning.runs import DATABASE_AWAY
from matcher.planning.runs import RunFailed
from matcher.settings import Settings
from tests.factories import make_coordinator
from tests.factories import make_driver
from tests.factories import make_published_route
from tests.factories import make_rider
from tests.factories import make_trip
from web.config import DefaultConfig

DAY = dt.date(2026, 6, 2)  # a Tuesday; Berlin is UTC+2
SETTINGS = Settings(
    base_url="https://mfn.example",
    driver_response_deadline="12:00",
    driver_escalation_hours=4,
    rider_reminder_time="18:00",
    retention_months=24,
)


def berlin(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return local_instant(day, dt.time(hour, minute))


def keys(session: Session) -> list[str]:
    query = sa.select(OutboxMessage.idempotency_key).order_by(OutboxMessage.id)
    return list(session.scalars(query))


# --- nightly planning ---------------------------------------------------------------------------


@pytest.fixture()
def fake_planner(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Stand-ins for trip generation and the solver run: a draft with 3 of 4 rides served."""
    calls: list[dt.date] = []

    def generate(session: Session, day: dt.date, settings: Settings) -> None:
        calls.append(day)

    def execute(factory, run_id: int, settings: Settings) -> None:  # type: ignore[no-untyped-def]
        with factory() as session:
            run = session.get(PlanningRun, run_id)
            plan = DayPlan(day=run.day, requests_total=4, requests_served=3)
            session.add(plan)
            session.flush()
            run.status, run.result_plan_id = PlanningRunStatus.SUCCEEDED, plan.id
            session.commit()

    monkeypatch.setattr(jobs.trips, "generate_trips", generate)
    monkeypatch.setattr(jobs.planner_runs, "execute_run", execute)
    return calls


def test_nightly_job_plans_tomorrow_once_and_tells_coordinators(
    session: Session, session_factory: sessionmaker[Session], fake_planner: list[dt.date]
) -> None:
    coordinator = make_coordinator(session, locale="en")
    session.commit()
    jobs.configure(SETTINGS, session_factory, Transports(LogSmsGateway(), LogSmsGateway()))
    with time_machine.travel(berlin(DAY, 2, 0), tick=False):
        jobs.nightly_planning()
        jobs.nightly_planning()  # a second run (restart, misfire) changes nothing
    tomorrow = DAY + dt.timedelta(days=1)
    assert fake_planner == [tomorrow]
    session.expire_all()
    plans = session.scalars(sa.select(DayPlan).where(DayPlan.day == tomorrow)).all()
    assert len(plans) == 1
    (message,) = session.scalars(sa.select(OutboxMessage)).all()
    assert message.recipient == coordinator.email
    assert "Draft plan for" in message.subject and "3 of 4 rides" in message.body


def test_nightly_job_reports_a_planner_that_is_not_ready(
    session: Session, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    make_coordinator(session)
    session.commit()

    def unfinished(*_args: object, **_kw: object) -> None:
        raise NotImplementedError

    monkeypatch.setattr(jobs.trips, "generate_trips", unfinished)
    outcome = jobs.plan_day(session_factory, SETTINGS, berlin(DAY, 2), DAY + dt.timedelta(days=1))
    assert outcome.plan_id is None and outcome.error
    session.expire_all()
    (message,) = session.scalars(sa.select(OutboxMessage)).all()
    assert "did not finish" in message.subject


def test_the_nightly_failure_mail_says_the_reason_in_the_coordinators_language(
    session: Session, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    make_coordinator(session, locale="de")
    session.commit()

    def away(*_args: object, **_kw: object) -> None:
        raise RunFailed(DATABASE_AWAY, detail="OperationalError: server closed the connection")

    monkeypatch.setattr(jobs.trips, "generate_trips", away)
    german = dataclasses.replace(SETTINGS, translations_dir=DefaultConfig.TRANSLATIONS_DIR)
    outcome = jobs.plan_day(session_factory, german, berlin(DAY, 2), DAY + dt.timedelta(days=1))
    assert outcome.reason == DATABASE_AWAY and "server closed" in (outcome.error or "")
    session.expire_all()
    (message,) = session.scalars(sa.select(OutboxMessage)).all()
    assert "von Hand" in message.body  # the mail around it is German too
    assert "Die Datenbank war nicht erreichbar." in message.body
    assert "server closed" not in message.body and "could not be reached" not in message.body


def test_startup_check_finds_the_missing_draft(session: Session) -> None:
    assert jobs.draft_missing(session, SETTINGS, berlin(DAY, 1, 0)) == DAY  # before tonight's run
    assert jobs.draft_missing(session, SETTINGS, berlin(DAY, 9, 0)) == DAY + dt.timedelta(days=1)
    session.add(DayPlan(day=DAY + dt.timedelta(days=1)))
    session.flush()
    assert jobs.draft_missing(session, SETTINGS, berlin(DAY, 9, 0)) is None


# --- evening rider reminders --------------------------------------------------------------------


def test_evening_reminder_only_for_confirmed_rides_tomorrow(session: Session) -> None:
    tomorrow = DAY + dt.timedelta(days=1)
    confirmed = make_published_route(session, day=tomorrow, riders=2)
    confirmed.status, confirmed.responded_at = RouteStatus.CONFIRMED, berlin(DAY, 9)
    make_published_route(session, plan=confirmed.plan, riders=1)  # awaiting: riders not told yet
    session.flush()
    with time_machine.travel(berlin(DAY, 18, 0), tick=False):
        now = jobs.utcnow()
        assert send_rider_reminders(session, SETTINGS, now) == 2
        assert send_rider_reminders(session, SETTINGS, now) == 0
    messages = session.scalars(sa.select(OutboxMessage)).all()
    assert all("reminder" in m.idempotency_key for m in messages)
    assert sorted(m.body.split(": ")[1][:5] for m in messages) == ["06:20", "07:00"]


# --- drivers who do not answer ------------------------------------------------------------------


def test_silent_driver_is_reminded_then_coordinators_alerted(session: Session) -> None:
    coordinator = make_coordinator(session)
    published = berlin(DAY - dt.timedelta(days=2), 9)
    route = make_published_route(session, day=DAY, published_at=published)
    answered = make_published_route(session, plan=route.plan)
    answered.status, answered.responded_at = RouteStatus.CONFIRMED, berlin(DAY, 0)
    day_before = DAY - dt.timedelta(days=1)

    assert chase_driver_answers(session, SETTINGS, berlin(day_before, 11, 59)).reminded == 0
    report = chase_driver_answers(session, SETTINGS, berlin(day_before, 12, 0))
    assert (report.reminded, report.escalated) == (1, 0)
    assert route.reminder_sent_at == berlin(day_before, 12, 0) and route.confirm_token_hash
    assert keys(session) == [f"route:{route.id}:driver-reminder"]

    assert chase_driver_answers(session, SETTINGS, berlin(day_before, 15, 59)).escalated == 0
    assert chase_driver_answers(session, SETTINGS, berlin(day_before, 16, 0)).escalated == 1
    assert chase_driver_answers(session, SETTINGS, berlin(day_before, 17, 0)).escalated == 0
    assert keys(session)[-1] == f"route:{route.id}:no-answer:coordinator:{coordinator.id}"
    assert route.escalated_at == berlin(day_before, 16, 0)


def test_a_late_plan_gives_the_driver_two_hours_before_the_reminder(session: Session) -> None:
    late = berlin(DAY - dt.timedelta(days=1), 14, 0)
    route = make_published_route(session, day=DAY, published_at=late)
    assert chase_driver_answers(session, SETTINGS, late + dt.timedelta(hours=1)).reminded == 0
    assert chase_driver_answers(session, SETTINGS, late + dt.timedelta(hours=2)).reminded == 1
    assert route.reminder_sent_at is not None


# --- weekly data retention ----------------------------------------------------------------------


def test_retention_erases_inactive_people_and_keeps_statistics(session: Session) -> None:
    now = dt.datetime(2026, 11, 22, 2, 30, tzinfo=dt.UTC)
    old = now - dt.timedelta(days=800)
    gone = make_rider(session, last_active_at=old, email="gone@example.invalid")
    old_trip = make_trip(session, day=dt.date(2024, 5, 2), rider=gone, note="ruft vorher an")
    active = make_rider(session, last_active_at=now - dt.timedelta(days=30))
    recent_rider = make_rider(session, last_active_at=old)
    make_trip(session, day=dt.date(2026, 10, 1), rider=recent_rider)
    idle_driver = make_driver(session, last_active_at=old, car_description="roter Polo")
    busy_driver = make_driver(session, last_active_at=old)
    make_published_route(session, day=dt.date(2026, 9, 1), driver=busy_driver)
    sent = OutboxMessage(
        idempotency_key="old-mail",
        channel="email",
        recipient="x@example.invalid",
        subject="s",
        body="Hallo Amal",
        status=OutboxStatus.SENT,
        sent_at=old,
        created_at=old,
        next_attempt_at=old,
    )
    session.add(sent)
    session.flush()

    with time_machine.travel(now, tick=False):
        report = apply_retention(session, SETTINGS, now)

    assert (report.riders, report.drivers, report.messages) == (1, 1, 1)
    session.expire_all()
    gone = session.get(Rider, gone.id)
    assert gone.erased_at is not None and gone.first_name is None and gone.phone is None
    assert gone.email is None and session.get(type(old_trip), old_trip.id).note is None
    assert session.get(type(old_trip), old_trip.id).day == dt.date(2024, 5, 2)  # statistics stay
    assert session.get(Rider, active.id).erased_at is None
    assert session.get(Rider, recent_rider.id).erased_at is None
    idle = session.get(Driver, idle_driver.id)
    assert idle.erased_at is not None and idle.email is None and idle.car_description is None
    assert not idle.active
    assert session.get(Driver, busy_driver.id).erased_at is None
    assert session.get(OutboxMessage, sent.id) is None
