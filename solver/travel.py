"""Travel matrices from coordinates: a crow-fly model, computed here without any I/O.

The geodesic distance (geopy, WGS-84) times a road-circuity factor, driven at
a distance-banded speed, in integer seconds and metres. A road router (OSRM)
does network I/O and so lives in the domain (``matcher.geo.osrm``); it hands
the solver the same ``TravelTimeProvider`` shape.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Protocol

from geopy.distance import geodesic
from geopy.distance import great_circle

from solver.problem import TravelMatrix

Point = tuple[float, float]
"""(latitude, longitude) in degrees."""
Table = tuple[list[list[int]], list[list[int]]]
"""(durations in seconds, distances in metres), one row per origin."""


class TravelTimeProvider(Protocol):
    """Anything that turns points into a full table (the geodesic model, OSRM, a fake)."""

    def table(self, points: Sequence[Point]) -> Table:
        """Durations and distances between all points, row = origin."""
        ...


@dataclass(frozen=True)
class SpeedBand:
    """Drive at ``kmh`` on the part of a trip's road distance below ``up_to_km``."""

    up_to_km: float
    kmh: float


# Speeds: MiD 2002 measured an average door-to-door car speed of 33 km/h over all
# areas (bpb.de data sheet "Daten zum motorisierten Individualverkehr"); OSRM's
# car.lua free-flow speeds are 25 km/h on residential/unclassified roads, 40
# tertiary, 55 secondary, 65 primary, 85-90 trunk/motorway. Starting assumption
# to calibrate per district (SOLVER-NOTES §4): 30 km/h for the first 5 km (village
# streets), 50 km/h up to 20 km, 65 km/h beyond (rural primary roads).
DEFAULT_BANDS = (SpeedBand(5.0, 30.0), SpeedBand(20.0, 50.0), SpeedBand(math.inf, 65.0))

# Circuity: road distance / crow-fly distance is 1.3 +- 0.1 on large road networks
# (Wang, Bette, Schreckenberg, Guhr, "How much longer do you have to drive than the
# crow has to fly?", npj Complexity 1, 22 (2024), arXiv 2406.06490); the mean
# radial detour in 300 European cities is 1.343 (Environment and Planning B, 2023,
# doi 10.1177/23998083231168870). Short trips are more circuitous than long ones.
DEFAULT_CIRCUITY = 1.3


@dataclass(frozen=True)
class GeodesicTravelModel:
    """Crow-fly distance x circuity, driven at banded speeds, plus a fixed overhead.

    Attributes:
        circuity: Road distance per crow-fly distance.
        bands: Speeds by distance band, ascending ``up_to_km``, last one infinite.
        marginal: If True (default) each band's speed applies to the part of the
            trip inside it, like tax brackets: time then grows with distance and
            the matrix keeps the triangle inequality (up to rounding). If False
            the whole trip runs at its band's speed, as the notes phrase it, which
            makes a 5.1 km trip quicker than a 4.9 km one.
        overhead_seconds: Added to every trip between distinct points (parking,
            finding the door); 0 by default because service times carry it.
        method: "geodesic" (WGS-84 ellipsoid, exact) or "great_circle" (sphere,
            about 0.2 % off and several times faster, for very large tables).
    """

    circuity: float = DEFAULT_CIRCUITY
    bands: tuple[SpeedBand, ...] = DEFAULT_BANDS
    marginal: bool = True
    overhead_seconds: int = 0
    method: str = "geodesic"

    def __post_init__(self) -> None:
        if self.circuity < 1.0:
            raise ValueError(f"GeodesicTravelModel.circuity must be >= 1, got {self.circuity}")
        if not self.bands or not math.isinf(self.bands[-1].up_to_km):
            raise ValueError("GeodesicTravelModel.bands must end with an infinite band")
        if any(b.kmh <= 0 for b in self.bands):
            raise ValueError("GeodesicTravelModel.bands speeds must be > 0")
        if any(a.up_to_km >= b.up_to_km for a, b in zip(self.bands, self.bands[1:], strict=False)):
            raise ValueError("GeodesicTravelModel.bands must ascend")
        if self.method not in ("geodesic", "great_circle"):
            raise ValueError(f"GeodesicTravelModel.method unknown: {self.method!r}")
        if self.overhead_seconds < 0:
            raise ValueError("GeodesicTravelModel.overhead_seconds must be >= 0")

    def road_km(self, a: Point, b: Point) -> float:
        """Estimated road distance in km."""
        crow = geodesic(a, b).km if self.method == "geodesic" else great_circle(a, b).km
        return float(crow) * self.circuity

    def seconds(self, km: float) -> float:
        """Driving time for a road distance, by the speed bands."""
        if not self.marginal:
            band = next(b for b in self.bands if km < b.up_to_km)
            return km / band.kmh * 3600.0
        total, lower = 0.0, 0.0
        for band in self.bands:
            part = min(km, band.up_to_km) - lower
            if part <= 0:
                break
            total += part / band.kmh * 3600.0
            lower = band.up_to_km
        return total

    def leg(self, a: Point, b: Point) -> tuple[int, int]:
        """(seconds, metres) from a to b; 0 for the same point."""
        if a == b:
            return 0, 0
        km = self.road_km(a, b)
        return math.ceil(self.seconds(km)) + self.overhead_seconds, round(km * 1000.0)

    def table(self, points: Sequence[Point]) -> Table:
        """Full table; symmetric, so each pair is computed once."""
        n = len(points)
        durations = [[0] * n for _ in range(n)]
        distances = [[0] * n for _ in range(n)]
        for i in range(n):
            for j in range(i + 1, n):
                s, m = self.leg(points[i], points[j])
                durations[i][j] = durations[j][i] = s
                distances[i][j] = distances[j][i] = m
        return durations, distances


def build_matrix(points: Sequence[Point], model: TravelTimeProvider | None = None) -> TravelMatrix:
    """A TravelMatrix between (lat, lon) points, by default with ``GeodesicTravelModel()``."""
    for k, (lat, lon) in enumerate(points):
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            raise ValueError(f"points[{k}] = {(lat, lon)} is not a (lat, lon) pair")
    durations, distances = (model or GeodesicTravelModel()).table(points)
    return TravelMatrix(durations, distances)


@dataclass
class MemoryCache:
    """The default cache: a dict in memory (lives as long as the provider)."""

    legs: dict[tuple[Point, Point], tuple[int, int]] = field(default_factory=dict)

    def get(self, key: tuple[Point, Point]) -> tuple[int, int] | None:
        """The cached leg, or None."""
        return self.legs.get(key)

    def put(self, key: tuple[Point, Point], value: tuple[int, int]) -> None:
        """Remember a leg."""
        self.legs[key] = value
