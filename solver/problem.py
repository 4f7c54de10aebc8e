"""The planning problem as plain, validated, immutable data.

Times are integer seconds from the start of the service day (local midnight,
measured in real elapsed seconds, so a daylight-saving day simply has 23 or 25
hours). Locations are indices into the travel matrices; several requests may
share a location, the solver gives each visit its own node.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from enum import IntEnum
from enum import StrEnum
from functools import cached_property
from typing import Any

from solver._validate import validate_problem

MAX_SEATS = 8
"""Largest passenger capacity of a car in the service (a 9-seat minibus, driver excluded)."""


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise ValueError(message)


def _check_int(owner: str, name: str, value: Any, minimum: int = 0) -> None:
    """Raise unless ``value`` is an int (not a bool) >= ``minimum``."""
    _require(
        isinstance(value, int) and not isinstance(value, bool),
        f"{owner}.{name} must be an int, got {value!r}",
    )
    _require(value >= minimum, f"{owner}.{name} must be >= {minimum}, got {value}")


def _check_optional_int(owner: str, name: str, value: Any) -> None:
    if value is not None:
        _check_int(owner, name, value)


def _freeze(obj: Any, name: str, kind: type) -> None:
    """Let callers pass lists/sets: store them as tuple/frozenset in a frozen dataclass."""
    value = getattr(obj, name)
    if not isinstance(value, kind):
        object.__setattr__(obj, name, kind(value))


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
        _check_int("TimeWindow", "earliest", self.earliest)
        _check_int("TimeWindow", "latest", self.latest)
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

    def __post_init__(self) -> None:
        _require(
            isinstance(self.id, str) and self.id != "",
            f"Vehicle.id must be a non-empty str, got {self.id!r}",
        )
        owner = f"Vehicle {self.id!r}"
        _check_int(owner, "start", self.start)
        _check_int(owner, "end", self.end)
        _require(isinstance(self.window, TimeWindow), f"{owner}.window must be a TimeWindow")
        # The upper bound of 8 seats is checked by Problem (Problem.max_seats), so
        # benchmark instances with large capacities can raise it.
        _check_int(owner, "seats", self.seats, 1)
        _check_int(owner, "child_seats", self.child_seats)
        _require(
            self.child_seats <= self.seats,
            f"{owner}.child_seats ({self.child_seats}) must be <= seats ({self.seats})",
        )
        for name in ("max_drive_seconds", "max_duty_seconds", "max_requests", "max_night_requests"):
            _check_optional_int(owner, name, getattr(self, name))
        _check_int(owner, "fixed_cost", self.fixed_cost)
        _freeze(self, "languages", frozenset)


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
        companion_of: Id of the request this one rides inside, making the two
            a chain: a companion (e.g. the child dropped at the daycare on the
            parent's way to the course, or collected there on the way back)
            is served by the same vehicle as its main request or neither is,
            and its ride lies within the main ride (main pick-up first, main
            drop-off last). Its own windows are the via stop's opening hours,
            its ``max_ride_seconds`` bounds the companion's time in the car.
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
    companion_of: str | None = None

    def __post_init__(self) -> None:
        _require(
            isinstance(self.id, str) and self.id != "",
            f"Request.id must be a non-empty str, got {self.id!r}",
        )
        owner = f"Request {self.id!r}"
        _check_int(owner, "pickup", self.pickup)
        _check_int(owner, "dropoff", self.dropoff)
        for name in ("pickup_window", "dropoff_window"):
            window = getattr(self, name)
            _require(
                window is None or isinstance(window, TimeWindow),
                f"{owner}.{name} must be a TimeWindow or None, got {window!r}",
            )
        _check_int(owner, "pickup_service", self.pickup_service)
        _check_int(owner, "dropoff_service", self.dropoff_service)
        _check_int(owner, "seats", self.seats, 1)
        _check_int(owner, "child_seats", self.child_seats)
        _require(
            self.child_seats <= self.seats,
            f"{owner}.child_seats ({self.child_seats}) must be <= seats ({self.seats})",
        )
        _check_optional_int(owner, "max_ride_seconds", self.max_ride_seconds)
        try:
            object.__setattr__(self, "priority", Priority(self.priority))
        except ValueError:
            raise ValueError(
                f"{owner}.priority must be a Priority, got {self.priority!r}"
            ) from None
        _freeze(self, "languages", frozenset)
        _freeze(self, "forbidden_vehicles", frozenset)
        _require(
            self.locked_vehicle is None or self.locked_vehicle not in self.forbidden_vehicles,
            f"{owner}.locked_vehicle {self.locked_vehicle!r} is also in forbidden_vehicles",
        )


@dataclass(frozen=True)
class Visit:
    """A reference to one end of a request: its pick-up or its drop-off."""

    request_id: str
    kind: StopKind

    def __post_init__(self) -> None:
        _require(
            self.kind in (StopKind.PICKUP, StopKind.DROPOFF),
            f"Visit {self.request_id!r}.kind must be pickup or dropoff, got {self.kind!r}",
        )
        object.__setattr__(self, "kind", StopKind(self.kind))


@dataclass(frozen=True)
class PlannedRoute:
    """An earlier plan's route: the visits of one vehicle in order."""

    vehicle_id: str
    visits: tuple[Visit, ...]

    def __post_init__(self) -> None:
        _freeze(self, "visits", tuple)


