"""Report periods are whole local days; their series are cut by day, week or month."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.errors import ValidationError
from matcher.reports.periods import BucketSize
from matcher.reports.periods import PeriodKind
from matcher.reports.periods import custom_period
from matcher.reports.periods import period_of

D = dt.date


def test_week_month_quarter_and_year_around_a_day():
    day = D(2026, 11, 19)  # a Thursday
    assert (period_of(PeriodKind.WEEK, day).first, period_of(PeriodKind.WEEK, day).last) == (
        D(2026, 11, 16),
        D(2026, 11, 22),
    )
    month = period_of(PeriodKind.MONTH, day)
    assert (month.first, month.last, month.days) == (D(2026, 11, 1), D(2026, 11, 30), 30)
    quarter = period_of(PeriodKind.QUARTER, day)
    assert (quarter.first, quarter.last) == (D(2026, 10, 1), D(2026, 12, 31))
    year = period_of(PeriodKind.YEAR, day)
    assert (year.first, year.last, year.days) == (D(2026, 1, 1), D(2026, 12, 31), 365)


def test_the_week_clocks_go_back_is_seven_days_cut_by_day():
    week = period_of(PeriodKind.WEEK, D(2026, 10, 25))  # Sunday of the change
    assert (week.first, week.days, week.bucket_size) == (D(2026, 10, 19), 7, BucketSize.DAY)
    assert [first for first, _ in week.buckets()][-1] == D(2026, 10, 25)


def test_buckets_cover_the_period_without_gaps():
    for kind, size in (
        (PeriodKind.MONTH, BucketSize.DAY),
        (PeriodKind.QUARTER, BucketSize.WEEK),
        (PeriodKind.YEAR, BucketSize.MONTH),
    ):
        period = period_of(kind, D(2027, 2, 14))
        assert period.bucket_size == size
        buckets = period.buckets()
        assert buckets[0][0] == period.first and buckets[-1][1] == period.last
        for (_, end), (start, _) in zip(buckets, buckets[1:], strict=False):
            assert start == end + dt.timedelta(days=1)
    assert len(period_of(PeriodKind.YEAR, D(2027, 1, 1)).buckets()) == 12
    # A quarter's weeks are clipped to the quarter: it starts on a Friday.
    assert period_of(PeriodKind.QUARTER, D(2027, 1, 5)).buckets()[0] == (
        D(2027, 1, 1),
        D(2027, 1, 3),
    )


def test_previous_and_next_step_by_the_period():
    march = period_of(PeriodKind.MONTH, D(2027, 3, 9))
    assert march.previous().first == D(2027, 2, 1) and march.previous().last == D(2027, 2, 28)
    assert march.next().first == D(2027, 4, 1)
    custom = custom_period(D(2027, 3, 1), D(2027, 3, 10))
    assert (custom.previous().first, custom.previous().last) == (D(2027, 2, 19), D(2027, 2, 28))


def test_a_custom_period_that_runs_backwards_or_too_long_is_refused():
    with pytest.raises(ValidationError) as backwards:
        custom_period(D(2027, 3, 10), D(2027, 3, 1))
    assert backwards.value.field == "last"
    with pytest.raises(ValidationError):
        custom_period(D(2020, 1, 1), D(2027, 1, 1))
    assert custom_period(D(2027, 3, 1), D(2027, 3, 1)).days == 1
