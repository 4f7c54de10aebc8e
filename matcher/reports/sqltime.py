"""Instants and days as numbers inside SQL, on SQLite and PostgreSQL alike.

Reports aggregate in the database, so the arithmetic on times must be SQL too:
seconds since the epoch (for durations), the ISO weekday of a day, and the
local hour of an instant. SQLite stores instants as UTC text and PostgreSQL as
``timestamptz``; each needs its own expression.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from matcher.clock import local_midnight

UNIX_EPOCH_JULIAN_DAY = 2440587.5
"""1970-01-01 00:00 UTC as a Julian day number, as SQLite's julianday() counts."""


def epoch_seconds(instant: sa.ColumnExpressionArgument[Any], dialect: str) -> sa.ColumnElement[int]:
    """Whole seconds since 1970-01-01 UTC."""
    if dialect == "sqlite":
        # julianday is a number already; strftime('%s') formats and parses text, twice as slow.
        days = sa.func.julianday(instant) - UNIX_EPOCH_JULIAN_DAY
        return sa.cast(sa.func.round(days * 86400), sa.BigInteger)
    return sa.cast(sa.extract("epoch", instant), sa.BigInteger)


def iso_weekday(day: sa.ColumnExpressionArgument[dt.date], dialect: str) -> sa.ColumnElement[int]:
    """1 for Monday to 7 for Sunday."""
    if dialect == "sqlite":
        sunday_zero = sa.cast(sa.func.strftime("%w", day), sa.Integer)
        return (sunday_zero + 6) % 7 + 1
    return sa.cast(sa.extract("isodow", day), sa.Integer)


def utc_offsets(first: dt.date, last: dt.date, tz: dt.tzinfo) -> list[tuple[int, int]]:
    """(from epoch second, UTC offset in seconds) for the local days ``first``..``last``.

    One entry per stretch of constant offset, found hour by hour on the days
    the offset changes, so an instant just after the clocks change gets the new
    offset and one just before the old.
    """

    def offset(at: dt.datetime) -> int:
        delta = at.astimezone(tz).utcoffset()
        return int(delta.total_seconds()) if delta is not None else 0

    start = local_midnight(first, tz)
    out = [(int(start.timestamp()), offset(start))]
    day = first
    while day <= last:
        end = local_midnight(day + dt.timedelta(days=1), tz)
        if offset(end) != out[-1][1]:
            at = local_midnight(day, tz)
            while offset(at) == out[-1][1]:
                at += dt.timedelta(minutes=15)
            out.append((int(at.timestamp()), offset(at)))
        day += dt.timedelta(days=1)
    return out


def local_hour(
    instant: sa.ColumnExpressionArgument[Any],
    dialect: str,
    offsets: list[tuple[int, int]],
    zone: str | None = None,
) -> sa.ColumnElement[int]:
    """The hour (0-23) on the local clock, using ``utc_offsets`` of the period.

    PostgreSQL knows time zones by name (``zone``, such as ``Europe/Berlin``) and
    converts natively, which is cheaper than the arithmetic SQLite needs.
    """
    if dialect == "postgresql" and zone:
        return sa.cast(sa.extract("hour", sa.func.timezone(zone, instant)), sa.Integer)
    epoch = epoch_seconds(instant, dialect)
    offset: sa.ColumnElement[int] = sa.literal(offsets[0][1])
    if len(offsets) > 1:
        offset = sa.case(
            *((epoch >= since, shift) for since, shift in reversed(offsets[1:])),
            else_=offsets[0][1],
        )
    return ((epoch + offset) % 86400) // 3600
