"""Ride needs (what a rider asked for, recurring) and trips (one dated ride each way).

A need recurs on weekdays (a bit mask, bit 0 = Monday), on an explicit list
of dates, or on a rotating shift pattern (a cycle of weeks anchored at a
Monday, each week with its own times). Times of day are local wall-clock
times; ``return_next_day`` marks a way back that starts after midnight (the
22-06 night shift), the one case where pick-up may be earlier than arrive-by.
Trips are materialised per local day and direction with their windows as UTC
instants, so planning never re-derives daylight-saving rules.
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

from matcher.db import Base
from matcher.db import UTCDateTime
from matcher.errors import N_
from matcher.models.common import MAX_SEATS
from matcher.models.common import Timestamped
from matcher.models.common import check_aware
from matcher.models.common import check_child_seats
from matcher.models.common import check_int_range
from matcher.models.common import check_text
from matcher.models.common import enum_type
from matcher.models.common import fail
from matcher.models.places import Place

if TYPE_CHECKING:
    from matcher.models.people import Rider

MAX_FLEXIBILITY_MINUTES = 180
MAX_ROTATION_WEEKS = 8
SEATS_CHECK = (
    f"seats_needed >= 1 AND seats_needed <= {MAX_SEATS}"
    " AND child_seats >= 0 AND booster_seats >= 0"
    " AND child_seats + booster_seats <= seats_needed"
)
"""Seats include the children; each child needs a child seat or a booster, never more than seats."""
TIMES_CHECK = (
    "arrive_by IS NULL OR pick_up_after IS NULL OR return_next_day OR pick_up_after > arrive_by"
)


class NeedPurpose(StrEnum):
    """Why the rider travels; the planner ranks work above courses above the rest."""

    JOB = "job"
    INTERNSHIP = "internship"
    SHIFT_WORK = "shift_work"
    COURSE = "course"
    OTHER = "other"


class NeedStatus(StrEnum):
    """Lifecycle: pending until a coordinator accepts it; only active needs make trips."""

    PENDING = "pending"
    ACTIVE = "active"
    PAUSED = "paused"
    CANCELLED = "cancelled"


class NeedDecision(StrEnum):
    """The office's last decision on a need (None: not decided yet, or edited since)."""

    ACCEPTED = "accepted"
    AUTO_ACCEPTED = "auto_accepted"
    CHANGE_REQUESTED = "change_requested"
    DECLINED = "declined"


class DeclineReason(StrEnum):
    """Why the office declines a need; the rider reads it in their language."""

    OUTSIDE_AREA = "outside_area"
    NOT_ELIGIBLE = "not_eligible"
    NO_DRIVERS = "no_drivers"
    DUPLICATE = "duplicate"
    OTHER = "other"


class ScheduleKind(StrEnum):
    """How the need recurs."""

    WEEKLY = "weekly"
    DATES = "dates"
    ROTATING = "rotating"


def weekdays_mask(days: Any) -> int:
    """Bit mask of weekdays (0 = Monday ... 6 = Sunday)."""
    mask = 0
    for day in days:
        if not 0 <= day <= 6:
            fail(N_("Weekdays are numbered 0 (Monday) to 6 (Sunday)."), "weekdays")
        mask |= 1 << day
    return mask


def _check_times(owner: Any, field: str = "pick_up_after") -> None:
    arrive, back = owner.arrive_by, owner.pick_up_after
    if arrive and back and not owner.return_next_day and back <= arrive:
        fail(
            N_("The way back ({back}) must be after the arrival ({arrive})."),
            field,
            back=back.strftime("%H:%M"),
            arrive=arrive.strftime("%H:%M"),
        )


