"""One active scheduler, guaranteed by a lease row in the database (SQLite and PostgreSQL).

``acquire`` is one atomic conditional ``UPDATE`` (take the row if it is mine or
its lease expired) or, for a fresh database, an ``INSERT`` that only one
process can win (primary key). The holder renews the lease well before it
expires; a process that stops renewing (crash, network partition) loses the
lock after ``lease`` and another process takes over. On PostgreSQL the
conditional ``UPDATE`` re-checks its ``WHERE`` after a concurrent commit, so
two processes never both win an expired row.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from typing import cast

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from matcher.clock import utcnow
from matcher.models import SchedulerLock

_LOCKS = cast(sa.Table, SchedulerLock.__table__)
"""The lock table in Core form: the lease is taken with conditional UPDATEs, not the ORM."""
LOCK_NAME = "scheduler"


def default_holder() -> str:
    """``host:pid:random``: unique per process, readable in the table."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class LeaseLock:
    """A named lease held by ``holder`` for ``lease`` at a time."""

    def __init__(
        self,
        engine: Engine,
        *,
        name: str = LOCK_NAME,
        holder: str | None = None,
        lease: dt.timedelta = dt.timedelta(seconds=90),
    ) -> None:
        self.engine = engine
        self.name = name
        self.holder = holder or default_holder()
        self.lease = lease

    def acquire(self, now: dt.datetime | None = None) -> bool:
        """Take or renew the lease; False if another holder's lease is still running."""
        now = now or utcnow()
        table = _LOCKS
        mine = table.c.holder == self.holder
        with self.engine.begin() as conn:
            result = conn.execute(
                table.update()
                .where(table.c.name == self.name, sa.or_(mine, table.c.expires_at <= now))
                .values(
                    holder=self.holder,
                    acquired_at=sa.case((mine, table.c.acquired_at), else_=now),
                    heartbeat_at=now,
                    expires_at=now + self.lease,
                )
            )
            if result.rowcount == 1:
                return True
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    table.insert().values(
                        name=self.name,
                        holder=self.holder,
                        acquired_at=now,
                        heartbeat_at=now,
                        expires_at=now + self.lease,
                    )
                )
        except IntegrityError:
            return False
        return True

    def renew(self, now: dt.datetime | None = None) -> bool:
        """Extend my lease; False if it was lost (expired and taken by someone else)."""
        now = now or utcnow()
        table = _LOCKS
        with self.engine.begin() as conn:
            result = conn.execute(
                table.update()
                .where(table.c.name == self.name, table.c.holder == self.holder)
                .values(heartbeat_at=now, expires_at=now + self.lease)
            )
            return result.rowcount == 1

    def release(self, now: dt.datetime | None = None) -> None:
        """Give the lease up at once (a standby process can take over on its next try)."""
        now = now or utcnow()
        table = _LOCKS
        with self.engine.begin() as conn:
            conn.execute(
                table.update()
                .where(table.c.name == self.name, table.c.holder == self.holder)
                .values(
                    heartbeat_at=now - dt.timedelta(seconds=2),
                    expires_at=now - dt.timedelta(seconds=1),
                )
            )

    def current_holder(self, now: dt.datetime | None = None) -> str | None:
        """Who holds an unexpired lease, if anyone."""
        now = now or utcnow()
        table = _LOCKS
        with self.engine.connect() as conn:
            return conn.scalar(
                sa.select(table.c.holder).where(table.c.name == self.name, table.c.expires_at > now)
            )
