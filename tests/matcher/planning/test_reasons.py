"""Plain-language reasons for unserved rides and refused edits."""

from __future__ import annotations

import pytest

from matcher.planning.reasons import describe_refusal
from matcher.planning.reasons import describe_unserved
from solver.schedule import RouteIssue
from solver.solution import UnservedReason


@pytest.mark.parametrize("code", [*UnservedReason, "place_not_located", "unassigned", "new?"])
def test_every_code_has_a_sentence_that_formats(code):
    template, params = describe_unserved(code, {"from": "05:00", "to": "05:45", "place": "Clenze"})
    sentence = template.format(**params)
    assert sentence.endswith(".") and "{" not in sentence


def test_no_driver_in_time_names_window_and_place():
    template, params = describe_unserved(
        "no_vehicle_in_time", {"vehicles": 0, "from": "05:00", "to": "05:45", "place": "Clenze"}
    )
    assert (
        template.format(**params) == "No driver is available between 05:00 and 05:45 near Clenze."
    )


def test_missing_details_do_not_break_formatting():
    template, params = describe_unserved("conflict", None)
    assert "?" in template.format(**params)


@pytest.mark.parametrize(
    ("issue", "details", "expected"),
    [
        (
            RouteIssue.LATE,
            {"late_seconds": 720, "kind": "dropoff"},
            "Fatima would arrive 12 minutes late.",
        ),
        (
            RouteIssue.LATE,
            {"late_seconds": 61, "kind": "pickup"},
            "Fatima would be picked up 2 minutes after the latest pick-up time.",
        ),
        (
            RouteIssue.RIDE_TIME,
            {"over_by": 300},
            "Fatima would be on the road 5 minutes longer than allowed.",
        ),
        (
            RouteIssue.DRIVER_CAP,
            {"cap": "max_requests", "limit": 4},
            "Jens has reached their limit of 4 rides.",
        ),
        (
            RouteIssue.DRIVER_CAP,
            {"cap": "max_night_requests", "limit": 1},
            "Jens has reached their limit of 1 night rides.",
        ),
        (
            RouteIssue.NO_SEAT,
            {"over_by": 1},
            "The car of Jens does not have enough free seats then.",
        ),
        (
            RouteIssue.VEHICLE_WINDOW,
            {"late_seconds": 600},
            "Jens would get home 10 minutes after the end of their availability.",
        ),
        (
            RouteIssue.DRIVE_LIMIT,
            {"over_by": 900},
            "Jens would drive 15 minutes more than their limit for the day.",
        ),
    ],
)
def test_refusals(issue, details, expected):
    template, params = describe_refusal(issue, details, rider="Fatima", driver="Jens")
    assert template.format(**params) == expected


@pytest.mark.parametrize("issue", [*RouteIssue, "trip_locked", "route_locked", "no_shift"])
def test_every_refusal_formats(issue):
    template, params = describe_refusal(issue, {})
    assert "{" not in template.format(**params)
