"""On which days a need asks for rides, with which times: the rule, and the days ahead in bulk.

The rules are those of :mod:`matcher.demand.trips` (the need applies on a day
when it is active, its rider not erased, the day within its validity, not
paused, on its schedule, and not a public holiday unless the need is ``other``
or dated; a rotation week gives its own times). ``NeedDays`` holds what they
read from one need; ``NeedDays.of`` takes it from a loaded need (trip
generation), ``need_days`` reads it for many needs straight from the tables
(the dashboard's counts of the days ahead), and both go through
``NeedDays.times_on`` and ``ways``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from functools import lru_cache
from typing import Any

import holidays
import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.models import NeedDate
from matcher.models import NeedPause
from matcher.models import NeedPurpose
from matcher.models import NeedRotationWeek
from matcher.models import NeedStatus
from matcher.models import RideNeed
from matcher.models import Rider
from matcher.models import ScheduleKind
from matcher.settings import Settings


@dataclass(frozen=True)
class DayTimes:
    """The times a need asks for on one day."""

    arrive_by: dt.time | None
    pick_up_after: dt.time | None
    return_next_day: bool


@lru_cache(maxsize=64)
def _holidays(country: str, subdivision: str, year: int) -> frozenset[dt.date]:
    calendar = holidays.country_holidays(country, subdiv=subdivision or None, years=year)
    return frozenset(calendar.keys())


def is_public_holiday(day: dt.date, settings: Settings) -> bool:
    """True if ``day`` is a public holiday in the district's state."""
    return day in _holidays(settings.holiday_country, settings.holiday_subdivision, day.year)