class RideNeed(Timestamped, Base):
    """A rider's recurring need to get somewhere and (optionally) back."""

    __tablename__ = "ride_needs"
    __table_args__ = (
        sa.CheckConstraint(SEATS_CHECK, name="seats_valid"),
        sa.CheckConstraint(TIMES_CHECK, name="back_after_arrival"),
        sa.CheckConstraint(
            f"flexibility_minutes >= 0 AND flexibility_minutes <= {MAX_FLEXIBILITY_MINUTES}",
            name="flexibility_range",
        ),
        sa.CheckConstraint(
            "valid_until IS NULL OR valid_until >= valid_from", name="valid_until_after_from"
        ),
        sa.CheckConstraint("weekdays >= 0 AND weekdays <= 127", name="weekdays_mask"),
        sa.CheckConstraint("schedule_kind = 'dates' OR weekdays > 0", name="weekdays_given"),
        sa.CheckConstraint(
            "schedule_kind = 'rotating' OR arrive_by IS NOT NULL OR pick_up_after IS NOT NULL",
            name="has_a_time",
        ),
        sa.CheckConstraint(
            "schedule_kind <> 'rotating' OR rotation_anchor IS NOT NULL", name="rotation_anchored"
        ),
        sa.CheckConstraint("origin_id <> destination_id", name="origin_not_destination"),
        sa.Index("ix_ride_needs_status_valid", "status", "valid_from", "valid_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rider_id: Mapped[int] = mapped_column(
        sa.ForeignKey("riders.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[NeedPurpose] = mapped_column(enum_type(NeedPurpose, "need_purpose"))
    origin_id: Mapped[int] = mapped_column(sa.ForeignKey("places.id", ondelete="RESTRICT"))
    destination_id: Mapped[int] = mapped_column(sa.ForeignKey("places.id", ondelete="RESTRICT"))
    via_id: Mapped[int | None] = mapped_column(sa.ForeignKey("places.id", ondelete="RESTRICT"))
    """Intermediate stop both ways, e.g. the daycare a child is dropped at."""
    schedule_kind: Mapped[ScheduleKind] = mapped_column(
        enum_type(ScheduleKind, "schedule_kind"), default=ScheduleKind.WEEKLY
    )
    weekdays: Mapped[int] = mapped_column(default=0)
    rotation_anchor: Mapped[dt.date | None] = mapped_column(sa.Date)
    """Monday on which week 0 of the rotation starts."""
    arrive_by: Mapped[dt.time | None] = mapped_column(sa.Time)
    pick_up_after: Mapped[dt.time | None] = mapped_column(sa.Time)
    return_next_day: Mapped[bool] = mapped_column(default=False)
    flexibility_minutes: Mapped[int] = mapped_column(default=15)
    seats_needed: Mapped[int] = mapped_column(default=1)
    child_seats: Mapped[int] = mapped_column(default=0)
    booster_seats: Mapped[int] = mapped_column(default=0)
    valid_from: Mapped[dt.date] = mapped_column(sa.Date)
    valid_until: Mapped[dt.date | None] = mapped_column(sa.Date)
    status: Mapped[NeedStatus] = mapped_column(
        enum_type(NeedStatus, "need_status"), default=NeedStatus.PENDING
    )
    note: Mapped[str | None] = mapped_column(sa.Text)
    decision: Mapped[NeedDecision | None] = mapped_column(enum_type(NeedDecision, "need_decision"))
    decline_reason: Mapped[DeclineReason | None] = mapped_column(
        enum_type(DeclineReason, "decline_reason")
    )
    decision_note: Mapped[str | None] = mapped_column(sa.Text)
    """The coordinator's words to the rider (a change to make, a decline's details)."""
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    edited_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    """When the rider last changed the need (it is back in the intake queue)."""
    row_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": row_version}

    rider: Mapped[Rider] = relationship(back_populates="needs")
    origin: Mapped[Place] = relationship(foreign_keys=[origin_id])
    destination: Mapped[Place] = relationship(foreign_keys=[destination_id])
    via: Mapped[Place | None] = relationship(foreign_keys=[via_id])
    dates: Mapped[list[NeedDate]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="NeedDate.day"
    )
    paused_dates: Mapped[list[NeedPause]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="NeedPause.day"
    )
    rotation_weeks: Mapped[list[NeedRotationWeek]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="NeedRotationWeek.week_index"
    )

    @property
    def weekday_set(self) -> frozenset[int]:
        """The weekdays as numbers, 0 = Monday."""
        return frozenset(d for d in range(7) if self.weekdays & (1 << d))

    @weekday_set.setter
    def weekday_set(self, days: Any) -> None:
        self.weekdays = weekdays_mask(days)

    @validates("weekdays")
    def _validate_weekdays(self, key: str, value: int) -> int:
        return check_int_range(key, value, 0, 127)

    @validates("seats_needed")
    def _validate_seats(self, key: str, value: int) -> int:
        return check_int_range(key, value, 1, MAX_SEATS)

    @validates("child_seats", "booster_seats")
    def _validate_child_seats(self, key: str, value: int) -> int:
        return check_int_range(key, value, 0, MAX_SEATS)

    @validates("flexibility_minutes")
    def _validate_flexibility(self, key: str, value: int) -> int:
        return check_int_range(key, value, 0, MAX_FLEXIBILITY_MINUTES)

    @validates("note", "decision_note")
    def _validate_note(self, key: str, value: str | None) -> str | None:
        return check_text(key, value, 2000) or None

    def check_consistency(self) -> None:
        """Rules across fields, checked before each flush."""
        _check_times(self)
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            fail(N_("The end date must not be before the start date."), "valid_until")
        if self.seats_needed is not None:
            check_child_seats(self.seats_needed, self.child_seats, self.booster_seats)
        kind = self.schedule_kind or ScheduleKind.WEEKLY
        if kind != ScheduleKind.DATES and not self.weekdays:
            fail(N_("Choose at least one weekday."), "weekdays")
        if kind != ScheduleKind.ROTATING and self.arrive_by is None and self.pick_up_after is None:
            fail(N_("Give an arrival time, a pick-up time for the way back, or both."), "arrive_by")
        if kind == ScheduleKind.ROTATING:
            if self.rotation_anchor is None:
                fail(N_("A rotating shift pattern needs its first week."), "rotation_anchor")
            elif self.rotation_anchor.weekday() != 0:
                fail(N_("A rotating shift pattern starts on a Monday."), "rotation_anchor")
        ends = (self.origin_id, self.destination_id)
        if None not in ends and ends[0] == ends[1]:
            fail(N_("Start and destination must differ."), "destination_id")

    def __repr__(self) -> str:
        return f"<RideNeed {self.id} rider={self.rider_id} {self.purpose} {self.status}>"


class NeedDate(Base):
    """One explicit date of a need with ``schedule_kind = 'dates'``."""

    __tablename__ = "need_dates"

    need_id: Mapped[int] = mapped_column(
        sa.ForeignKey("ride_needs.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[dt.date] = mapped_column(sa.Date, primary_key=True)


class NeedPause(Base):
    """A day the rider does not need the ride (paused from the personal page)."""

    __tablename__ = "need_pauses"

    need_id: Mapped[int] = mapped_column(
        sa.ForeignKey("ride_needs.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[dt.date] = mapped_column(sa.Date, primary_key=True)


class NeedRotationWeek(Base):
    """Week ``week_index`` of a rotating pattern: its times, or ``off`` for a free week."""

    __tablename__ = "need_rotation_weeks"
    __table_args__ = (
        sa.CheckConstraint(
            f"week_index >= 0 AND week_index < {MAX_ROTATION_WEEKS}", name="week_index_range"
        ),
        sa.CheckConstraint(TIMES_CHECK, name="back_after_arrival"),
        sa.CheckConstraint(
            "off OR arrive_by IS NOT NULL OR pick_up_after IS NOT NULL", name="has_a_time"
        ),
    )

    need_id: Mapped[int] = mapped_column(
        sa.ForeignKey("ride_needs.id", ondelete="CASCADE"), primary_key=True
    )
    week_index: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    off: Mapped[bool] = mapped_column(default=False)
    label: Mapped[str | None] = mapped_column(sa.String(40))
    """E.g. "early week" / "late week", shown to people."""
    arrive_by: Mapped[dt.time | None] = mapped_column(sa.Time)
    pick_up_after: Mapped[dt.time | None] = mapped_column(sa.Time)
    return_next_day: Mapped[bool] = mapped_column(default=False)

    @validates("week_index")
    def _validate_week_index(self, key: str, value: int) -> int:
        return check_int_range(key, value, 0, MAX_ROTATION_WEEKS - 1)

    def check_consistency(self) -> None:
        """A working week has a time; the way back comes after the arrival."""
        if not self.off and self.arrive_by is None and self.pick_up_after is None:
            fail(N_("Give an arrival time, a pick-up time for the way back, or both."), "arrive_by")
        _check_times(self)


class TripDirection(StrEnum):
    """Way there (arrive by a time) or way back (picked up after a time)."""

    OUTBOUND = "outbound"
    RETURN = "return"


class TripStatus(StrEnum):
    """Where a trip stands for its day."""

    REQUESTED = "requested"
    PLANNED = "planned"
    UNSERVED = "unserved"
    CANCELLED = "cancelled"


class Trip(Timestamped, Base):
    """One ride on one local day in one direction: from a need, or one-off (``need_id`` NULL).

    The windows are UTC instants: pick-up no earlier than ``earliest_pickup`` and
    no later than ``latest_pickup``, drop-off between ``earliest_dropoff`` and
    ``latest_dropoff``; any may be open. Seats and places are copied from the need,
    so a later edit of the need does not silently change a published plan.
    """

    __tablename__ = "trips"
    __table_args__ = (
        sa.UniqueConstraint("need_id", "day", "direction", name="uq_trips_need_day_direction"),
        sa.CheckConstraint(SEATS_CHECK, name="seats_valid"),
        sa.CheckConstraint(
            "earliest_pickup IS NOT NULL OR latest_dropoff IS NOT NULL", name="has_a_window"
        ),
        sa.CheckConstraint(
            "latest_pickup IS NULL OR earliest_pickup IS NULL OR latest_pickup >= earliest_pickup",
            name="pickup_window_order",
        ),
        sa.CheckConstraint(
            "latest_dropoff IS NULL OR earliest_dropoff IS NULL"
            " OR latest_dropoff >= earliest_dropoff",
            name="dropoff_window_order",
        ),
        sa.CheckConstraint(
            "latest_dropoff IS NULL OR earliest_pickup IS NULL OR latest_dropoff > earliest_pickup",
            name="dropoff_after_pickup",
        ),
        sa.CheckConstraint(
            "status <> 'unserved' OR unserved_reason IS NOT NULL", name="unserved_has_reason"
        ),
        sa.CheckConstraint("origin_id <> destination_id", name="origin_not_destination"),
        sa.Index("ix_trips_day_status", "day", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ride_needs.id", ondelete="CASCADE"))
    rider_id: Mapped[int] = mapped_column(
        sa.ForeignKey("riders.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[dt.date] = mapped_column(sa.Date)
    """The local service day (Europe/Berlin) the trip belongs to."""
    direction: Mapped[TripDirection] = mapped_column(enum_type(TripDirection, "trip_direction"))
    purpose: Mapped[NeedPurpose] = mapped_column(enum_type(NeedPurpose, "need_purpose"))
    origin_id: Mapped[int] = mapped_column(sa.ForeignKey("places.id", ondelete="RESTRICT"))
    destination_id: Mapped[int] = mapped_column(sa.ForeignKey("places.id", ondelete="RESTRICT"))
    via_id: Mapped[int | None] = mapped_column(sa.ForeignKey("places.id", ondelete="RESTRICT"))
    seats_needed: Mapped[int] = mapped_column(default=1)
    child_seats: Mapped[int] = mapped_column(default=0)
    booster_seats: Mapped[int] = mapped_column(default=0)
    earliest_pickup: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    latest_pickup: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    earliest_dropoff: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    latest_dropoff: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[TripStatus] = mapped_column(
        enum_type(TripStatus, "trip_status"), default=TripStatus.REQUESTED
    )
    unserved_reason: Mapped[str | None] = mapped_column(sa.String(40))
    """A code from the solver (e.g. ``no_driver_in_window``); the page words it for people."""
    unserved_details: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    note: Mapped[str | None] = mapped_column(sa.String(500))
    direct_seconds: Mapped[int | None]
    """Travel time straight from pick-up to drop-off, as the planner last computed it."""

    need: Mapped[RideNeed | None] = relationship()
    rider: Mapped[Rider] = relationship()
    origin: Mapped[Place] = relationship(foreign_keys=[origin_id])
    destination: Mapped[Place] = relationship(foreign_keys=[destination_id])
    via: Mapped[Place | None] = relationship(foreign_keys=[via_id])

    @validates("seats_needed")
    def _validate_seats(self, key: str, value: int) -> int:
        return check_int_range(key, value, 1, MAX_SEATS)

    @validates("child_seats", "booster_seats")
    def _validate_child_seats(self, key: str, value: int) -> int:
        return check_int_range(key, value, 0, MAX_SEATS)

    @validates("earliest_pickup", "latest_pickup", "earliest_dropoff", "latest_dropoff")
    def _validate_instants(self, key: str, value: dt.datetime | None) -> dt.datetime | None:
        return check_aware(key, value)

    def check_consistency(self) -> None:
        """Windows in order, seats that fit, a reason for an unserved trip."""
        if self.earliest_pickup is None and self.latest_dropoff is None:
            fail(
                N_("A trip needs an earliest pick-up or a latest drop-off time."), "latest_dropoff"
            )
        pairs = (
            (self.earliest_pickup, self.latest_pickup, "latest_pickup"),
            (self.earliest_dropoff, self.latest_dropoff, "latest_dropoff"),
        )
        for early, late, field in pairs:
            if early is not None and late is not None and late < early:
                fail(N_("A time window must not end before it starts."), field)
        pickup, dropoff = self.earliest_pickup, self.latest_dropoff
        if pickup and dropoff and dropoff <= pickup:
            fail(N_("The drop-off must be after the pick-up."), "latest_dropoff")
        check_child_seats(self.seats_needed, self.child_seats, self.booster_seats)
        if self.status == TripStatus.UNSERVED and not self.unserved_reason:
            fail(N_("An unserved trip needs a reason."), "unserved_reason")
        ends = (self.origin_id, self.destination_id)
        if None not in ends and ends[0] == ends[1]:
            fail(N_("Start and destination must differ."), "destination_id")

    def __repr__(self) -> str:
        return f"<Trip {self.id} {self.day} {self.direction} rider={self.rider_id} {self.status}>"
