"""Drivers confirm or decline routes; riders hear only after confirmation; links work once."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.errors import InvalidTransition
from matcher.errors import NotFound
from matcher.models import AuditEntry
from matcher.models import OutboxChannel
from matcher.models import OutboxMessage
from matcher.models import PlanStatus
from matcher.models import RouteStatus
from matcher.models import TripStatus
from matcher.notifications import events
from matcher.plans import responses
from matcher.plans.route_tokens import issue_route_token
from matcher.settings import Settings
from tests.factories import make_coordinator
from tests.factories import make_published_route
from tests.factories import make_rider
from tests.factories import make_trip

DAY = dt.date(2026, 6, 2)
NOW = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)
SETTINGS = Settings(base_url="https://mfn.example")


def outbox(session: Session) -> list[OutboxMessage]:
    return list(session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def test_publish_message_carries_working_single_use_links(session: Session) -> None:
    route = make_published_route(session, day=DAY)
    events.notify_driver_of_route(session, route, SETTINGS, NOW)
    events.notify_driver_of_route(session, route, SETTINGS, NOW)  # same event: stored once
    (mail,) = outbox(session)
    assert mail.channel == OutboxChannel.EMAIL and mail.recipient == route.driver.email
    assert "Your route on" in mail.subject and "06:20" in mail.body
    token = re.search(r"/driver/respond/([\w-]+)\?action=confirm", mail.body).group(1)

    responses.answer_with_token(session, token, "confirm", settings=SETTINGS, now=NOW)
    assert route.status == RouteStatus.CONFIRMED and route.responded_at == NOW
    with pytest.raises(NotFound):
        responses.answer_with_token(session, token, "decline", settings=SETTINGS, now=NOW)


def test_expired_link_is_refused(session: Session) -> None:
    route = make_published_route(session, day=DAY)
    token = issue_route_token(route, SETTINGS)
    after_the_day = dt.datetime(2026, 6, 2, 22, 1, tzinfo=dt.UTC)  # 00:01 local on 3 June
    with pytest.raises(NotFound):
        responses.answer_with_token(session, token, "confirm", settings=SETTINGS, now=after_the_day)
    assert route.status == RouteStatus.AWAITING


def test_riders_are_told_only_after_confirmation(session: Session) -> None:
    by_mail = make_rider(session, email="amal@example.invalid", locale="en")
    by_sms = make_rider(session)
    trips = [make_trip(session, day=DAY, rider=r) for r in (by_mail, by_sms)]
    route = make_published_route(session, day=DAY, trips=trips)
    events.notify_driver_of_route(session, route, SETTINGS, NOW)
    assert [m.recipient for m in outbox(session)] == [route.driver.email]

    responses.answer_route(
        session, route.id, "confirm", driver_id=route.driver_id, settings=SETTINGS, now=NOW
    )

    told = {m.recipient: m for m in outbox(session)[1:]}
    assert set(told) == {by_mail.email, by_sms.phone}
    assert told[by_mail.email].channel == OutboxChannel.EMAIL
    assert "Pick-up at 06:20" in told[by_mail.email].body
    assert told[by_sms.phone].channel == OutboxChannel.SMS and "07:00" in told[by_sms.phone].body
    assert (
        session.scalar(sa.select(AuditEntry.action).where(AuditEntry.entity_id == route.id))
        == "route.confirm"
    )


def test_decline_frees_trips_flags_plan_and_alerts_coordinators(session: Session) -> None:
    coordinator = make_coordinator(session)
    route = make_published_route(session, day=DAY)
    responses.answer_route(
        session,
        route.id,
        "decline",
        driver_id=route.driver_id,
        settings=SETTINGS,
        now=NOW,
        reason="Auto in der Werkstatt",
    )

    assert route.status == RouteStatus.DECLINED and route.decline_reason == "Auto in der Werkstatt"
    trips = [s.trip for s in route.stops if s.kind == "pickup"]
    assert {(t.status, t.unserved_reason) for t in trips} == {
        (TripStatus.UNSERVED, responses.DECLINED_REASON)
    }
    assert route.plan.needs_attention and route.plan.status == PlanStatus.PUBLISHED
    (alert,) = outbox(session)
    assert alert.recipient == coordinator.email and "re-plan" in alert.body
    assert "Auto in der Werkstatt" in alert.body


def test_decline_after_confirm_tells_riders_their_ride_is_off(session: Session) -> None:
    route = make_published_route(session, day=DAY, riders=1)
    responses.confirm_route(session, route, SETTINGS, NOW)
    responses.decline_route(session, route, SETTINGS, NOW + dt.timedelta(hours=1))
    bodies = [m.body for m in outbox(session)]
    assert any("cannot take place as planned" in b for b in bodies)


def test_another_drivers_route_is_not_found(session: Session) -> None:
    route = make_published_route(session, day=DAY)
    other = make_published_route(session, plan=route.plan)
    with pytest.raises(NotFound):
        responses.answer_route(
            session, route.id, "confirm", driver_id=other.driver_id, settings=SETTINGS, now=NOW
        )


def test_answering_twice_or_an_old_version_is_refused(session: Session) -> None:
    route = make_published_route(session, day=DAY)
    responses.confirm_route(session, route, SETTINGS, NOW)
    with pytest.raises(InvalidTransition):
        responses.confirm_route(session, route, SETTINGS, NOW)
    route.plan.status = PlanStatus.SUPERSEDED
    route.plan.superseded_at = NOW
    with pytest.raises(InvalidTransition):
        responses.decline_route(session, route, SETTINGS, NOW)
