"""What the solver returns: routes with a full timetable, the unserved with reasons, statistics."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from enum import StrEnum

from solver.problem import StopKind


class UnservedReason(StrEnum):
    """Why a request is not in the plan, as a code the service translates.

    Each code is established by checking the request against the problem and
    the returned plan, never guessed.
    """

    NO_VEHICLE_IN_TIME = "no_vehicle_in_time"
    """No driver's shift can reach the pick-up and drop-off inside the windows."""
    RIDE_TIME_EXCEEDED = "ride_time_exceeded"
    """Every driver would exceed the rider's maximum ride time."""
    NO_SEAT = "no_seat"
    """No car has enough seats (or child seats) for the party."""
    LOCKED_VEHICLE_CANNOT = "locked_vehicle_cannot"
    """The driver it is locked to cannot make it."""
    ALL_VEHICLES_FORBIDDEN = "all_vehicles_forbidden"
    """Every driver who could is excluded for this request."""
    DRIVE_LIMIT = "drive_limit"
    """Serving it would push every capable driver over their driving-time limit."""
    DRIVER_CAP = "driver_cap"
    """Every capable driver has reached a per-driver cap (rides, night rides)."""
    CONFLICT = "conflict"
    """It fits a driver alone, but not next to the rides already planned."""
    CHAIN_NO_VEHICLE = "chain_no_vehicle"
    """Each part of a chain fits a driver alone, but no driver can make both (e.g. the
    daycare opens at 07:00 and the course starts at 07:30 too far away)."""
    NOT_WORTH = "not_worth"
    """It could be inserted, but the detour costs more than its priority allows."""


@dataclass(frozen=True)
class Stop:
    """One stop of a route with its timetable.

    Attributes:
        kind: Start, pick-up, drop-off or end.
        location: Location index.
        request_id: The request served here (None at start and end).
        arrival: When the car arrives.
        service_start: When boarding/alighting begins (>= arrival).
        departure: When the car leaves (``service_start`` + service time).
        wait: ``service_start - arrival``.
        load: Seats occupied after the stop.
        child_load: Child seats occupied after the stop.
    """

    kind: StopKind
    location: int
    request_id: str | None
    arrival: int
    service_start: int
    departure: int
    wait: int
    load: int
    child_load: int = 0


@dataclass(frozen=True)
class Route:
    """One vehicle's day: its stops from start to end, and totals.

    Attributes:
        vehicle_id: The vehicle driving it.
        stops: Start, the visits in order, end.
        drive_seconds: Sum of travel times along the route.
        distance_metres: Sum of travel distances (matrix units).
        duration_seconds: From departure at start to arrival at end.
    """

    vehicle_id: str
    stops: tuple[Stop, ...]
    drive_seconds: int
    distance_metres: int
    duration_seconds: int

    @property
    def request_ids(self) -> tuple[str, ...]:
        """Requests served, in order of pick-up."""
        return tuple(s.request_id for s in self.stops if s.kind is StopKind.PICKUP and s.request_id)


@dataclass(frozen=True)
class Unserved:
    """A request left out of the plan, with the reason and the facts behind it.

    ``details`` carries plain values for the message, e.g.
    ``{"vehicle_id": "d7", "late_seconds": 720}``.
    """

    request_id: str
    reason: UnservedReason
    details: Mapping[str, int | str] = field(default_factory=dict)


@dataclass(frozen=True)
class ObjectiveParts:
    """The objective broken down, in the problem's weighted integer units."""

    unserved_penalty: int = 0
    travel: int = 0
    extra_ride_time: int = 0
    change: int = 0
    language_mismatch: int = 0
    fixed_cost: int = 0
    workload: int = 0

    @property
    def total(self) -> int:
        """Sum of all parts."""
        return (
            self.unserved_penalty
            + self.travel
            + self.extra_ride_time
            + self.change
            + self.language_mismatch
            + self.fixed_cost
            + self.workload
        )


@dataclass(frozen=True)
class SolveStats:
    """How the search went (wall-clock seconds)."""

    status: str
    wall_seconds: float
    first_solution_seconds: float | None = None
    best_solution_seconds: float | None = None
    iterations: int = 0


@dataclass(frozen=True)
class Solution:
    """A plan for the day: routes (vehicles serving something), unserved requests, costs.

    ``demoted`` lists must-serve requests the planner had to treat as optional
    because no vehicle could serve them (alone, or all of them together); they
    also appear in ``unserved`` with the reason.
    """

    routes: tuple[Route, ...]
    unserved: tuple[Unserved, ...]
    objective: ObjectiveParts
    stats: SolveStats
    demoted: tuple[str, ...] = ()

    @property
    def served_ids(self) -> frozenset[str]:
        """Ids of all requests served."""
        return frozenset(r for route in self.routes for r in route.request_ids)
