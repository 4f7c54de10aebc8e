"""The district clock: now, today, and local days and wall-clock times versus instants.

This is the only module that reads the wall clock (``utcnow``; a test enforces
it), so tests freeze time in one place with time-machine and "today" means the
district's day everywhere, never the server's: at 00:30 in Berlin (23:30 UTC)
it is already tomorrow.

Recurring times (a shift starts at 06:00) are local wall-clock times on a local
day; the database stores instants in UTC and the solver counts real seconds
from local midnight. On the day clocks go forward (23 hours) a wall-clock time
may not exist, on the day they go back (25 hours) it may exist twice; the rules
here decide both cases deliberately, so that trip generation is deterministic.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
"""The service's time zone: every district we serve is in Germany."""


def utcnow() -> dt.datetime:
    """The current instant, timezone-aware in UTC."""
    return dt.datetime.now(dt.UTC)


def today(tz: dt.tzinfo = BERLIN) -> dt.date:
    """The district's calendar day now (``Settings.tz``), not the server's."""
    return utcnow().astimezone(tz).date()


def local_instant(day: dt.date, t: dt.time, tz: dt.tzinfo = BERLIN) -> dt.datetime:
    """The instant at wall-clock ``t`` on local ``day``, as an aware datetime in UTC.

    A time in the spring-forward gap (02:30 on the last Sunday of March) does not
    exist; it moves forward by the gap (to 03:30), because a rider asking to
    leave at 02:30 cannot leave earlier than that. A time that occurs twice
    (02:30 on the last Sunday of October) takes the first occurrence (summer
    time), the earlier of the two, so nobody is picked up late.

    The result is in UTC, not ``tz``, on purpose: Python adds to and subtracts
    aware datetimes that share a ``tzinfo`` by wall clock, and (PEP 495) never
    finds an instant in the repeated hour equal to the same instant in another
    zone. UTC is what the database stores and compares; convert for display.
    """
    naive = dt.datetime.combine(day, t.replace(tzinfo=None, fold=0))
    # fold=0 gives a gap time the offset before the transition (02:30 CET = 01:30 UTC,
    # i.e. 03:30 CEST) and an ambiguous time its first occurrence (summer time).
    return naive.replace(tzinfo=tz).astimezone(dt.UTC)


def local_midnight(day: dt.date, tz: dt.tzinfo = BERLIN) -> dt.datetime:
    """The instant the local ``day`` starts, in UTC."""
    return local_instant(day, dt.time(0), tz)


def day_length_seconds(day: dt.date, tz: dt.tzinfo = BERLIN) -> int:
    """Real seconds in the local ``day``: 86400, or 82800 / 90000 on change days."""
    start = local_midnight(day, tz)
    end = local_midnight(day + dt.timedelta(days=1), tz)
    return int((end - start).total_seconds())


def seconds_since_local_midnight(instant: dt.datetime, day: dt.date, tz: dt.tzinfo = BERLIN) -> int:
    """Real seconds elapsed from the start of local ``day`` to ``instant`` (may be < 0 or > a day).

    This is the solver's time axis: on a 23-hour day 04:00 is 3 hours after
    midnight, on a 25-hour day it is 5 hours after.
    """
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("instant must be timezone-aware")
    return int((instant.astimezone(dt.UTC) - local_midnight(day, tz)).total_seconds())


def instant_at_seconds(day: dt.date, seconds: int, tz: dt.tzinfo = BERLIN) -> dt.datetime:
    """The inverse of :func:`seconds_since_local_midnight`: an aware instant in UTC."""
    return local_midnight(day, tz) + dt.timedelta(seconds=seconds)


def local_day(instant: dt.datetime, tz: dt.tzinfo = BERLIN) -> dt.date:
    """The local calendar day an instant falls on."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("instant must be timezone-aware")
    return instant.astimezone(tz).date()
