"""The outbox: store a message once per event, send it at most once, retry with back-off.

``enqueue`` runs inside the caller's transaction (the message exists only if the
change that caused it is committed) and is idempotent by key. The worker
(``matcher.jobs.outbox_sender.send_pending``) claims due rows with
``claim_due`` in a short transaction of its own (``FOR
UPDATE SKIP LOCKED`` on PostgreSQL, a conditional ``UPDATE`` that only one
worker can win everywhere), commits the claim, then sends, then records the
outcome. Because the claim is committed before the send, two workers never send
one row; a failed send goes back to ``pending`` with an exponential back-off
until ``outbox_max_attempts``, then ``failed``. A worker that dies between send
and record leaves the row ``sending``; after the claim lease it is marked
``failed`` ("delivery unknown") rather than sent again.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from matcher.models import OutboxChannel
from matcher.models import OutboxMessage
from matcher.models import OutboxStatus
from matcher.notifications.transports import Outgoing
from matcher.notifications.transports import TransportError
from matcher.settings import Settings

log = logging.getLogger(__name__)

CLAIM_LEASE = dt.timedelta(minutes=15)
"""How long a claimed row may stay ``sending`` before it counts as interrupted."""
MAX_BACKOFF = dt.timedelta(hours=6)
SUBJECT_LENGTH = 200
"""``OutboxMessage.subject`` holds this many characters."""


def enqueue(
    session: Session,
    *,
    key: str,
    channel: OutboxChannel,
    recipient: str,
    body: str,
    subject: str | None = None,
    locale: str = "de",
    related: tuple[str, int] | None = None,
    now: dt.datetime | None = None,
) -> OutboxMessage | None:
    """Store a message unless one with ``key`` exists; return the new row or None (duplicate).

    The one way to queue a message: a retried request or job that enqueues the
    same event again stores nothing. A savepoint absorbs the unique-key race
    with a concurrent transaction. A subject longer than the column is cut.
    """
    existing = session.scalar(sa.select(OutboxMessage).where(OutboxMessage.idempotency_key == key))
    if existing is not None:
        return None
    row = OutboxMessage(
        idempotency_key=key,
        channel=channel,
        recipient=recipient,
        subject=subject[:SUBJECT_LENGTH] if subject is not None else None,
        body=body,
        locale=locale,
        related_type=related[0] if related else None,
        related_id=related[1] if related else None,
    )
    if now is not None:
        row.created_at = now
        row.next_attempt_at = now
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row


def message_exists(session: Session, key: str) -> bool:
    """True if a message with ``key`` was ever enqueued."""
    found = session.scalar(
        sa.select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key).limit(1)
    )
    return found is not None


@dataclass(frozen=True)
class SendReport:
    """What one worker pass did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    interrupted: int = 0


def backoff(attempts: int, base_seconds: int) -> dt.timedelta:
    """Wait after the ``attempts``-th failure: base, 2x, 4x ... capped at six hours."""
    return min(dt.timedelta(seconds=base_seconds * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def claim_due(session: Session, now: dt.datetime, limit: int) -> list[Outgoing]:
    """Mark up to ``limit`` due rows ``sending`` for this worker; the caller commits the claim."""
    query = (
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    claimed: list[Outgoing] = []
    for row_id in session.scalars(query).all():
        # Conditional update: only one worker turns a pending row into a sending one.
        result = session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == row_id, OutboxMessage.status == OutboxStatus.PENDING)
            .values(
                status=OutboxStatus.SENDING,
                attempts=OutboxMessage.attempts + 1,
                next_attempt_at=now + CLAIM_LEASE,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            continue
        row = session.execute(
            sa.select(
                OutboxMessage.idempotency_key,
                OutboxMessage.channel,
                OutboxMessage.recipient,
                OutboxMessage.subject,
                OutboxMessage.body,
                OutboxMessage.locale,
            ).where(OutboxMessage.id == row_id)
        ).one()
        claimed.append(Outgoing(row_id, *row))
    return claimed


def record_outcome(
    session: Session,
    row_id: int,
    error: TransportError | None,
    now: dt.datetime,
    settings: Settings,
) -> str:
    """Record a send's outcome on the row: sent, back to pending after a back-off, or failed.

    Returns "sent", "retried" or "failed" for the worker's report.
    """
    row = session.get(OutboxMessage, row_id, with_for_update=True)
    if row is None:  # deleted meanwhile (erasure): nothing to record
        return "failed" if error else "sent"
    if row.status != OutboxStatus.SENDING:
        log.warning("outbox %s was %s while being sent; recording the outcome", row_id, row.status)
    if error is None:
        row.status, row.sent_at, row.last_error = OutboxStatus.SENT, now, None
        return "sent"
    row.last_error = str(error)[:2000]
    if not error.temporary or row.attempts >= settings.outbox_max_attempts:
        row.status = OutboxStatus.FAILED
        log.error("outbox %s failed for good after %s attempts: %s", row_id, row.attempts, error)
        return "failed"
    row.status = OutboxStatus.PENDING
    row.next_attempt_at = now + backoff(row.attempts, settings.outbox_backoff_seconds)
    log.warning(
        "outbox %s attempt %s failed, retry at %s: %s",
        row_id,
        row.attempts,
        row.next_attempt_at,
        error,
    )
    return "retried"


def fail_interrupted(session: Session, now: dt.datetime) -> int:
    """Mark rows left ``sending`` past their lease as failed ("delivery unknown"); how many."""
    result = session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.next_attempt_at < now)
        .values(
            status=OutboxStatus.FAILED,
            last_error="worker stopped while sending; delivery unknown, not resent",
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
