"""The planning problem as plain, validated, immutable data.

Times are integer seconds from the start of the service day (local midnight,
measured in real elapsed seconds, so a daylight-saving day simply has 23 or 25
hours). Locations are indices into the travel matrices; several requests may
share a location, the solver gives each visit its own node.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from enum import IntEnum
from enum import StrEnum


class Priority(IntEnum):
    """How much serving a request matters; higher is more important.

    The service maps purposes onto these classes: work and shift work above
    internships above courses above everything else.
    """

    OTHER = 1
    COURSE = 2
    INTERNSHIP = 3
    WORK = 4


class StopKind(StrEnum):
    """What happens at a stop of a route."""

    START = "start"
    PICKUP = "pickup"
    DROPOFF = "dropoff"
    END = "end"


@dataclass(frozen=True)
class TimeWindow:
    """A closed interval ``[earliest, latest]`` in seconds of the service day."""

    earliest: int
    latest: int

    def __post_init__(self) -> None:
        if self.earliest < 0:
            raise ValueError(f"TimeWindow.earliest must be >= 0, got {self.earliest}")
        if self.latest < self.earliest:
            raise ValueError(
                f"TimeWindow.latest ({self.latest}) is before earliest ({self.earliest})"
            )

    def contains(self, t: int) -> bool:
        """Whether ``t`` lies in the window."""
        return self.earliest <= t <= self.latest


@dataclass(frozen=True)
class Vehicle:
    """One volunteer's shift: where it starts and ends, when, and what the car holds.

    Attributes:
        id: Caller's identifier, unique within the problem.
        start: Location index where the driver sets off (usually home).
        end: Location index where the driver finishes (usually home).
        window: Earliest departure from ``start`` and latest arrival at ``end``.
        seats: Passenger seats (the driver excluded), 1..8.
        child_seats: Child seats or boosters on board, at most ``seats``.
        max_drive_seconds: Cap on the sum of travel times (waiting excluded).
        max_duty_seconds: Cap on the route's span from departure to return.
        languages: Language codes the driver speaks (ISO 639-1), for the
            soft preference of riders who share one.
        max_requests: Cap on requests served in this shift (per-driver cap).
        max_night_requests: Cap on requests with ``Request.night`` set.
        fixed_cost: Objective cost paid once if the vehicle serves anything
            (used to minimise vehicle count, e.g. in the Li & Lim benchmark).
    """

    id: str
    start: int
    end: int
    window: TimeWindow
    seats: int
    child_seats: int = 0
    max_drive_seconds: int | None = None
    max_duty_seconds: int | None = None
    languages: frozenset[str] = frozenset()
    max_requests: int | None = None
    max_night_requests: int | None = None
    fixed_cost: int = 0


@dataclass(frozen=True)
class Request:
    """One rider's trip on this day: picked up at one place, dropped at another.

    Attributes:
        id: Caller's identifier, unique within the problem.
        pickup: Location index of the pick-up.
        dropoff: Location index of the drop-off.
        pickup_window: Window for the start of service at the pick-up, or None.
        dropoff_window: Window for the start of service at the drop-off, or None.
        pickup_service: Seconds spent boarding.
        dropoff_service: Seconds spent alighting.
        seats: Seats taken, children included (>= 1).
        child_seats: Of ``seats``, how many need a child seat or booster.
        max_ride_seconds: Cap on the time from the end of service at the
            pick-up to the start of service at the drop-off (waiting on board
            counts), or None for no cap.
        direct_seconds: Direct travel time, filled by the caller or computed by
            the solver from the matrix; used for extra-ride-time reporting.
        priority: Importance class; unserved penalties scale with it.
        languages: Languages the rider speaks (soft preference).
        night: Counts against ``Vehicle.max_night_requests``.
        locked_vehicle: Vehicle id this request must be served by if served.
        forbidden_vehicles: Vehicle ids that must not serve it.
        must_serve: If True the request is not optional; use only after the
            caller has checked that it can be served.
    """

    id: str
    pickup: int
    dropoff: int
    pickup_window: TimeWindow | None = None
    dropoff_window: TimeWindow | None = None
    pickup_service: int = 0
    dropoff_service: int = 0
    seats: int = 1
    child_seats: int = 0
    max_ride_seconds: int | None = None
    priority: Priority = Priority.OTHER
    languages: frozenset[str] = frozenset()
    night: bool = False
    locked_vehicle: str | None = None
    forbidden_vehicles: frozenset[str] = frozenset()
    must_serve: bool = False


@dataclass(frozen=True)
class Visit:
    """A reference to one end of a request: its pick-up or its drop-off."""

    request_id: str
    kind: StopKind


@dataclass(frozen=True)
class PlannedRoute:
    """An earlier plan's route: the visits of one vehicle in order."""

    vehicle_id: str
    visits: tuple[Visit, ...]


@dataclass(frozen=True)
class Weights:
    """Objective weights the caller sets; all integers, applied to seconds/metres.

    The objective is: sum of unserved penalties (by priority) dominating
    everything else, then ``travel_time * driving seconds + distance * metres``,
    plus ``extra_ride_time * riders' seconds above their direct ride``, plus
    ``change * reassigned earlier requests``, plus ``language_mismatch`` per
    request served by a driver who shares none of the rider's languages.
    """

    travel_time: int = 1
    distance: int = 0
    extra_ride_time: int = 0
    change: int = 0
    language_mismatch: int = 0
    unserved: Mapping[Priority, int] = field(
        default_factory=lambda: {
            Priority.WORK: 8_000_000,
            Priority.INTERNSHIP: 4_000_000,
            Priority.COURSE: 2_000_000,
            Priority.OTHER: 1_000_000,
        }
    )


@dataclass(frozen=True)
class TravelMatrix:
    """Travel between locations: ``durations[i][j]`` seconds, ``distances[i][j]`` metres."""

    durations: tuple[tuple[int, ...], ...]
    distances: tuple[tuple[int, ...], ...]

    @property
    def size(self) -> int:
        """Number of locations."""
        return len(self.durations)


@dataclass(frozen=True)
class Problem:
    """A day to plan: vehicles, requests, travel matrix, and optionally an earlier plan.

    Attributes:
        vehicles: The shifts available.
        requests: The trips to serve.
        matrix: Travel times and distances between all locations.
        weights: Objective weights.
        previous: An earlier plan to start from and stay close to.
        locked_routes: Vehicle id -> visits that must open that vehicle's
            route in this order ("lock a whole route"); every request in it
            appears with both pick-up and drop-off.
    """

    vehicles: tuple[Vehicle, ...]
    requests: tuple[Request, ...]
    matrix: TravelMatrix
    weights: Weights = field(default_factory=Weights)
    previous: tuple[PlannedRoute, ...] = ()
    locked_routes: Mapping[str, tuple[Visit, ...]] = field(default_factory=dict)
