"""Why a ride is unserved, or why an edit is refused, in plain language.

Each function returns an ``N_`` template and its parameters; the web layer
translates the template and fills it in. Parameters come from the details the
solver established (never guessed) plus the local times and pick-up place that
``planning.unserved_details`` adds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from matcher.errors import N_
from solver import RouteIssue
from solver import UnservedReason

UNASSIGNED = "unassigned"
"""Domain reason code: a coordinator took the ride off the plan."""

_UNSERVED: dict[str, str] = {
    UnservedReason.NO_VEHICLE_IN_TIME: N_(
        "No driver is available between {from} and {to} near {place}."
    ),
    UnservedReason.RIDE_TIME_EXCEEDED: N_(
        "Every driver who is free then would keep the rider on the road {minutes} minutes"
        " longer than allowed."
    ),
    UnservedReason.NO_SEAT: N_(
        "No car has enough seats: {seats} seats are needed, {child_seats} of them with a"
        " child seat or booster."
    ),
    UnservedReason.LOCKED_VEHICLE_CANNOT: N_(
        "The driver this ride is locked to cannot make it between {from} and {to}."
    ),
    UnservedReason.ALL_VEHICLES_FORBIDDEN: N_(
        "Every driver who could take this ride is excluded from it."
    ),
    UnservedReason.DRIVE_LIMIT: N_(
        "Every driver who could take this ride would go over their driving time for the day."
    ),
    UnservedReason.DRIVER_CAP: N_(
        "Every driver who could take this ride has reached their limit of rides this week."
    ),
    UnservedReason.CONFLICT: N_(
        "A driver could take this ride alone, but not next to the rides already planned"
        " between {from} and {to}."
    ),
    UnservedReason.NOT_WORTH: N_(
        "This ride would need a long detour, so the planner left it out;"
        " \u201cWhere can this fit?\u201d shows the options."
    ),
    "place_not_located": N_("The pick-up or drop-off address has not been found on the map yet."),
    "driver_declined": N_("The driver declined this route; re-plan the day to find another."),
    UNASSIGNED: N_("A coordinator took this ride off the plan."),
}
_GENERIC = N_("No driver could be found for this ride.")

_REFUSALS: dict[str, str] = {
    "late_dropoff": N_("{rider} would arrive {minutes} minutes late."),
    "late_pickup": N_(
        "{rider} would be picked up {minutes} minutes after the latest pick-up time."
    ),
    RouteIssue.VEHICLE_WINDOW: N_(
        "{driver} would get home {minutes} minutes after the end of their availability."
    ),
    RouteIssue.RIDE_TIME: N_("{rider} would be on the road {minutes} minutes longer than allowed."),
    RouteIssue.NO_SEAT: N_("The car of {driver} does not have enough free seats then."),
    RouteIssue.NO_CHILD_SEAT: N_("The car of {driver} does not have enough child seats then."),
    "max_requests": N_("{driver} has reached their limit of {limit} rides."),
    "max_night_requests": N_("{driver} has reached their limit of {limit} night rides."),
    RouteIssue.DRIVE_LIMIT: N_(
        "{driver} would drive {minutes} minutes more than their limit for the day."
    ),
    RouteIssue.DUTY_LIMIT: N_("The day of {driver} would be {minutes} minutes too long."),
    RouteIssue.LOCKED_ELSEWHERE: N_("This ride is locked to another driver; unlock it first."),
    RouteIssue.FORBIDDEN: N_("{driver} is excluded from this ride."),
    "trip_locked": N_("This ride is locked to its driver; unlock it first."),
    "route_locked": N_("The route of {driver} is locked; unlock it first."),
    "no_shift": N_("{driver} is not available on this day."),
    "no_fit": N_("The ride does not fit into the route of {driver}."),
    "not_in_plan": N_("This ride is not in this plan."),
    "cancelled": N_("This ride has been cancelled."),
    "check_failed": N_("The changed plan would break a rule: {problem}"),
}


def minutes(seconds: Any) -> int:
    """Whole minutes, rounded up (a few seconds late is still a minute late)."""
    return max(1, math.ceil(int(seconds) / 60)) if isinstance(seconds, int) and seconds > 0 else 0


def describe_unserved(code: str, details: Mapping[str, Any] | None) -> tuple[str, dict[str, Any]]:
    """The template and parameters explaining why a trip is unserved.

    Unknown codes get a generic sentence, never an exception; missing
    parameters are filled with "?" so formatting cannot fail.
    """
    details = dict(details or {})
    params: dict[str, Any] = {
        "from": details.get("from", "?"),
        "to": details.get("to", "?"),
        "place": details.get("place", "?"),
        "seats": details.get("seats", "?"),
        "child_seats": details.get("child_seats", 0),
        "minutes": minutes(
            details.get("over_by_seconds", details.get("late_seconds", details.get("over_by", 0)))
        ),
    }
    return _UNSERVED.get(code, _GENERIC), params


def describe_refusal(
    issue: str, details: Mapping[str, Any] | None = None, *, rider: str = "", driver: str = ""
) -> tuple[str, dict[str, Any]]:
    """Why an edit is refused: a ``RouteIssue`` (or a domain key above) with its details."""
    details = dict(details or {})
    key = str(issue)
    if key == RouteIssue.LATE:
        key = "late_pickup" if details.get("kind") == "pickup" else "late_dropoff"
    elif key == RouteIssue.DRIVER_CAP:
        key = str(details.get("cap", "max_requests"))
    template = _REFUSALS.get(key, _REFUSALS["no_fit"])
    seconds = details.get("late_seconds", details.get("over_by", 0))
    params = {
        "rider": rider or "The rider",
        "driver": driver or "the driver",
        "minutes": minutes(seconds),
        "limit": details.get("limit", "?"),
        "problem": details.get("problem", ""),
    }
    return template, params
