"""The period a report covers, in local days, and the buckets its time series use.

Periods are whole local days, so a week with a daylight-saving change is still
seven days; instants are never involved here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from matcher.errors import N_
from matcher.models.common import fail

MAX_CUSTOM_DAYS = 3 * 366
"""A custom period longer than three years is refused: reports compare years, not decades."""


class PeriodKind(StrEnum):
    """The periods the report filter offers."""

    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    CUSTOM = "custom"


class BucketSize(StrEnum):
    """How a period's time series is cut: by day up to a month, by week up to a quarter."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class Period:
    """From ``first`` to ``last`` inclusive."""

    kind: PeriodKind
    first: dt.date
    last: dt.date

    @property
    def days(self) -> int:
        """How many local days the period holds."""
        return (self.last - self.first).days + 1

    @property
    def bucket_size(self) -> BucketSize:
        """Days up to a month, weeks up to a quarter, months beyond: at most about 36 points."""
        if self.days <= 31:
            return BucketSize.DAY
        if self.days <= 92:
            return BucketSize.WEEK
        return BucketSize.MONTH

    def buckets(self) -> list[tuple[dt.date, dt.date]]:
        """Consecutive (first, last) days covering the period; the ends are clipped to it."""
        size = self.bucket_size
        out: list[tuple[dt.date, dt.date]] = []
        start = self.first
        while start <= self.last:
            if size == BucketSize.DAY:
                end = start
            elif size == BucketSize.WEEK:
                end = start + dt.timedelta(days=6 - start.weekday())
            else:
                end = _month_after(start.replace(day=1)) - dt.timedelta(days=1)
            end = min(end, self.last)
            out.append((start, end))
            start = end + dt.timedelta(days=1)
        return out

    def previous(self) -> Period:
        """The period of the same kind just before (a custom one of the same length)."""
        if self.kind == PeriodKind.CUSTOM:
            return Period(
                self.kind,
                self.first - dt.timedelta(days=self.days),
                self.first - dt.timedelta(days=1),
            )
        return period_of(self.kind, self.first - dt.timedelta(days=1))

    def next(self) -> Period:
        """The period of the same kind just after."""
        if self.kind == PeriodKind.CUSTOM:
            return Period(
                self.kind,
                self.last + dt.timedelta(days=1),
                self.last + dt.timedelta(days=self.days),
            )
        return period_of(self.kind, self.last + dt.timedelta(days=1))


def _month_after(first_of_month: dt.date) -> dt.date:
    year, month = divmod(first_of_month.month, 12)
    return dt.date(first_of_month.year + year, month + 1, 1)


def period_of(kind: PeriodKind, day: dt.date) -> Period:
    """The week (Monday to Sunday), month, quarter or year that holds ``day``."""
    if kind == PeriodKind.WEEK:
        first = day - dt.timedelta(days=day.weekday())
        return Period(kind, first, first + dt.timedelta(days=6))
    if kind == PeriodKind.MONTH:
        first = day.replace(day=1)
    elif kind == PeriodKind.QUARTER:
        first = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    elif kind == PeriodKind.YEAR:
        return Period(kind, dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))
    else:
        fail(N_("A custom period needs its first and last day."), "first")
    months = 3 if kind == PeriodKind.QUARTER else 1
    end = first
    for _ in range(months):
        end = _month_after(end)
    return Period(kind, first, end - dt.timedelta(days=1))


def custom_period(first: dt.date, last: dt.date) -> Period:
    """A period the coordinator chose; refused when it runs backwards or spans over three years."""
    if last < first:
        fail(N_("The last day of the period must not be before its first day."), "last")
    if (last - first).days + 1 > MAX_CUSTOM_DAYS:
        fail(N_("A period can be at most three years long."), "last")
    return Period(PeriodKind.CUSTOM, first, last)
