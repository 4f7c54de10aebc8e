"""Soft checks on a need: input the rules allow but that is probably a slip.

A way back at or before the arrival is read as the next morning (a night shift,
``registration``); with a "shift" longer than :data:`LONGEST_SHIFT` that is more
likely swapped or mistyped times. A start date before today is allowed (rides
then start today) but usually a typo of the year or month. Each doubt is a plain
English template (``N_``) with its parameters, shown above the form; the rider
ticks "Yes, this is right" to send anyway. Nothing here refuses anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field

from matcher.errors import N_
from matcher.models import ScheduleKind
from matcher.people.registration import NeedInput

LONGEST_SHIFT = dt.timedelta(hours=14)
"""From arrival to the way back the next morning: longer is not a night shift but a slip."""

RETURN_BEFORE_ARRIVAL = N_(
    "You want to be picked up for the way back at {back}, before you arrive at {arrive}."
    " We would read this as the next morning. Please check the two times."
)
RETURN_BEFORE_ARRIVAL_IN_WEEK = N_(
    "Week {week}: you want to be picked up for the way back at {back}, before you arrive"
    " at {arrive}. We would read this as the next morning. Please check the two times."
)
START_IN_THE_PAST = N_(
    "The start date {day} is in the past. Rides can only start from today. Please check the date."
)


@dataclass(frozen=True)
class Doubt:
    """One probable slip: a stable code, the message template and its parameters."""

    code: str
    """Stable across requests (``return_before_arrival``, ``start_in_the_past``, ...):
    a tick confirms the codes the rider was shown."""
    template: str
    form_field: str
    """The form field it is about."""
    params: dict[str, object] = field(default_factory=dict)
    """Times as ``HH:MM`` text, a day as a ``datetime.date`` (the web formats it)."""


def need_doubts(
    need: NeedInput, today: dt.date, *, stored_from: dt.date | None = None
) -> tuple[Doubt, ...]:
    """The probable slips in ``need``, in page order; empty when all looks right.

    ``stored_from`` is the start of the need being changed: a start that long
    passed and was kept is no slip.
    """
    doubts: list[Doubt] = []
    if need.schedule_kind == ScheduleKind.ROTATING:
        for index, week in enumerate(need.rotation_weeks, start=1):
            if not week.off and _back_before_arrival(week.arrive_by, week.pick_up_after):
                doubts.append(
                    Doubt(
                        f"return_before_arrival_week_{index}",
                        RETURN_BEFORE_ARRIVAL_IN_WEEK,
                        f"rotation-{index - 1}-pick_up_after",
                        {"week": str(index), **_times(week.arrive_by, week.pick_up_after)},
                    )
                )
    elif _back_before_arrival(need.arrive_by, need.pick_up_after):
        doubts.append(
            Doubt(
                "return_before_arrival",
                RETURN_BEFORE_ARRIVAL,
                "pick_up_after",
                _times(need.arrive_by, need.pick_up_after),
            )
        )
    started = need.valid_from < today and need.valid_from != stored_from
    if need.schedule_kind != ScheduleKind.DATES and started:
        doubts.append(
            Doubt(
                "start_in_the_past",
                START_IN_THE_PAST,
                "valid_from",
                {"day": need.valid_from},
            )
        )
    return tuple(doubts)


def _back_before_arrival(arrive: dt.time | None, back: dt.time | None) -> bool:
    if arrive is None or back is None or back > arrive:
        return False
    shift = dt.datetime.combine(dt.date.min + dt.timedelta(days=1), back) - dt.datetime.combine(
        dt.date.min, arrive
    )
    return shift > LONGEST_SHIFT


def _times(arrive: dt.time | None, back: dt.time | None) -> dict[str, object]:
    return {
        "arrive": arrive.strftime("%H:%M") if arrive else "",
        "back": back.strftime("%H:%M") if back else "",
    }
