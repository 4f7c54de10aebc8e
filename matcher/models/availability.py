"""Drivers' availability: weekly windows plus dated exceptions.

Times are local wall-clock times (Europe/Berlin) on local days; the day's
shifts are derived from them when a day is planned, so an edit reaches the
next planning run without any copying. A window never crosses midnight: a
night availability is two windows (Mon 21:30-23:59, Tue 00:00-06:30).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship
from sqlalchemy.orm import validates

from matcher.db import Base
from matcher.errors import N_
from matcher.models.common import Timestamped
from matcher.models.common import check_int_range
from matcher.models.common import check_text
from matcher.models.common import enum_type
from matcher.models.common import fail

if TYPE_CHECKING:
    from matcher.models.people import Driver

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class AvailabilityWindow(Timestamped, Base):
    """A driver is available every ``weekday`` (0 = Monday) from ``start_time`` to ``end_time``."""

    __tablename__ = "availability_windows"
    __table_args__ = (
        sa.CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_range"),
        sa.CheckConstraint("end_time > start_time", name="end_after_start"),
        sa.Index("ix_availability_windows_driver_weekday", "driver_id", "weekday"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    driver_id: Mapped[int] = mapped_column(sa.ForeignKey("drivers.id", ondelete="CASCADE"))
    weekday: Mapped[int]
    start_time: Mapped[dt.time] = mapped_column(sa.Time)
    end_time: Mapped[dt.time] = mapped_column(sa.Time)

    driver: Mapped[Driver] = relationship(back_populates="windows")

    @validates("weekday")
    def _validate_weekday(self, key: str, value: int) -> int:
        return check_int_range(key, value, 0, 6)

    def check_consistency(self) -> None:
        """A window ends after it starts, on the same day."""
        start, end = self.start_time, self.end_time
        if start is not None and end is not None and end <= start:
            fail(
                N_("The time window must end after it starts ({start}-{end})."),
                "end_time",
                start=start.strftime("%H:%M"),
                end=end.strftime("%H:%M"),
            )

    def __repr__(self) -> str:
        times = f"{self.start_time}-{self.end_time}"
        return f"<AvailabilityWindow driver={self.driver_id} day={self.weekday} {times}>"


class ExceptionKind(StrEnum):
    """An exception either removes availability or adds a one-off window."""

    UNAVAILABLE = "unavailable"
    EXTRA = "extra"


class AvailabilityException(Timestamped, Base):
    """Dated change to the weekly pattern: holidays (unavailable) or an extra window.

    ``unavailable`` without times covers whole days; with times only that part
    of each day. ``extra`` always has times and applies on each day of the range.
    """

    __tablename__ = "availability_exceptions"
    __table_args__ = (
        sa.CheckConstraint("last_day >= first_day", name="last_day_not_before_first"),
        sa.CheckConstraint(
            "(start_time IS NULL AND end_time IS NULL)"
            " OR (start_time IS NOT NULL AND end_time IS NOT NULL AND end_time > start_time)",
            name="times_valid",
        ),
        sa.CheckConstraint("kind <> 'extra' OR start_time IS NOT NULL", name="extra_has_times"),
        sa.Index("ix_availability_exceptions_driver_days", "driver_id", "first_day", "last_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    driver_id: Mapped[int] = mapped_column(sa.ForeignKey("drivers.id", ondelete="CASCADE"))
    kind: Mapped[ExceptionKind] = mapped_column(enum_type(ExceptionKind, "exception_kind"))
    first_day: Mapped[dt.date] = mapped_column(sa.Date)
    last_day: Mapped[dt.date] = mapped_column(sa.Date)
    start_time: Mapped[dt.time | None] = mapped_column(sa.Time)
    end_time: Mapped[dt.time | None] = mapped_column(sa.Time)
    note: Mapped[str | None] = mapped_column(sa.String(200))

    driver: Mapped[Driver] = relationship(back_populates="exceptions")

    @validates("note")
    def _validate_note(self, key: str, value: str | None) -> str | None:
        return check_text(key, value, 200) or None

    def covers(self, day: dt.date) -> bool:
        """True if ``day`` lies in the exception's range."""
        return self.first_day <= day <= self.last_day

    def check_consistency(self) -> None:
        """Ranges and times in order; an extra window needs its times."""
        if self.first_day and self.last_day and self.last_day < self.first_day:
            fail(N_("The last day must not be before the first day."), "last_day")
        if (self.start_time is None) != (self.end_time is None):
            fail(N_("Give both a start and an end time, or neither."), "end_time")
        start, end = self.start_time, self.end_time
        if start is not None and end is not None and end <= start:
            fail(N_("The time window must end after it starts."), "end_time")
        if self.kind == ExceptionKind.EXTRA and self.start_time is None:
            fail(N_("An extra availability needs a start and an end time."), "start_time")
