"""The outbox worker as a job: claim due messages, send them, record each outcome.

It owns its sessions and commits: the claim is committed before the send, so
two workers never send one row, and each outcome is its own short transaction.
The rules (what is due, the back-off, when a row fails for good) are services
in ``matcher.notifications.outbox``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from matcher.db import SessionFactory
from matcher.db import session_scope
from matcher.models import OutboxChannel
from matcher.notifications.outbox import SendReport
from matcher.notifications.outbox import claim_due
from matcher.notifications.outbox import fail_interrupted
from matcher.notifications.outbox import record_outcome
from matcher.notifications.transports import TransportError
from matcher.notifications.transports import Transports
from matcher.settings import Settings

log = logging.getLogger(__name__)


def send_pending(
    session_factory: SessionFactory,
    transports: Transports,
    now: dt.datetime,
    settings: Settings,
    *,
    clock: Callable[[], dt.datetime] | None = None,
) -> SendReport:
    """Send every due message once; each claim and each outcome is its own short transaction."""
    clock = clock or (lambda: now)
    with session_scope(session_factory) as session:
        interrupted = fail_interrupted(session, now)
        batch = claim_due(session, now, settings.outbox_batch_size)
    counts = {"sent": 0, "retried": 0, "failed": 0}
    for message in batch:
        error: TransportError | None = None
        try:
            transports.for_channel(OutboxChannel(message.channel)).send(message)
        except TransportError as exc:
            error = exc
        except Exception as exc:  # noqa: BLE001 - a broken transport must not strand the batch
            log.exception("transport crashed on outbox %s", message.id)
            error = TransportError(f"transport error: {exc!r}")
        with session_scope(session_factory) as session:
            counts[record_outcome(session, message.id, error, clock(), settings)] += 1
    return SendReport(interrupted=interrupted, **counts)
