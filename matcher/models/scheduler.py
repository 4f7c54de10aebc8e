"""Tables of the job scheduler: the single-scheduler lease and APScheduler's job store.

``scheduler_locks`` holds one row per lock name: the process that may run the
scheduler (``holder``) and until when (``expires_at``); a heartbeat renews it.
``scheduler_jobs`` is the table APScheduler's ``SQLAlchemyJobStore`` uses; it is
declared here (same columns as APScheduler's own definition) so that Alembic
owns it and the job store's ``create(checkfirst=True)`` finds it in place.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from matcher.db import Base
from matcher.db import UTCDateTime

JOBS_TABLE = "scheduler_jobs"

scheduler_jobs = sa.Table(
    JOBS_TABLE,
    Base.metadata,
    sa.Column("id", sa.Unicode(191), primary_key=True),
    sa.Column("next_run_time", sa.Float(25), index=True),
    sa.Column("job_state", sa.LargeBinary, nullable=False),
)


class SchedulerLock(Base):
    """A lease: only ``holder`` runs the scheduler until ``expires_at`` unless it renews."""

    __tablename__ = "scheduler_locks"
    __table_args__ = (
        sa.CheckConstraint("expires_at > heartbeat_at", name="expires_after_heartbeat"),
    )

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(sa.String(120))
    acquired_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<SchedulerLock {self.name} held by {self.holder} until {self.expires_at}>"