@dataclass(frozen=True)
class Weights:
    """Objective weights the caller sets; all integers, applied to seconds/metres.

    The objective is: sum of unserved penalties (by priority) dominating
    everything else, then ``travel_time * driving seconds + distance * metres``,
    plus ``extra_ride_time * riders' seconds above their direct ride``, plus
    ``change * reassigned earlier requests``, plus ``language_mismatch`` per
    request served by a driver who shares none of the rider's languages, plus
    ``workload`` per request a vehicle serves above its fair share, the
    day's requests divided by its vehicles, rounded up (``Problem.fair_share``):
    a soft cap that spreads the rides over the volunteers.
    """

    travel_time: int = 1
    distance: int = 0
    extra_ride_time: int = 0
    change: int = 0
    language_mismatch: int = 0
    workload: int = 0
    unserved: Mapping[Priority, int] = field(
        default_factory=lambda: {
            Priority.WORK: 8_000_000,
            Priority.INTERNSHIP: 4_000_000,
            Priority.COURSE: 2_000_000,
            Priority.OTHER: 1_000_000,
        }
    )

    def __post_init__(self) -> None:
        names = ("travel_time", "distance", "extra_ride_time", "change", "language_mismatch")
        for name in (*names, "workload"):
            _check_int("Weights", name, getattr(self, name))
        for priority, penalty in self.unserved.items():
            _check_int("Weights", f"unserved[{Priority(priority).name}]", penalty)

    def penalty(self, priority: Priority) -> int:
        """Cost of leaving a request of this priority unserved."""
        return self.unserved.get(priority, 0)


@dataclass(frozen=True)
class TravelMatrix:
    """Travel between locations: ``durations[i][j]`` seconds, ``distances[i][j]`` metres."""

    durations: Sequence[Sequence[int]]
    """Seconds from row to column; any nested sequence, stored as tuples."""
    distances: Sequence[Sequence[int]]
    """Metres from row to column; any nested sequence, stored as tuples."""

    def __post_init__(self) -> None:
        n = len(self.durations)
        for name in ("durations", "distances"):
            rows = tuple(tuple(row) for row in getattr(self, name))
            object.__setattr__(self, name, rows)
            _require(len(rows) == n, f"TravelMatrix.{name} has {len(rows)} rows, expected {n}")
            for i, row in enumerate(rows):
                _require(
                    len(row) == n,
                    f"TravelMatrix.{name}[{i}] has {len(row)} entries, expected {n} (square)",
                )
            _require(
                all(type(x) is int for row in rows for x in row),
                f"TravelMatrix.{name} must hold ints only",
            )
            _require(
                n == 0 or min(map(min, rows)) >= 0,
                f"TravelMatrix.{name} must be non-negative",
            )

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
        max_seats: Largest ``Vehicle.seats`` accepted (8 in the service: cars and
            9-seat minibuses); benchmark readers raise it for lorry capacities.
    """

    vehicles: tuple[Vehicle, ...]
    requests: tuple[Request, ...]
    matrix: TravelMatrix
    weights: Weights = field(default_factory=Weights)
    previous: tuple[PlannedRoute, ...] = ()
    locked_routes: Mapping[str, tuple[Visit, ...]] = field(default_factory=dict)
    max_seats: int = MAX_SEATS

    def __post_init__(self) -> None:
        _freeze(self, "vehicles", tuple)
        _freeze(self, "requests", tuple)
        _freeze(self, "previous", tuple)
        object.__setattr__(
            self, "locked_routes", {v: tuple(visits) for v, visits in self.locked_routes.items()}
        )
        _require(isinstance(self.matrix, TravelMatrix), "Problem.matrix must be a TravelMatrix")
        _require(
            all(isinstance(v, Vehicle) for v in self.vehicles),
            "Problem.vehicles must hold Vehicle objects",
        )
        _require(
            all(isinstance(r, Request) for r in self.requests),
            "Problem.requests must hold Request objects",
        )
        _check_int("Problem", "max_seats", self.max_seats, 1)
        validate_problem(self)

    @cached_property
    def fair_share(self) -> int:
        """Requests per vehicle if the day were spread evenly, rounded up (``Weights.workload``)."""
        return -(-len(self.requests) // max(1, len(self.vehicles)))

    @cached_property
    def companions(self) -> Mapping[str, str]:
        """Main request id -> its companion's id, for every chain."""
        return {r.companion_of: r.id for r in self.requests if r.companion_of is not None}

    @cached_property
    def chain_of(self) -> Mapping[str, tuple[str, str]]:
        """Request id -> (main id, companion id) of its chain, for both members."""
        out = {}
        for main, companion in self.companions.items():
            out[main] = out[companion] = (main, companion)
        return out

    @cached_property
    def vehicle_by_id(self) -> Mapping[str, Vehicle]:
        """Vehicles by id."""
        return {v.id: v for v in self.vehicles}

    @cached_property
    def request_by_id(self) -> Mapping[str, Request]:
        """Requests by id."""
        return {r.id: r for r in self.requests}
