"""Day plans: versions of who drives whom on a local day, their routes and stops.

A plan is never edited after publishing: a change makes a new version
(``based_on``) and the old one becomes ``superseded``; at most one version of
a day is published (a partial unique index). ``row_version`` is SQLAlchemy's
version counter: two coordinators editing one plan cannot overwrite each
other, the second flush raises ``StaleDataError`` and the service turns it
into a ``Conflict``. Edits of routes and stops bump it through the service.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship
from sqlalchemy.orm import validates

from matcher.clock import utcnow
from matcher.db import Base
from matcher.db import UTCDateTime
from matcher.errors import N_
from matcher.models.common import MAX_SEATS
from matcher.models.common import check_int_range
from matcher.models.common import check_token_hash
from matcher.models.common import enum_type
from matcher.models.common import fail
from matcher.models.places import Place

if TYPE_CHECKING:
    from matcher.models.needs import Trip
    from matcher.models.people import Driver


class PlanStatus(StrEnum):
    """Lifecycle of a plan version; the transitions live in ``matcher.plans.lifecycle``."""

    DRAFT = "draft"
    APPROVED = "approved"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


class DayPlan(Base):
    """One version of the plan for one local day, with the solver's figures."""

    __tablename__ = "day_plans"
    __table_args__ = (
        sa.UniqueConstraint("day", "version", name="uq_day_plans_day_version"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.CheckConstraint("row_version >= 1", name="row_version_positive"),
        sa.CheckConstraint(
            "status NOT IN ('approved', 'published') OR approved_at IS NOT NULL",
            name="approved_has_date",
        ),
        sa.CheckConstraint(
            "status <> 'published' OR published_at IS NOT NULL", name="published_has_date"
        ),
        sa.CheckConstraint(
            "requests_served IS NULL OR requests_total IS NULL"
            " OR (requests_served >= 0 AND requests_served <= requests_total)",
            name="served_range",
        ),
        sa.Index(
            "uq_day_plans_one_published",
            "day",
            unique=True,
            sqlite_where=sa.text("status = 'published'"),
            postgresql_where=sa.text("status = 'published'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(sa.Date)
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[PlanStatus] = mapped_column(
        enum_type(PlanStatus, "plan_status"), default=PlanStatus.DRAFT
    )
    based_on_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("day_plans.id", ondelete="SET NULL")
    )
    needs_attention: Mapped[bool] = mapped_column(default=False)
    """Set when a driver declines a published route: the day page asks for a re-plan."""
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("coordinators.id", ondelete="SET NULL")
    )
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("coordinators.id", ondelete="SET NULL")
    )
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("coordinators.id", ondelete="SET NULL")
    )
    superseded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Solver statistics: plain columns for the day page, the rest in ``solver_stats``.
    solver_status: Mapped[str | None] = mapped_column(sa.String(40))
    solver_seconds: Mapped[float | None] = mapped_column(sa.Float)
    objective: Mapped[int | None] = mapped_column(sa.BigInteger)
    requests_total: Mapped[int | None]
    requests_served: Mapped[int | None]
    total_drive_seconds: Mapped[int | None]
    total_distance_m: Mapped[int | None]
    solver_stats: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    row_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": row_version}

    based_on: Mapped[DayPlan | None] = relationship(remote_side=[id])
    routes: Mapped[list[Route]] = relationship(
        back_populates="plan",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Route.id",
    )

    @validates("version")
    def _validate_version(self, key: str, value: int) -> int:
        return check_int_range(key, value, 1)

    def check_consistency(self) -> None:
        """Approved and published plans carry the dates of those steps."""
        if self.status in (PlanStatus.APPROVED, PlanStatus.PUBLISHED) and not self.approved_at:
            fail(N_("An approved plan needs its approval time."), "approved_at")
        if self.status == PlanStatus.PUBLISHED and not self.published_at:
            fail(N_("A published plan needs its publication time."), "published_at")

    def __repr__(self) -> str:
        return f"<DayPlan {self.id} {self.day} v{self.version} {self.status}>"


