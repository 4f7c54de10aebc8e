"""Ride needs of the demo riders: a realistic mix of shifts, internships, courses and errands.

The mix follows what volunteer driver schemes for newcomers report: most rides
are to work (fixed and rotating shifts in the district's commercial areas),
then integration courses (often with a child dropped at the daycare on the
way), internships of a few weeks, and a few dated errands.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from matcher.demo.gazetteer import SITES
from matcher.demo.gazetteer import Shift
from matcher.demo.gazetteer import Site
from matcher.models import NeedDate
from matcher.models import NeedPause
from matcher.models import NeedPurpose
from matcher.models import NeedRotationWeek
from matcher.models import NeedStatus
from matcher.models import Place
from matcher.models import PlaceKind
from matcher.models import RideNeed
from matcher.models import Rider
from matcher.models import ScheduleKind
from matcher.models import weekdays_mask

MON_FRI = (0, 1, 2, 3, 4)
NORTH_OF = 53.04
"""Riders living north of this latitude go to Dannenberg's sites, the others to Lüchow's."""

FIRST_KINDS = (
    ("shift", 26),
    ("rotating", 16),
    ("internship", 14),
    ("course", 28),
    ("parttime", 8),
    ("errand", 8),
)
SECOND_KINDS = (("errand", 5), ("course_afternoon", 3), ("parttime", 2))


@dataclass
class DemandContext:
    """What need generation needs to know about the district and the calendar."""

    rng: random.Random
    places: dict[str, Place]
    """Places by key (municipalities and sites)."""
    monday: dt.date
    """Monday of the reference week."""


def _pick(rng: random.Random, weighted: Sequence[tuple[str, int]]) -> str:
    names = [name for name, _ in weighted]
    return rng.choices(names, weights=[w for _, w in weighted])[0]


def _minus(t: dt.time, minutes: int) -> dt.time:
    stamp = dt.datetime.combine(dt.date(2000, 1, 1), t) - dt.timedelta(minutes=minutes)
    return stamp.time()


def _plus(t: dt.time, minutes: int) -> dt.time:
    stamp = dt.datetime.combine(dt.date(2000, 1, 1), t) + dt.timedelta(minutes=minutes)
    return stamp.time()


def _times(shift: Shift) -> dict[str, object]:
    """Arrive 10 minutes before the shift, be picked up 5 minutes after it."""
    return {
        "arrive_by": _minus(shift.start, 10),
        "pick_up_after": _plus(shift.end, 5),
        "return_next_day": shift.overnight,
    }


def _sites(kind: PlaceKind, *, with_rotation: bool = False) -> list[Site]:
    return [s for s in SITES if s.kind == kind and (s.rotation or not with_rotation)]


def _near(ctx: DemandContext, rider_home: Place, candidates: list[Site]) -> Site:
    """Prefer a site in the rider's half of the district, as a real placement would."""
    north = (rider_home.lat or 0) >= NORTH_OF
    local = [s for s in candidates if (s.municipality in _NORTHERN) == north]
    return ctx.rng.choice(local or candidates)


_NORTHERN = {"dannenberg", "hitzacker"}


