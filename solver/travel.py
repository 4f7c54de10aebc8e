"""Travel matrices from coordinates: a crow-fly model by default, a road router if configured.

Default (no internet needed): the geodesic distance (geopy, WGS-84) times a
road-circuity factor, driven at a distance-banded speed. Optional: an
OSRM-compatible ``/table/v1/driving/`` service, cached, falling back to the
default model on any failure. Both give integer seconds and metres.
"""

from __future__ import annotations

import json
import logging
import math
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Protocol

from geopy.distance import geodesic
from geopy.distance import great_circle

from solver.problem import TravelMatrix

log = logging.getLogger(__name__)

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
        return crow * self.circuity

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


class TravelCache(Protocol):
    """Where looked-up legs are kept: (origin, destination) -> (seconds, metres)."""

    def get(self, key: tuple[Point, Point]) -> tuple[int, int] | None:
        """The cached leg, or None."""
        ...

    def put(self, key: tuple[Point, Point], value: tuple[int, int]) -> None:
        """Remember a leg."""
        ...


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


def _key(a: Point, b: Point, digits: int = 5) -> tuple[Point, Point]:
    """Cache key: coordinates rounded to ~1 m, so re-geocoded addresses still hit."""
    return (round(a[0], digits), round(a[1], digits)), (round(b[0], digits), round(b[1], digits))


@dataclass
class OsrmTableProvider:
    """Road travel times from an OSRM-compatible table API, cached, with a fallback.

    Attributes:
        base_url: e.g. ``http://osrm.local:5000`` (``/table/v1/driving/`` is added).
        cache: Where legs are kept between calls.
        timeout: Seconds per HTTP request.
        fallback: Used for every leg the service does not deliver (error,
            timeout, unroutable pair).
        max_coordinates: Coordinates per request; OSRM's ``--max-table-size``
            defaults to 100 (OSRM #4836).
    """

    base_url: str
    cache: TravelCache = field(default_factory=MemoryCache)
    timeout: float = 10.0
    fallback: TravelTimeProvider = field(default_factory=GeodesicTravelModel)
    max_coordinates: int = 100

    def table(self, points: Sequence[Point]) -> Table:
        """Full table: cached legs, then the service for origins with misses, then the fallback."""
        n = len(points)
        durations = [[0] * n for _ in range(n)]
        distances = [[0] * n for _ in range(n)]
        missing_rows = []
        for i in range(n):
            row_missing = False
            for j in range(n):
                hit = self.cache.get(_key(points[i], points[j])) if i != j else (0, 0)
                if hit is None:
                    row_missing = True
                else:
                    durations[i][j], distances[i][j] = hit
            if row_missing:
                missing_rows.append(i)
        if missing_rows:
            self._fill(points, missing_rows, durations, distances)
        return durations, distances

    def _fill(
        self,
        points: Sequence[Point],
        rows: list[int],
        durations: list[list[int]],
        distances: list[list[int]],
    ) -> None:
        half = max(1, self.max_coordinates // 2)
        cols = list(range(len(points)))
        got: dict[tuple[int, int], tuple[int, int]] = {}
        try:
            for r0 in range(0, len(rows), half):
                for c0 in range(0, len(cols), half):
                    got.update(self._block(points, rows[r0 : r0 + half], cols[c0 : c0 + half]))
        except (OSError, ValueError, KeyError, TypeError) as exc:  # URLError, timeout, bad JSON
            log.warning("OSRM table failed (%s); using the fallback model", exc)
        missing = [(i, j) for i in rows for j in cols if i != j and (i, j) not in got]
        for (i, j), leg in got.items():
            if i != j:
                durations[i][j], distances[i][j] = leg
                self.cache.put(_key(points[i], points[j]), leg)
        if missing:  # not cached: next time the service may answer
            sub = sorted({k for pair in missing for k in pair})
            at = {k: n for n, k in enumerate(sub)}
            fd, fm = self.fallback.table([points[k] for k in sub])
            for i, j in missing:
                durations[i][j], distances[i][j] = fd[at[i]][at[j]], fm[at[i]][at[j]]

    def _block(
        self, points: Sequence[Point], rows: list[int], cols: list[int]
    ) -> dict[tuple[int, int], tuple[int, int]]:
        """One request for rows x cols (at most ``max_coordinates`` distinct points)."""
        ids = sorted(set(rows) | set(cols))
        at = {p: k for k, p in enumerate(ids)}
        coords = ";".join(f"{points[p][1]:.6f},{points[p][0]:.6f}" for p in ids)
        sources = ";".join(str(at[i]) for i in rows)
        destinations = ";".join(str(at[j]) for j in cols)
        url = (
            f"{self.base_url.rstrip('/')}/table/v1/driving/{coords}"
            f"?annotations=duration,distance&sources={sources}&destinations={destinations}"
        )
        with urllib.request.urlopen(url, timeout=self.timeout) as response:  # noqa: S310
            body = json.loads(response.read().decode("utf-8"))
        if body.get("code") != "Ok":
            raise ValueError(f"OSRM answered {body.get('code')!r}")
        out = {}
        for a, i in enumerate(rows):
            for b, j in enumerate(cols):
                s, m = body["durations"][a][b], body["distances"][a][b]
                if s is not None and m is not None:
                    out[(i, j)] = (math.ceil(s), round(m))
        return out
