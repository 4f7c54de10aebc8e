"""Local wall-clock times versus instants on the 2026 daylight-saving change days in Berlin."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher import clock
from matcher.clock import BERLIN
from matcher.clock import day_length_seconds
from matcher.clock import instant_at_seconds
from matcher.clock import local_day
from matcher.clock import local_instant
from matcher.clock import seconds_since_local_midnight

SPRING = dt.date(2026, 3, 29)  # 02:00 CET -> 03:00 CEST, 23 hours
AUTUMN = dt.date(2026, 10, 25)  # 03:00 CEST -> 02:00 CET, 25 hours
ORDINARY = dt.date(2026, 6, 15)
H = 3600


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("day", "length"), [(SPRING, 23 * H), (AUTUMN, 25 * H), (ORDINARY, 24 * H)]
)
def test_day_length(day: dt.date, length: int) -> None:
    assert day_length_seconds(day) == length


def test_spring_gap_moves_forward() -> None:
    """02:30 does not exist on 29 March; it becomes 03:30 summer time (01:30 UTC)."""
    instant = local_instant(SPRING, dt.time(2, 30))
    assert instant == utc(2026, 3, 29, 1, 30)
    local = instant.astimezone(BERLIN)
    assert (local.hour, local.minute) == (3, 30)
    assert local.utcoffset() == dt.timedelta(hours=2)


def test_autumn_fold_takes_first_occurrence() -> None:
    """02:30 happens twice on 25 October; the first (summer time, 00:30 UTC) is taken."""
    instant = local_instant(AUTUMN, dt.time(2, 30))
    assert instant == utc(2026, 10, 25, 0, 30)
    assert instant.tzinfo == dt.UTC
    assert instant.astimezone(BERLIN).utcoffset() == dt.timedelta(hours=2)


@pytest.mark.parametrize(
    ("day", "wall", "expected_utc"),
    [
        (SPRING, dt.time(1, 59), utc(2026, 3, 29, 0, 59)),
        (SPRING, dt.time(3, 0), utc(2026, 3, 29, 1, 0)),
        (SPRING, dt.time(6, 0), utc(2026, 3, 29, 4, 0)),
        (AUTUMN, dt.time(1, 59), utc(2026, 10, 24, 23, 59)),
        (AUTUMN, dt.time(3, 0), utc(2026, 10, 25, 2, 0)),
        (AUTUMN, dt.time(6, 0), utc(2026, 10, 25, 5, 0)),
        (ORDINARY, dt.time(6, 0), utc(2026, 6, 15, 4, 0)),
        (dt.date(2026, 1, 12), dt.time(6, 0), utc(2026, 1, 12, 5, 0)),
    ],
)
def test_local_instant(day: dt.date, wall: dt.time, expected_utc: dt.datetime) -> None:
    assert local_instant(day, wall) == expected_utc


@pytest.mark.parametrize(
    ("day", "wall", "seconds"),
    [
        (SPRING, dt.time(0, 0), 0),
        (SPRING, dt.time(1, 0), 1 * H),
        (SPRING, dt.time(3, 0), 2 * H),  # the hour 02:00-03:00 never happened
        (SPRING, dt.time(6, 0), 5 * H),
        (SPRING, dt.time(23, 0), 22 * H),
        (AUTUMN, dt.time(2, 30), int(2.5 * H)),  # first 02:30
        (AUTUMN, dt.time(3, 0), 4 * H),  # 02:00-03:00 happened twice
        (AUTUMN, dt.time(6, 0), 7 * H),
        (AUTUMN, dt.time(23, 0), 24 * H),
        (ORDINARY, dt.time(6, 0), 6 * H),
    ],
)
def test_seconds_since_local_midnight(day: dt.date, wall: dt.time, seconds: int) -> None:
    instant = local_instant(day, wall)
    assert seconds_since_local_midnight(instant, day) == seconds
    assert instant_at_seconds(day, seconds) == instant


def test_second_occurrence_of_folded_hour() -> None:
    """Seconds count real time: the second 02:30 (01:30 UTC) is an hour after the first."""
    second = utc(2026, 10, 25, 1, 30)
    assert seconds_since_local_midnight(second, AUTUMN) == int(3.5 * H)
    assert second.astimezone(BERLIN).strftime("%H:%M") == "02:30"


def test_seconds_beyond_the_day_reach_the_next_morning() -> None:
    """A night shift's way back (06:00 next morning) as seconds of the 23-hour day."""
    next_morning = local_instant(SPRING + dt.timedelta(days=1), dt.time(6))
    assert seconds_since_local_midnight(next_morning, SPRING) == 23 * H + 6 * H
    assert instant_at_seconds(SPRING, 29 * H) == next_morning


def test_inverse_is_utc_and_aware() -> None:
    instant = instant_at_seconds(AUTUMN, 7 * H)
    assert instant.tzinfo == dt.UTC
    assert local_day(instant) == AUTUMN


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        seconds_since_local_midnight(dt.datetime(2026, 3, 29, 6), SPRING)
    with pytest.raises(ValueError, match="timezone-aware"):
        local_day(dt.datetime(2026, 3, 29, 6))


def test_local_day_near_midnight() -> None:
    """23:30 UTC on 28 March is already 29 March in Berlin."""
    assert local_day(utc(2026, 3, 28, 23, 30)) == SPRING


def test_today_is_the_districts_day_not_the_servers(time_machine) -> None:  # type: ignore[no-untyped-def]
    time_machine.move_to(dt.datetime(2027, 1, 14, 23, 30, tzinfo=dt.UTC), tick=False)
    assert clock.utcnow() == dt.datetime(2027, 1, 14, 23, 30, tzinfo=dt.UTC)
    assert clock.today() == dt.date(2027, 1, 15)  # 00:30 in Berlin
    assert clock.today(dt.UTC) == dt.date(2027, 1, 14)
