"""Expanding weekly, rotating and dated schedules into days (pure, no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.clock import local_instant
from matcher.demand.recurrence import WORKDAYS
from matcher.demand.recurrence import Pattern
from matcher.demand.recurrence import RotationWeek
from matcher.demand.recurrence import ShiftTimes
from matcher.demand.recurrence import days_of
from matcher.demand.recurrence import mask_of
from matcher.demand.recurrence import need_occurs_on
from matcher.demand.recurrence import occurrences
from matcher.demand.recurrence import rotation_week_index
from matcher.models.needs import ScheduleKind

D = dt.date
T = dt.time
EARLY = ShiftTimes(T(5, 45), T(14, 15))
LATE = ShiftTimes(T(13, 45), T(22, 15))
NIGHT = ShiftTimes(T(21, 45), T(6, 15), return_next_day=True)


def weekly(**kw) -> Pattern:
    kw.setdefault("valid_from", D(2026, 3, 1))
    kw.setdefault("weekdays", WORKDAYS)
    kw.setdefault("times", ShiftTimes(T(8), T(16, 30)))
    return Pattern(kind=ScheduleKind.WEEKLY, **kw)


def rotating(weeks, anchor=dt.date(2026, 3, 23), **kw) -> Pattern:
    kw.setdefault("valid_from", D(2026, 3, 1))
    kw.setdefault("weekdays", WORKDAYS)
    return Pattern(kind=ScheduleKind.ROTATING, rotation_anchor=anchor, rotation=tuple(weeks), **kw)


def test_mask_round_trip():
    assert mask_of([0, 2, 4]) == 0b10101
    assert days_of(0b10101) == (0, 2, 4)
    with pytest.raises(ValueError):
        mask_of([7])


def test_weekly_on_workdays_only():
    days = [o.day for o in occurrences(weekly(), D(2026, 3, 2), D(2026, 3, 8))]
    assert days == [D(2026, 3, d) for d in range(2, 7)]
    assert need_occurs_on(weekly(), D(2026, 3, 7)) is None  # Saturday


def test_validity_bounds_and_pauses():
    p = weekly(
        valid_from=D(2026, 3, 4), valid_until=D(2026, 3, 10), paused=frozenset({D(2026, 3, 5)})
    )
    days = [o.day for o in occurrences(p, D(2026, 3, 1), D(2026, 3, 31))]
    assert days == [D(2026, 3, 4), D(2026, 3, 6), D(2026, 3, 9), D(2026, 3, 10)]


def test_early_late_rotation_across_spring_dst_week():
    # Week of 23 March 2026 = early, week of 30 March (clocks went forward on 29 March) = late.
    p = rotating([RotationWeek(EARLY, "early"), RotationWeek(LATE, "late")])
    occ = list(occurrences(p, D(2026, 3, 23), D(2026, 4, 12)))
    assert [o.day for o in occ][:5] == [D(2026, 3, d) for d in range(23, 28)]
    assert {o.week_label for o in occ if o.day < D(2026, 3, 30)} == {"early"}
    assert {o.week_label for o in occ if D(2026, 3, 30) <= o.day <= D(2026, 4, 5)} == {"late"}
    assert {o.week_label for o in occ if o.day >= D(2026, 4, 6)} == {"early"}
    assert len(occ) == 15
    # The wall-clock time is kept; the UTC instant moves by an hour across the change.
    before = local_instant(D(2026, 3, 27), EARLY.arrive_by)
    after = local_instant(D(2026, 4, 6), EARLY.arrive_by)
    assert before.hour == 4 and after.hour == 3


def test_rotation_before_anchor_and_off_week():
    p = rotating(
        [RotationWeek(EARLY, "early"), RotationWeek(LATE, "late"), RotationWeek(None, "off")],
        anchor=D(2026, 10, 19),
        valid_from=D(2026, 10, 1),
    )
    # 12 Oct is one week before the anchor: week index -1 % 3 = 2 -> off.
    assert rotation_week_index(D(2026, 10, 19), D(2026, 10, 14), 3) == 2
    assert need_occurs_on(p, D(2026, 10, 14)) is None
    assert need_occurs_on(p, D(2026, 10, 19)).week_label == "early"
    # Week of 26 October 2026 contains the autumn clock change (Sunday 25 October).
    assert need_occurs_on(p, D(2026, 10, 26)).week_label == "late"
    assert need_occurs_on(p, D(2026, 11, 2)) is None


def test_night_shift_returns_next_day():
    p = weekly(weekdays=mask_of([6]), times=NIGHT)  # Sunday nights
    occ = need_occurs_on(p, D(2026, 10, 25))  # the 25-hour day
    assert occ is not None and occ.return_day == D(2026, 10, 26)


def test_explicit_dates():
    p = Pattern(
        kind=ScheduleKind.DATES,
        valid_from=D(2026, 1, 1),
        times=ShiftTimes(T(9)),
        dates=frozenset({D(2026, 5, 4), D(2026, 5, 20), D(2026, 7, 1)}),
        paused=frozenset({D(2026, 5, 20)}),
    )
    assert [o.day for o in occurrences(p, D(2026, 5, 1), D(2026, 6, 30))] == [D(2026, 5, 4)]


@pytest.mark.parametrize(
    "kwargs",
    [
        # rotating pattern anchored on a Tuesday
        dict(
            kind=ScheduleKind.ROTATING,
            rotation_anchor=D(2026, 3, 24),
            weekdays=1,
            rotation=(RotationWeek(EARLY),),
        ),
        # rotating pattern without weeks
        dict(kind=ScheduleKind.ROTATING, rotation_anchor=D(2026, 3, 23), weekdays=1),
        # weekly pattern without times
        dict(kind=ScheduleKind.WEEKLY, weekdays=1),
        # weekly pattern without weekdays
        dict(kind=ScheduleKind.WEEKLY, weekdays=0, times=EARLY),
        # end before start
        dict(kind=ScheduleKind.WEEKLY, weekdays=1, times=EARLY, valid_until=D(2025, 1, 1)),
    ],
)
def test_invalid_patterns(kwargs):
    with pytest.raises(ValueError):
        Pattern(valid_from=D(2026, 1, 1), **kwargs)


def test_shift_times_need_one_time():
    with pytest.raises(ValueError):
        ShiftTimes()
