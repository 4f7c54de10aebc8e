"""The outbox worker against a real SMTP server on loopback (aiosmtpd), including one that refuses.

No message may be lost and none sent twice: a 451 reply leaves the row pending
with a back-off, the next pass after the back-off delivers it, and passes in
between send nothing.
"""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from email import message_from_bytes

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker

from matcher.jobs.outbox_sender import send_pending
from matcher.models import OutboxChannel
from matcher.models import OutboxMessage
from matcher.models import OutboxStatus
from matcher.notifications.outbox import claim_due
from matcher.notifications.outbox import enqueue
from matcher.notifications.transports import LogSmsGateway
from matcher.notifications.transports import Outgoing
from matcher.notifications.transports import SmtpTransport
from matcher.notifications.transports import Transports
from matcher.settings import Settings

NOW = dt.datetime(2026, 6, 1, 6, 0, tzinfo=dt.UTC)
SETTINGS = Settings(outbox_backoff_seconds=60, outbox_max_attempts=3)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class FlakyHandler:
    """Refuses the first ``failures`` messages with 451, then accepts and keeps them."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.received: list[bytes] = []
        self.refused = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802, ANN001
        if self.failures > 0:
            self.failures -= 1
            self.refused += 1
            return "451 4.3.0 Mailbox busy, try again later"
        self.received.append(envelope.content)
        return "250 2.0.0 OK"


@pytest.fixture()
def smtp() -> Iterator[tuple[FlakyHandler, int]]:
    handler = FlakyHandler(failures=1)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


class RecordingSms(LogSmsGateway):
    def __init__(self) -> None:
        self.sent: list[Outgoing] = []

    def send(self, message: Outgoing) -> None:
        super().send(message)
        self.sent.append(message)


def add_messages(session: Session) -> None:
    for n in (1, 2):
        enqueue(
            session,
            key=f"test:{n}",
            channel=OutboxChannel.EMAIL,
            recipient=f"person{n}@example.invalid",
            subject=f"Hello {n}",
            body=f"Body {n} with Umlaut ä",
            now=NOW,
        )
    enqueue(
        session,
        key="test:sms",
        channel=OutboxChannel.SMS,
        recipient="+4915100000001",
        body="Kurz",
        now=NOW,
    )
    session.commit()


def rows(session: Session) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def test_refused_message_is_retried_after_backoff_and_sent_once(
    session: Session, session_factory: sessionmaker[Session], smtp: tuple[FlakyHandler, int]
) -> None:
    handler, port = smtp
    sms = RecordingSms()
    transports = Transports(email=SmtpTransport("127.0.0.1", port, timeout=5), sms=sms)
    add_messages(session)

    first = send_pending(session_factory, transports, NOW, SETTINGS)
    assert (first.sent, first.retried, handler.refused) == (2, 1, 1)
    refused = next(r for r in rows(session) if r.status == OutboxStatus.PENDING)
    assert refused.attempts == 1 and "451" in refused.last_error
    assert refused.next_attempt_at == NOW + dt.timedelta(seconds=60)

    # Before the back-off is over nothing is due; afterwards the refused one goes out.
    assert (
        send_pending(session_factory, transports, NOW + dt.timedelta(seconds=30), SETTINGS).sent
        == 0
    )
    again = send_pending(session_factory, transports, NOW + dt.timedelta(seconds=61), SETTINGS)
    assert again.sent == 1
    assert (
        send_pending(session_factory, transports, NOW + dt.timedelta(hours=1), SETTINGS).sent == 0
    )

    assert [r.status for r in rows(session)] == [OutboxStatus.SENT] * 3
    subjects = sorted(message_from_bytes(raw)["Subject"] for raw in handler.received)
    assert subjects == ["Hello 1", "Hello 2"]  # each e-mail exactly once, none lost
    ids = {message_from_bytes(raw)["Message-ID"] for raw in handler.received}
    assert len(ids) == 2
    assert [m.recipient for m in sms.sent] == ["+4915100000001"]
    body = message_from_bytes(handler.received[0]).get_payload(decode=True).decode()
    assert "Umlaut ä" in body


def test_server_down_retries_with_growing_backoff_then_fails(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    transports = Transports(
        email=SmtpTransport("127.0.0.1", free_port(), timeout=2), sms=LogSmsGateway()
    )
    enqueue(
        session,
        key="down:1",
        channel=OutboxChannel.EMAIL,
        recipient="a@example.invalid",
        subject="S",
        body="B",
        now=NOW,
    )
    session.commit()
    now, waits = NOW, []
    for _ in range(SETTINGS.outbox_max_attempts):
        send_pending(session_factory, transports, now, SETTINGS)
        (row,) = rows(session)
        if row.status == OutboxStatus.FAILED:
            break
        waits.append(row.next_attempt_at - now)
        now = row.next_attempt_at
    assert waits == [dt.timedelta(seconds=60), dt.timedelta(seconds=120)]
    assert row.status == OutboxStatus.FAILED and row.attempts == 3 and row.sent_at is None


def test_enqueue_is_idempotent_and_a_claimed_row_is_not_claimed_again(session: Session) -> None:
    first = enqueue(
        session,
        key="same",
        channel=OutboxChannel.SMS,
        recipient="+4915100000002",
        body="x",
        now=NOW,
    )
    assert first is not None
    assert (
        enqueue(
            session,
            key="same",
            channel=OutboxChannel.SMS,
            recipient="+4915100000002",
            body="x",
            now=NOW,
        )
        is None
    )
    assert [m.id for m in claim_due(session, NOW, 10)] == [first.id]
    assert claim_due(session, NOW + dt.timedelta(minutes=5), 10) == []


def test_permanent_refusal_fails_at_once(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    class Refusing:
        def send(self, message: Outgoing) -> None:
            from matcher.notifications.transports import TransportError

            raise TransportError("550 no such user", temporary=False)

    enqueue(
        session,
        key="perm",
        channel=OutboxChannel.EMAIL,
        recipient="x@example.invalid",
        subject="S",
        body="B",
        now=NOW,
    )
    session.commit()
    report = send_pending(
        session_factory, Transports(email=Refusing(), sms=Refusing()), NOW, SETTINGS
    )
    assert report.failed == 1
    assert rows(session)[0].status == OutboxStatus.FAILED
