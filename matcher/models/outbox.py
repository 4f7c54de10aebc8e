"""The notification outbox: every message is a row before it is a send.

Writing the row in the same transaction as the change that caused it means a
message is never lost when SMTP is down, and the unique ``idempotency_key``
(e.g. ``route-published:412:v3:driver:17``) means producing it twice stores
it once. A worker sends due rows, retrying with back-off via
``next_attempt_at``; ``sent_at`` is set once, so nothing is sent twice.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import validates

from matcher.clock import utcnow
from matcher.db import Base
from matcher.db import UTCDateTime
from matcher.errors import N_
from matcher.models.common import check_int_range
from matcher.models.common import enum_type
from matcher.models.common import fail


class OutboxChannel(StrEnum):
    """How a message travels."""

    EMAIL = "email"
    SMS = "sms"


class OutboxStatus(StrEnum):
    """``sending`` is claimed by a worker; ``failed`` means attempts are exhausted."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(Base):
    """One message to one recipient."""

    __tablename__ = "outbox"
    __table_args__ = (
        sa.CheckConstraint("attempts >= 0", name="attempts_nonneg"),
        sa.CheckConstraint("status <> 'sent' OR sent_at IS NOT NULL", name="sent_has_date"),
        sa.CheckConstraint("channel <> 'email' OR subject IS NOT NULL", name="email_has_subject"),
        sa.CheckConstraint("length(recipient) > 0", name="recipient_not_empty"),
        sa.Index(
            "ix_outbox_due",
            "next_attempt_at",
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    channel: Mapped[OutboxChannel] = mapped_column(enum_type(OutboxChannel, "outbox_channel"))
    recipient: Mapped[str] = mapped_column(sa.String(254))
    """E-mail address or E.164 phone number."""
    locale: Mapped[str] = mapped_column(sa.String(8), default="de")
    subject: Mapped[str | None] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_type(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    related_type: Mapped[str | None] = mapped_column(sa.String(40))
    related_id: Mapped[int | None]

    @validates("attempts")
    def _validate_attempts(self, key: str, value: int) -> int:
        return check_int_range(key, value, 0)

    def check_consistency(self) -> None:
        """E-mails have a subject; sent messages a send time."""
        if self.channel == OutboxChannel.EMAIL and not self.subject:
            fail(N_("An e-mail needs a subject."), "subject")
        if self.status == OutboxStatus.SENT and self.sent_at is None:
            fail(N_("A sent message needs its send time."), "sent_at")
