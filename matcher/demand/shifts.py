"""The day's driver shifts from weekly availability windows and dated exceptions.

An ``unavailable`` exception without times removes the whole day; with times it
cuts that part out of the weekly windows. ``extra`` windows add to what is left;
overlapping or touching windows merge. Each remaining window is one shift (a
solver vehicle): a driver with a morning and an afternoon window drives two
shifts. Only approved (``Driver.plannable``: not pending, rejected or suspended), active,
non-erased drivers with a home place get shifts.

Caps: rides per week and night rides per week minus what published plans of
other days of the same ISO week already give the driver, and the daily driving
minutes. The solver caps each vehicle on its own, so a driver's remaining budget
is split over that day's shifts in proportion to their length (remainders to
the earliest): a cap can then never be exceeded, at the price of some
flexibility on split days.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from dataclasses import field

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from matcher.clock import local_instant
from matcher.demand.trips import is_night
from matcher.models import DayPlan
from matcher.models import Driver
from matcher.models import ExceptionKind
from matcher.models import PlanStatus
from matcher.models import Route
from matcher.models import Stop
from matcher.models import StopKind
from matcher.models import Trip
from matcher.settings import Settings

END_OF_DAY = dt.time(23, 59, 59)


@dataclass(frozen=True)
class DriverShift:
    """One window of one driver on one day, with the caps that apply to it.

    ``index`` numbers the driver's shifts of the day from 0 in time order;
    ``vehicle_id`` is the solver's id for it. The caps are this shift's share
    of the driver's remaining budget (None: no cap).
    """

    driver_id: int
    index: int
    start_at: dt.datetime
    end_at: dt.datetime
    home_place_id: int
    seats: int
    child_seats: int
    languages: frozenset[str] = field(default_factory=frozenset)
    max_drive_seconds: int | None = None
    max_requests: int | None = None
    max_night_requests: int | None = None

    @property
    def vehicle_id(self) -> str:
        """The solver's vehicle id: ``d<driver>s<index>``."""
        return f"d{self.driver_id}s{self.index}"


Interval = tuple[dt.time, dt.time]


def _subtract(intervals: list[Interval], cut: Interval) -> list[Interval]:
    out: list[Interval] = []
    for start, end in intervals:
        if cut[1] <= start or cut[0] >= end:
            out.append((start, end))
            continue
        if start < cut[0]:
            out.append((start, cut[0]))
        if cut[1] < end:
            out.append((cut[1], end))
    return out


def _merge(intervals: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def day_windows(driver: Driver, day: dt.date) -> list[Interval]:
    """The driver's local availability windows on ``day`` after exceptions."""
    windows: list[Interval] = [
        (w.start_time, w.end_time) for w in driver.windows if w.weekday == day.weekday()
    ]
    exceptions = sorted(
        (e for e in driver.exceptions if e.covers(day)), key=lambda e: (e.kind != "unavailable",)
    )
    for exc in exceptions:
        if exc.kind == ExceptionKind.UNAVAILABLE:
            if exc.start_time is None or exc.end_time is None:
                windows = []
            else:
                windows = _subtract(windows, (exc.start_time, exc.end_time))
    for exc in exceptions:
        if exc.kind == ExceptionKind.EXTRA and exc.start_time and exc.end_time:
            windows.append((exc.start_time, exc.end_time))
    return [w for w in _merge(windows) if w[1] > w[0]]


def _split(total: int | None, weights: list[int]) -> list[int | None]:
    """Split ``total`` in proportion to ``weights``; remainders go to the first parts."""
    if total is None:
        return [None] * len(weights)
    whole = sum(weights) or 1
    shares = [total * w // whole for w in weights]
    for k in range(total - sum(shares)):
        shares[k % len(shares)] += 1
    return list(shares)


def week_usage(
    session: Session, day: dt.date, settings: Settings
) -> tuple[Counter[int], Counter[int]]:
    """Rides and night rides per driver in published plans of other days of ``day``'s ISO week."""
    monday = day - dt.timedelta(days=day.weekday())
    rows = session.execute(
        sa.select(Route.driver_id, Trip)
        .join(Stop, Stop.route_id == Route.id)
        .join(DayPlan, Route.plan_id == DayPlan.id)
        .join(Trip, Stop.trip_id == Trip.id)
        .where(DayPlan.status == PlanStatus.PUBLISHED)
        .where(DayPlan.day >= monday, DayPlan.day < monday + dt.timedelta(days=7))
        .where(DayPlan.day != day)
        .where(Stop.kind == StopKind.PICKUP)
    ).all()
    rides: Counter[int] = Counter()
    nights: Counter[int] = Counter()
    for driver_id, trip in rows:
        rides[driver_id] += 1
        if is_night(trip, settings):
            nights[driver_id] += 1
    return rides, nights


def driver_shifts(session: Session, day: dt.date, settings: Settings) -> list[DriverShift]:
    """All shifts of ``day``, ordered by driver and start."""
    drivers = session.scalars(
        sa.select(Driver)
        .where(Driver.plannable)  # approved, active, not erased: suspended drivers get none
        .where(Driver.home_place_id.is_not(None))
        .options(selectinload(Driver.windows), selectinload(Driver.exceptions))
        .order_by(Driver.id)
    ).all()
    rides, nights = week_usage(session, day, settings)
    tz = settings.tz
    shifts: list[DriverShift] = []
    for driver in drivers:
        windows = day_windows(driver, day)
        if not windows:
            continue
        instants = [
            (local_instant(day, start, tz), local_instant(day, min(end, END_OF_DAY), tz))
            for start, end in windows
        ]
        weights = [int((b - a).total_seconds()) for a, b in instants]
        cap = driver.max_rides_per_week
        night_cap = driver.max_night_rides_per_week
        requests = _split(None if cap is None else max(0, cap - rides[driver.id]), weights)
        night = _split(
            None if night_cap is None else max(0, night_cap - nights[driver.id]), weights
        )
        drive = _split(driver.max_driving_minutes_per_day * 60, weights)
        assert driver.home_place_id is not None
        for k, (start_at, end_at) in enumerate(instants):
            shifts.append(
                DriverShift(
                    driver_id=driver.id,
                    index=k,
                    start_at=start_at,
                    end_at=end_at,
                    home_place_id=driver.home_place_id,
                    seats=driver.seats,
                    child_seats=driver.child_seats,
                    languages=frozenset(driver.languages or ()),
                    max_drive_seconds=drive[k],
                    max_requests=requests[k],
                    max_night_requests=night[k],
                )
            )
    return shifts
