"""The day's solver problem together with the maps back to the database.

Its own module because both sides use it: ``problem`` builds it and stores
solutions with it, ``routes`` translates stored routes through its maps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field
from zoneinfo import ZoneInfo

import solver
from matcher.demand.shifts import DriverShift


@dataclass(frozen=True)
class PlanningInput:
    """A solver problem with the maps back to the database.

    Attributes:
        day: The local day.
        problem: The solver's input.
        tz: The district's time zone (the time axis starts at its midnight).
        trip_by_request: Request id -> trip id.
        request_by_trip: Trip id -> request id.
        shift_by_vehicle: Vehicle id -> the driver's shift (driver id inside).
        place_by_location: Location index -> place id.
        location_by_place: Place id -> location index.
        not_located: Trip ids left out because a place has no coordinates.
    """

    day: dt.date
    problem: solver.Problem
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Berlin"))
    trip_by_request: dict[str, int] = field(default_factory=dict)
    request_by_trip: dict[int, str] = field(default_factory=dict)
    shift_by_vehicle: dict[str, DriverShift] = field(default_factory=dict)
    place_by_location: list[int] = field(default_factory=list)
    location_by_place: dict[int, int] = field(default_factory=dict)
    not_located: tuple[int, ...] = ()

    def driver_of(self, vehicle_id: str) -> int:
        """The driver id behind a vehicle id."""
        return self.shift_by_vehicle[vehicle_id].driver_id

    def vehicles_of(self, driver_id: int) -> list[str]:
        """The driver's vehicle ids (shifts) in time order."""
        return [v for v, s in self.shift_by_vehicle.items() if s.driver_id == driver_id]

    def direct_seconds(self, request_id: str) -> int:
        """Direct driving time of a request."""
        r = self.problem.request_by_id[request_id]
        return self.problem.matrix.durations[r.pickup][r.dropoff]