class RouteStatus(StrEnum):
    """The driver's answer to a published route."""

    AWAITING = "awaiting"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class Route(Base):
    """One driver's ordered stops in one plan version."""

    __tablename__ = "routes"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "driver_id", name="uq_routes_plan_driver"),
        sa.CheckConstraint(
            "status = 'awaiting' OR responded_at IS NOT NULL", name="answer_has_date"
        ),
        sa.CheckConstraint("drive_seconds IS NULL OR drive_seconds >= 0", name="drive_nonneg"),
        sa.CheckConstraint("distance_m IS NULL OR distance_m >= 0", name="distance_nonneg"),
        sa.CheckConstraint(
            "end_at IS NULL OR start_at IS NULL OR end_at >= start_at", name="end_after_start"
        ),
        sa.CheckConstraint("length(confirm_token_hash) = 64", name="confirm_token_hash_sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("day_plans.id", ondelete="CASCADE"))
    driver_id: Mapped[int] = mapped_column(
        sa.ForeignKey("drivers.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[RouteStatus] = mapped_column(
        enum_type(RouteStatus, "route_status"), default=RouteStatus.AWAITING
    )
    locked: Mapped[bool] = mapped_column(default=False)
    """The coordinator pinned the whole route: re-planning keeps it as it is."""
    confirm_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    confirm_token_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str | None] = mapped_column(sa.String(500))
    reminder_sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    start_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    end_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    drive_seconds: Mapped[int | None]
    distance_m: Mapped[int | None]

    plan: Mapped[DayPlan] = relationship(back_populates="routes")
    driver: Mapped[Driver] = relationship()
    stops: Mapped[list[Stop]] = relationship(
        back_populates="route",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Stop.sequence",
    )

    @validates("confirm_token_hash")
    def _validate_token_hash(self, key: str, value: str | None) -> str | None:
        return check_token_hash(key, value)

    def check_consistency(self) -> None:
        """An answer is dated."""
        if self.status not in (None, RouteStatus.AWAITING) and self.responded_at is None:
            fail(N_("A confirmed or declined route needs the time of the answer."), "responded_at")


class StopKind(StrEnum):
    """What happens at a stop."""

    START = "start"
    PICKUP = "pickup"
    VIA = "via"
    DROPOFF = "dropoff"
    END = "end"


class Stop(Base):
    """A visit on a route: times are planned UTC instants, ``load`` the seats in use after it."""

    __tablename__ = "stops"
    __table_args__ = (
        sa.UniqueConstraint("route_id", "sequence", name="uq_stops_route_sequence"),
        sa.CheckConstraint("sequence >= 0", name="sequence_nonneg"),
        sa.CheckConstraint(f"load >= 0 AND load <= {MAX_SEATS}", name="load_range"),
        sa.CheckConstraint(
            "kind NOT IN ('pickup', 'dropoff', 'via') OR trip_id IS NOT NULL",
            name="rider_stop_has_trip",
        ),
        sa.CheckConstraint(
            "service_start_at IS NULL OR arrival_at IS NULL OR service_start_at >= arrival_at",
            name="service_after_arrival",
        ),
        sa.CheckConstraint(
            "departure_at IS NULL OR service_start_at IS NULL OR departure_at >= service_start_at",
            name="departure_after_service",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(sa.ForeignKey("routes.id", ondelete="CASCADE"))
    sequence: Mapped[int]
    kind: Mapped[StopKind] = mapped_column(enum_type(StopKind, "stop_kind"))
    trip_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("trips.id", ondelete="RESTRICT"), index=True
    )
    """RESTRICT: a trip in a plan is cancelled, never deleted, so history stays whole."""
    place_id: Mapped[int] = mapped_column(sa.ForeignKey("places.id", ondelete="RESTRICT"))
    arrival_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    service_start_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    departure_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    load: Mapped[int] = mapped_column(default=0)
    locked: Mapped[bool] = mapped_column(default=False)
    """The coordinator locked this trip to this driver; re-planning keeps it on the route."""

    route: Mapped[Route] = relationship(back_populates="stops")
    trip: Mapped[Trip | None] = relationship()
    place: Mapped[Place] = relationship()

    @validates("sequence")
    def _validate_sequence(self, key: str, value: int) -> int:
        return check_int_range(key, value, 0)

    @validates("load")
    def _validate_load(self, key: str, value: int) -> int:
        return check_int_range(key, value, 0, MAX_SEATS)

    def check_consistency(self) -> None:
        """Rider stops name their trip; times run forward."""
        if self.kind in (StopKind.PICKUP, StopKind.DROPOFF, StopKind.VIA) and (
            self.trip_id is None and self.trip is None
        ):
            fail(N_("A pick-up or drop-off needs its trip."), "trip_id")
        times = [t for t in (self.arrival_at, self.service_start_at, self.departure_at) if t]
        if times != sorted(times):
            fail(N_("Arrival, service start and departure must be in this order."), "departure_at")
