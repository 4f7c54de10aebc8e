"""Planner runs: one row per background solve, so progress and failures are visible.

The planner runs off the request thread (a worker pool, or later a job queue);
the web page polls this row. A failed or cancelled run never touches earlier
plan versions: only a successful run creates a new draft (``result_plan_id``).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from matcher.clock import utcnow
from matcher.db import Base
from matcher.db import UTCDateTime
from matcher.models.common import enum_type


class PlanningRunStatus(StrEnum):
    """Lifecycle of a planner run."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class RunFailure(StrEnum):
    """A run ended from outside because its executor went silent (``PlanningRun.failure``)."""

    STOPPED_ANSWERING = "stopped_answering"
    """It was running; its heartbeat got older than the limit."""
    NEVER_STARTED = "never_started"
    """It stayed queued longer than the limit: no worker took it up."""
    WORKER_GONE = "worker_gone"
    """A coordinator stopped it and its worker was no longer answering: ended at once."""


class PlanningRun(Base):
    """A request to plan a day, with live progress and its outcome."""

    __tablename__ = "planning_runs"
    __table_args__ = (
        sa.CheckConstraint(
            "finished_at IS NULL OR started_at IS NULL OR finished_at >= started_at",
            name="finished_after_started",
        ),
        sa.Index("ix_planning_runs_day_status", "day", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(sa.Date)
    status: Mapped[PlanningRunStatus] = mapped_column(
        enum_type(PlanningRunStatus, "planning_run_status"), default=PlanningRunStatus.QUEUED
    )
    base_plan_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("day_plans.id", ondelete="SET NULL")
    )
    """The version re-planned from (locks and minimal changes), if any."""
    result_plan_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("day_plans.id", ondelete="SET NULL")
    )
    requested_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("coordinators.id", ondelete="SET NULL")
    )
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    progress: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    """Elapsed seconds, requests served so far, best cost: whatever the page shows."""
    error: Mapped[str | None] = mapped_column(sa.Text)
    """What went wrong, in words a coordinator can read."""
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    """When the executor last showed it was alive (set at start, at each step, with progress).

    A running run whose heartbeat is older than ``Settings.planner_heartbeat_limit_seconds``
    has lost its worker (killed, or its database went away) and is marked failed.
    """
    failure: Mapped[RunFailure | None] = mapped_column(
        enum_type(RunFailure, "planning_run_failure")
    )
    """Why the run ended without a plan when nobody could say it in ``error``: it went silent."""
