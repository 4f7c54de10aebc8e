"""Messages to people go through the outbox: a row in the same transaction as the change.

The sending worker (SMTP, retries) lives elsewhere; producers only call
:func:`enqueue_email`. The idempotency key makes a second call for the same
event a no-op, so a retried request never sends twice.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.models import OutboxChannel
from matcher.models import OutboxMessage


def enqueue_email(
    session: Session,
    *,
    idempotency_key: str,
    recipient: str,
    subject: str,
    body: str,
    locale: str = "de",
    body_html: str | None = None,
    related_type: str | None = None,
    related_id: int | None = None,
) -> OutboxMessage:
    """Queue one e-mail (or return the one already queued under ``idempotency_key``)."""
    existing = session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.idempotency_key == idempotency_key)
    ).one_or_none()
    if existing is not None:
        return existing
    message = OutboxMessage(
        idempotency_key=idempotency_key[:200],
        channel=OutboxChannel.EMAIL,
        recipient=recipient,
        locale=locale,
        subject=subject[:200],
        body=body,
        body_html=body_html,
        related_type=related_type,
        related_id=related_id,
    )
    session.add(message)
    session.flush()
    return message