@dataclass(frozen=True)
class NeedDays:
    """What decides on which days a need asks for rides, read from the need once.

    ``NeedDays.of(need)`` takes it from a loaded need; ``need_days`` reads it
    for many needs straight from the tables (no ORM objects), for the counts
    of the days ahead. ``times_on`` is the rule both go through.

    Attributes:
        applies: The need is active and its rider not erased.
        weeks: Rotation week index -> its times, ``None`` for a week off.
    """

    need_id: int
    applies: bool
    purpose: NeedPurpose
    kind: ScheduleKind
    valid_from: dt.date
    valid_until: dt.date | None
    weekdays: int
    times: DayTimes
    paused: frozenset[dt.date] = frozenset()
    dates: frozenset[dt.date] = frozenset()
    rotation_anchor: dt.date | None = None
    weeks: Mapping[int, DayTimes | None] = field(default_factory=dict)

    @classmethod
    def of(cls, need: RideNeed) -> NeedDays:
        """The need's schedule (its pauses, dates and rotation weeks loaded)."""
        return cls(
            need_id=need.id,
            applies=_applies(need.status, need.rider.erased_at),
            purpose=need.purpose,
            kind=need.schedule_kind,
            valid_from=need.valid_from,
            valid_until=need.valid_until,
            weekdays=need.weekdays,
            times=DayTimes(need.arrive_by, need.pick_up_after, need.return_next_day),
            paused=frozenset(p.day for p in need.paused_dates),
            dates=frozenset(d.day for d in need.dates),
            rotation_anchor=need.rotation_anchor,
            weeks={w.week_index: _week_times(w.off, w) for w in need.rotation_weeks},
        )

    def times_on(self, day: dt.date, settings: Settings) -> DayTimes | None:
        """The times the need asks for on ``day``, or None if it does not apply that day."""
        if not self.applies:
            return None
        if day < self.valid_from or (self.valid_until is not None and day > self.valid_until):
            return None
        if day in self.paused:
            return None
        if self.kind == ScheduleKind.DATES:
            if day not in self.dates:
                return None
        else:
            if not self.weekdays & (1 << day.weekday()):
                return None
            if self.purpose != NeedPurpose.OTHER and is_public_holiday(day, settings):
                return None
        if self.kind == ScheduleKind.ROTATING:
            if not self.weeks or self.rotation_anchor is None:
                return None
            index = ((day - self.rotation_anchor).days // 7) % (max(self.weeks) + 1)
            return self.weeks.get(index)
        return self.times


def _applies(status: NeedStatus, erased_at: dt.datetime | None) -> bool:
    return status == NeedStatus.ACTIVE and erased_at is None


def _week_times(off: bool, week: Any) -> DayTimes | None:
    return None if off else DayTimes(week.arrive_by, week.pick_up_after, week.return_next_day)


def ways(
    today: DayTimes | None, yesterday: DayTimes | None
) -> tuple[DayTimes | None, DayTimes | None]:
    """The times of the day's way there and way back (None: no such trip), from two days' times.

    A way back belongs to the day it happens: today's, unless it returns the next
    day; then yesterday's night-shift return comes back today instead.
    """
    there = today if today is not None and today.arrive_by is not None else None
    back = today if today is not None and not today.return_next_day else None
    if back is None and yesterday is not None and yesterday.return_next_day:
        back = yesterday
    if back is not None and back.pick_up_after is None:
        back = None
    return there, back


def need_days(session: Session, first_day: dt.date, last_day: dt.date) -> list[NeedDays]:
    """The schedules of the needs that may ask for rides on ``first_day`` .. ``last_day``.

    Four queries, read as plain rows (no ORM objects), however many needs there
    are: the needs, then their pauses, dates and rotation weeks. A return on the
    first day may come from the day before (night shift), so that day counts too.
    """
    since = first_day - dt.timedelta(days=1)
    needs = (
        sa.select(
            RideNeed.id,
            RideNeed.status,
            Rider.erased_at,
            RideNeed.purpose,
            RideNeed.schedule_kind,
            RideNeed.valid_from,
            RideNeed.valid_until,
            RideNeed.weekdays,
            RideNeed.arrive_by,
            RideNeed.pick_up_after,
            RideNeed.return_next_day,
            RideNeed.rotation_anchor,
        )
        .join(Rider, Rider.id == RideNeed.rider_id)
        .where(RideNeed.status == NeedStatus.ACTIVE, Rider.erased_at.is_(None))
        .where(RideNeed.valid_from <= last_day)
        .where(sa.or_(RideNeed.valid_until.is_(None), RideNeed.valid_until >= since))
        .order_by(RideNeed.id)
    )
    rows = session.execute(needs).all()
    if not rows:
        return []
    ids = sa.select(needs.subquery().c.id)
    paused: dict[int, set[dt.date]] = {}
    for need_id, day in session.execute(
        sa.select(NeedPause.need_id, NeedPause.day).where(
            NeedPause.need_id.in_(ids), NeedPause.day.between(since, last_day)
        )
    ):
        paused.setdefault(need_id, set()).add(day)
    dates: dict[int, set[dt.date]] = {}
    for need_id, day in session.execute(
        sa.select(NeedDate.need_id, NeedDate.day).where(
            NeedDate.need_id.in_(ids), NeedDate.day.between(since, last_day)
        )
    ):
        dates.setdefault(need_id, set()).add(day)
    weeks: dict[int, dict[int, DayTimes | None]] = {}
    for week in session.execute(
        sa.select(
            NeedRotationWeek.need_id,
            NeedRotationWeek.week_index,
            NeedRotationWeek.off,
            NeedRotationWeek.arrive_by,
            NeedRotationWeek.pick_up_after,
            NeedRotationWeek.return_next_day,
        ).where(NeedRotationWeek.need_id.in_(ids))
    ):
        weeks.setdefault(week.need_id, {})[week.week_index] = _week_times(week.off, week)
    return [
        NeedDays(
            need_id=row.id,
            applies=_applies(row.status, row.erased_at),
            purpose=row.purpose,
            kind=row.schedule_kind,
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            weekdays=row.weekdays,
            times=DayTimes(row.arrive_by, row.pick_up_after, row.return_next_day),
            paused=frozenset(paused.get(row.id, ())),
            dates=frozenset(dates.get(row.id, ())),
            rotation_anchor=row.rotation_anchor,
            weeks=weeks.get(row.id, {}),
        )
        for row in rows
    ]


def trip_counts(
    schedules: Iterable[NeedDays], days: Iterable[dt.date], settings: Settings
) -> Counter[dt.date]:
    """How many trips the needs ask for on each of ``days`` (what ``desired_trips`` would make)."""
    wanted = sorted(set(days))
    counts: Counter[dt.date] = Counter({day: 0 for day in wanted})
    span = sorted({d for day in wanted for d in (day - dt.timedelta(days=1), day)})
    for schedule in schedules:
        times = {d: schedule.times_on(d, settings) for d in span}
        for day in wanted:
            there, back = ways(times[day], times[day - dt.timedelta(days=1)])
            counts[day] += (there is not None) + (back is not None)
    return counts
