"""Soft checks on a need: allowed input that is probably a slip (issue 12)."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.models import NeedPurpose
from matcher.models import ScheduleKind
from matcher.people.plausibility import need_doubts
from matcher.people.registration import NeedInput
from matcher.people.registration import RotationWeekInput

TODAY = dt.date(2026, 6, 2)


def need(**over) -> NeedInput:  # type: ignore[no-untyped-def]
    values = {
        "purpose": NeedPurpose.JOB,
        "valid_from": TODAY,
        "weekdays": frozenset({0, 1, 2}),
        "arrive_by": dt.time(7, 45),
        "pick_up_after": dt.time(16, 15),
    }
    return NeedInput(**(values | over))


def codes(doubts) -> list[str]:  # type: ignore[no-untyped-def]
    return [d.code for d in doubts]


def test_an_ordinary_need_raises_no_doubt() -> None:
    assert need_doubts(need(), TODAY) == ()


@pytest.mark.parametrize(
    ("arrive", "back", "doubted"),
    [
        ((14, 0), (8, 0), True),  # 18 hours: the two times swapped
        ((8, 0), (8, 0), True),  # the same time: a whole day
        ((8, 0), (7, 45), True),
        ((22, 0), (6, 0), False),  # a night shift of 8 hours
        ((16, 0), (2, 0), False),  # a late shift until 2 in the morning
        ((18, 0), (8, 0), False),  # 14 hours: still a (long) night
        ((7, 45), None, False),  # no way back
    ],
)
def test_a_way_back_before_the_arrival(arrive, back, doubted) -> None:  # type: ignore[no-untyped-def]
    times = {"arrive_by": dt.time(*arrive), "pick_up_after": dt.time(*back) if back else None}
    doubts = need_doubts(need(**times), TODAY)
    assert codes(doubts) == (["return_before_arrival"] if doubted else [])
    if doubted:
        assert doubts[0].form_field == "pick_up_after"
        assert doubts[0].params["arrive"] == f"{arrive[0]:02d}:{arrive[1]:02d}"


def test_each_rotation_week_is_checked_and_a_week_off_is_not() -> None:
    weeks = (
        RotationWeekInput(dt.time(6), dt.time(14)),
        RotationWeekInput(dt.time(14), dt.time(6)),  # swapped
        RotationWeekInput(dt.time(14), dt.time(6), off=True),
    )
    doubts = need_doubts(
        need(schedule_kind=ScheduleKind.ROTATING, rotation_weeks=weeks, arrive_by=None), TODAY
    )
    assert codes(doubts) == ["return_before_arrival_week_2"]
    assert doubts[0].form_field == "rotation-1-pick_up_after" and doubts[0].params["week"] == "2"


def test_a_start_in_the_past_unless_it_is_the_stored_one() -> None:
    yesterday = TODAY - dt.timedelta(days=1)
    (doubt,) = need_doubts(need(valid_from=yesterday), TODAY)
    assert doubt.code == "start_in_the_past" and doubt.params == {"day": yesterday}
    assert need_doubts(need(valid_from=yesterday), TODAY, stored_from=yesterday) == ()
    assert need_doubts(need(valid_from=TODAY), TODAY) == ()
    dates = need(schedule_kind=ScheduleKind.DATES, valid_from=yesterday, dates=(TODAY,))
    assert need_doubts(dates, TODAY) == ()  # dates are checked one by one (refused if past)


def test_both_doubts_come_in_page_order() -> None:
    swapped = need(arrive_by=dt.time(15), pick_up_after=dt.time(7), valid_from=dt.date(2025, 6, 2))
    assert codes(need_doubts(swapped, TODAY)) == ["return_before_arrival", "start_in_the_past"]
