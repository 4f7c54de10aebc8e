"""Expand a need's schedule into the local days it occurs on, with that day's times.

Pure functions on plain dataclasses (no database): trip generation calls
:func:`occurrences` for a planning range, the personal page and the forms call
it to preview. A schedule is one of three kinds (``ScheduleKind``):

* ``weekly``: a weekday bit mask (bit 0 = Monday), same times every week;
* ``rotating``: a cycle of N weeks anchored at a Monday; week ``k`` of the
  cycle has its own times or is off ("early week / late week / off week"),
  on the weekdays of the mask;
* ``dates``: an explicit list of days, same times each.

Times are local wall-clock times; turning them into instants (and so the
daylight-saving rules) is :mod:`matcher.clock`'s job, which is why a week
that contains a clock change expands exactly like any other week.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import Any

from matcher.models.needs import ScheduleKind

if TYPE_CHECKING:
    from matcher.models.needs import RideNeed

ALL_WEEKDAYS = 0b1111111
WORKDAYS = 0b0011111


@dataclass(frozen=True)
class ShiftTimes:
    """The times of one day (or of one rotation week): ``None`` means that way is not needed."""

    arrive_by: dt.time | None = None
    pick_up_after: dt.time | None = None
    return_next_day: bool = False
    """The way back starts after midnight, on the following local day (night shift)."""

    def __post_init__(self) -> None:
        if self.arrive_by is None and self.pick_up_after is None:
            raise ValueError("Give arrive_by, pick_up_after or both.")


@dataclass(frozen=True)
class RotationWeek:
    """Week ``index`` of a rotation: its times, or ``times=None`` for a week off."""

    times: ShiftTimes | None
    label: str | None = None


@dataclass(frozen=True)
class Pattern:
    """When a need occurs.

    Attributes:
        kind: weekly, rotating or dates.
        valid_from: first local day (inclusive).
        valid_until: last local day (inclusive); ``None`` = open-ended.
        weekdays: bit mask, bit 0 = Monday (weekly and rotating).
        times: the times of a weekly or dates pattern.
        rotation_anchor: Monday of week 0 of a rotating pattern.
        rotation: the cycle's weeks in order (length N >= 1).
        dates: the days of a dates pattern.
        paused: days the rider said "not this day".
    """

    kind: ScheduleKind
    valid_from: dt.date
    valid_until: dt.date | None = None
    weekdays: int = 0
    times: ShiftTimes | None = None
    rotation_anchor: dt.date | None = None
    rotation: tuple[RotationWeek, ...] = ()
    dates: frozenset[dt.date] = field(default_factory=frozenset)
    paused: frozenset[dt.date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not 0 <= self.weekdays <= ALL_WEEKDAYS:
            raise ValueError("weekdays must be a 7-bit mask.")
        if self.valid_until is not None and self.valid_until < self.valid_from:
            raise ValueError("valid_until must not be before valid_from.")
        if self.kind == ScheduleKind.ROTATING:
            if self.rotation_anchor is None or self.rotation_anchor.weekday() != 0:
                raise ValueError("A rotating pattern needs a Monday as its anchor.")
            if not self.rotation:
                raise ValueError("A rotating pattern needs at least one week.")
        elif self.times is None:
            raise ValueError("A weekly or dates pattern needs its times.")
        if self.kind != ScheduleKind.DATES and not self.weekdays:
            raise ValueError("Choose at least one weekday.")


@dataclass(frozen=True)
class Occurrence:
    """One local day on which the need occurs, with that day's times."""

    day: dt.date
    times: ShiftTimes
    week_label: str | None = None

    @property
    def arrive_by(self) -> dt.time | None:
        """Arrival at the destination no later than this (way there)."""
        return self.times.arrive_by

    @property
    def pick_up_after(self) -> dt.time | None:
        """Pick-up at the destination no earlier than this (way back)."""
        return self.times.pick_up_after

    @property
    def return_day(self) -> dt.date:
        """The local day the way back happens (the next one for a night shift)."""
        return self.day + dt.timedelta(days=1) if self.times.return_next_day else self.day


def mask_of(days: Iterable[int]) -> int:
    """Bit mask of weekday numbers (0 = Monday)."""
    mask = 0
    for d in days:
        if not 0 <= d <= 6:
            raise ValueError("Weekdays are numbered 0 (Monday) to 6 (Sunday).")
        mask |= 1 << d
    return mask


def days_of(mask: int) -> tuple[int, ...]:
    """Weekday numbers in a bit mask, Monday first."""
    return tuple(d for d in range(7) if mask & (1 << d))


def rotation_week_index(anchor: dt.date, day: dt.date, cycle: int) -> int:
    """Which week of an N-week cycle ``day`` falls in (also before the anchor)."""
    monday = day - dt.timedelta(days=day.weekday())
    return ((monday - anchor).days // 7) % cycle


def need_occurs_on(pattern: Pattern, day: dt.date) -> Occurrence | None:
    """The occurrence on local ``day``, or ``None`` if the need does not occur then."""
    if day < pattern.valid_from or (pattern.valid_until is not None and day > pattern.valid_until):
        return None
    if day in pattern.paused:
        return None
    if pattern.kind == ScheduleKind.DATES:
        if day in pattern.dates and pattern.times is not None:
            return Occurrence(day, pattern.times)
        return None
    if not pattern.weekdays & (1 << day.weekday()):
        return None
    if pattern.kind == ScheduleKind.ROTATING:
        assert pattern.rotation_anchor is not None  # checked in Pattern.__post_init__
        week = pattern.rotation[
            rotation_week_index(pattern.rotation_anchor, day, len(pattern.rotation))
        ]
        if week.times is None:
            return None
        return Occurrence(day, week.times, week.label)
    assert pattern.times is not None
    return Occurrence(day, pattern.times)


def occurrences(pattern: Pattern, start: dt.date, end: dt.date) -> Iterator[Occurrence]:
    """Occurrences on the local days ``start`` .. ``end`` (both inclusive), in order."""
    first = max(start, pattern.valid_from)
    last = end if pattern.valid_until is None else min(end, pattern.valid_until)
    if pattern.kind == ScheduleKind.DATES:
        candidates: Iterable[dt.date] = sorted(d for d in pattern.dates if first <= d <= last)
    else:
        candidates = (first + dt.timedelta(days=i) for i in range(max(0, (last - first).days + 1)))
    for day in candidates:
        occurrence = need_occurs_on(pattern, day)
        if occurrence is not None:
            yield occurrence


def _times(owner: Any) -> ShiftTimes | None:
    if owner.arrive_by is None and owner.pick_up_after is None:
        return None
    return ShiftTimes(owner.arrive_by, owner.pick_up_after, bool(owner.return_next_day))


def pattern_from_need(need: RideNeed) -> Pattern:
    """The pattern of a stored need (its dates, rotation weeks and pauses included)."""
    kind = ScheduleKind(need.schedule_kind or ScheduleKind.WEEKLY)
    rotation: tuple[RotationWeek, ...] = ()
    if kind == ScheduleKind.ROTATING:
        weeks = sorted(need.rotation_weeks, key=lambda w: w.week_index)
        rotation = tuple(RotationWeek(None if w.off else _times(w), w.label) for w in weeks)
    return Pattern(
        kind=kind,
        valid_from=need.valid_from,
        valid_until=need.valid_until,
        weekdays=need.weekdays or 0,
        times=None if kind == ScheduleKind.ROTATING else _times(need),
        rotation_anchor=need.rotation_anchor,
        rotation=rotation,
        dates=frozenset(d.day for d in need.dates),
        paused=frozenset(p.day for p in need.paused_dates),
    )
