"""Publishing is one use case: the state change and the notices, or neither."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.errors import Conflict
from matcher.errors import InvalidTransition
from matcher.models import DayPlan
from matcher.models import OutboxMessage
from matcher.models import PlanStatus
from matcher.plans import lifecycle
from matcher.plans.publishing import publish
from tests.matcher.district_kit import SETTINGS
from tests.matcher.district_kit import District
from tests.matcher.district_kit import plan_day

NOW = dt.datetime(2026, 6, 1, 15, 0, tzinfo=dt.UTC)


def outbox_recipients(session: Session) -> list[str]:
    return list(session.scalars(sa.select(OutboxMessage.recipient).order_by(OutboxMessage.id)))


def approved(session: Session) -> DayPlan:
    plan, _, _ = plan_day(session)
    return lifecycle.approve_plan(
        session, plan.id, expected_row_version=plan.row_version, actor_id=None
    )


def test_publish_makes_the_plan_public_and_tells_each_driver(
    session: Session, district: District
) -> None:
    plan = approved(session)
    assert plan.routes

    publication = publish(
        session,
        plan.id,
        expected_row_version=plan.row_version,
        actor_id=district.coordinator.id,
        settings=SETTINGS,
        now=NOW,
    )

    assert publication.result.plan.status == PlanStatus.PUBLISHED
    recipients = outbox_recipients(session)
    assert publication.messages == len(recipients) == len(plan.routes)
    assert sorted(recipients) == sorted(route.driver.email for route in plan.routes)


def test_a_stale_or_unapproved_publish_changes_nothing_and_sends_nothing(
    session: Session, district: District
) -> None:
    plan = approved(session)
    with pytest.raises(Conflict):
        publish(
            session,
            plan.id,
            expected_row_version=plan.row_version - 1,
            actor_id=None,
            settings=SETTINGS,
            now=NOW,
        )
    draft, _, _ = plan_day(session, base_plan=plan)
    with pytest.raises(InvalidTransition):
        publish(
            session,
            draft.id,
            expected_row_version=draft.row_version,
            actor_id=None,
            settings=SETTINGS,
            now=NOW,
        )
    assert plan.status == PlanStatus.APPROVED
    assert outbox_recipients(session) == []