def make_need(ctx: DemandContext, rider: Rider, home: Place, kind: str) -> RideNeed:
    """One need of ``kind`` for ``rider`` living at ``home``."""
    rng = ctx.rng
    need = RideNeed(
        rider=rider,
        origin=home,
        flexibility_minutes=rng.choice((10, 15, 15, 20, 30)),
        valid_from=ctx.monday - dt.timedelta(days=rng.randrange(14, 70)),
        status=NeedStatus.ACTIVE,
    )
    employers = _sites(PlaceKind.EMPLOYER)
    if kind == "shift":
        site = _near(ctx, home, [s for s in employers if s.shifts and s.shifts[0].start.hour < 8])
        shift = rng.choice(site.shifts)
        need.purpose = NeedPurpose.SHIFT_WORK
        need.weekdays = weekdays_mask(MON_FRI if rng.random() < 0.8 else (0, 1, 2, 3, 4, 5))
        for name, value in _times(shift).items():
            setattr(need, name, value)
    elif kind == "rotating":
        site = _near(ctx, home, _sites(PlaceKind.EMPLOYER, with_rotation=True))
        need.purpose = NeedPurpose.SHIFT_WORK
        need.schedule_kind = ScheduleKind.ROTATING
        need.weekdays = weekdays_mask(MON_FRI)
        need.rotation_anchor = ctx.monday - dt.timedelta(weeks=rng.randrange(len(site.rotation)))
        need.rotation_weeks = [
            NeedRotationWeek(week_index=i, label=f"{shift.label} week", **_times(shift))
            for i, shift in enumerate(site.rotation)
        ]
    elif kind == "internship":
        site = rng.choice([s for s in employers if any(x.label == "day" for x in s.shifts)])
        day = next(x for x in site.shifts if x.label == "day")
        need.purpose = NeedPurpose.INTERNSHIP
        need.weekdays = weekdays_mask(MON_FRI)
        need.valid_from = ctx.monday - dt.timedelta(weeks=rng.randrange(0, 4))
        need.valid_until = need.valid_from + dt.timedelta(weeks=rng.randrange(4, 13), days=-3)
        for name, value in _times(day).items():
            setattr(need, name, value)
    elif kind in ("course", "course_afternoon"):
        candidates = _sites(PlaceKind.COURSE_SITE)
        if kind == "course_afternoon":
            candidates = [s for s in candidates if len(s.shifts) > 1]
        site = _near(ctx, home, candidates)
        shift = site.shifts[-1] if kind == "course_afternoon" else site.shifts[0]
        need.purpose = NeedPurpose.COURSE
        need.weekdays = weekdays_mask(MON_FRI)
        need.valid_until = need.valid_from + dt.timedelta(weeks=rng.choice((16, 24, 26)), days=-3)
        for name, value in _times(shift).items():
            setattr(need, name, value)
        if kind == "course" and rng.random() < 0.3:
            # A parent taking a small child to the daycare on the way to the course.
            daycare = _near(ctx, home, _sites(PlaceKind.DAYCARE))
            need.via = ctx.places[daycare.key]
            need.seats_needed = 2
            if rng.random() < 0.6:
                need.child_seats = 1
            else:
                need.booster_seats = 1
    elif kind == "parttime":
        site = next(s for s in SITES if s.key == "employer:elbhotel-hitzacker")
        need.purpose = NeedPurpose.JOB
        need.weekdays = weekdays_mask(rng.choice(((2, 3, 4, 5), (4, 5, 6), (0, 2, 4))))
        for name, value in _times(site.shifts[0]).items():
            setattr(need, name, value)
    elif kind == "errand":
        town = rng.choice(("town:luechow", "town:dannenberg"))
        need.purpose = NeedPurpose.OTHER
        need.schedule_kind = ScheduleKind.DATES
        need.weekdays = 0
        start = rng.choice((dt.time(8, 30), dt.time(9, 0), dt.time(10, 30), dt.time(13, 0)))
        need.arrive_by = start
        need.pick_up_after = _plus(start, rng.choice((60, 90, 120)))
        need.valid_from = ctx.monday
        offsets = sorted(rng.sample(range(1, 27), 3))
        days = [ctx.monday + dt.timedelta(days=o) for o in offsets]
        need.dates = [NeedDate(day=d + dt.timedelta(days=_to_weekday(d))) for d in days]
        need.valid_until = max(d.day for d in need.dates)
        need.destination = ctx.places[town]
        return need
    else:  # pragma: no cover - the kinds are fixed above
        raise ValueError(kind)
    need.destination = ctx.places[site.key]
    return need


def _to_weekday(day: dt.date) -> int:
    """Days to add so that ``day`` falls on Monday-Friday."""
    return {5: 2, 6: 1}.get(day.weekday(), 0)


def _dedupe_dates(need: RideNeed) -> None:
    seen: set[dt.date] = set()
    unique = []
    for item in need.dates:
        if item.day not in seen:
            seen.add(item.day)
            unique.append(item)
    need.dates = unique


def make_needs(
    ctx: DemandContext, riders: Sequence[tuple[Rider, Place]], total: int
) -> list[RideNeed]:
    """About ``total`` needs: one per rider, a second one for as many riders as needed."""
    rng = ctx.rng
    needs = [make_need(ctx, rider, home, _pick(rng, FIRST_KINDS)) for rider, home in riders]
    extra = max(0, min(len(riders), total - len(needs)))
    for rider, home in rng.sample(list(riders), extra):
        needs.append(make_need(ctx, rider, home, _pick(rng, SECOND_KINDS)))
    for need in needs:
        if need.dates:
            _dedupe_dates(need)
        _set_status(rng, ctx, need)
    return needs


def _set_status(rng: random.Random, ctx: DemandContext, need: RideNeed) -> None:
    """Mostly active; some pending (new), paused, cancelled; some paused days."""
    roll = rng.random()
    if roll < 0.08:
        need.status = NeedStatus.PENDING
    elif roll < 0.11:
        need.status = NeedStatus.PAUSED
    elif roll < 0.14:
        need.status = NeedStatus.CANCELLED
    elif need.schedule_kind != ScheduleKind.DATES and rng.random() < 0.12:
        days = sorted({ctx.monday + dt.timedelta(days=rng.randrange(7, 28)) for _ in range(2)})
        need.paused_dates = [NeedPause(day=d) for d in days]
