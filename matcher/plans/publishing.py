"""Publishing a plan version: one use case, the state change and everyone it tells.

``publish`` is what the office's "Publish" button does: ``publish_plan`` makes
the approved version the day's published one (the previous one superseded),
then the people concerned are told, in the same transaction, through the
outbox. Views call ``publish`` only; each notice about a publication is one
step here, counted in ``Publication.messages``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from matcher.clock import utcnow
from matcher.notifications import events
from matcher.plans.lifecycle import PublishResult
from matcher.plans.lifecycle import publish_plan
from matcher.settings import Settings


@dataclass(frozen=True)
class Publication:
    """What publishing did: the state change (``result``) and how many messages it queued."""

    result: PublishResult
    messages: int


def publish(
    session: Session,
    plan_id: int,
    *,
    expected_row_version: int,
    actor_id: int | None,
    settings: Settings,
    now: dt.datetime | None = None,
) -> Publication:
    """Publish an approved plan and queue its notices; raises as ``publish_plan`` does.

    Drivers get their new or changed routes with answer links; riders whose
    confirmed ride changed or was dropped are told at once, the others when
    their driver confirms (``events.notify_plan_published``); riders the plan
    leaves without a driver hear so now, and the office will call them
    (``events.notify_unserved_riders``). Nothing is sent unless the caller commits.
    """
    now = now or utcnow()
    result = publish_plan(
        session, plan_id, expected_row_version=expected_row_version, actor_id=actor_id
    )
    messages = events.notify_plan_published(
        session,
        result.plan,
        settings,
        now,
        superseded_plan_id=result.superseded_plan_id,
        changed_driver_ids=result.changed_driver_ids,
        changed_rider_ids=result.changed_rider_ids,
    )
    messages += events.notify_unserved_riders(session, result.plan, settings, now)
    return Publication(result=result, messages=messages)
