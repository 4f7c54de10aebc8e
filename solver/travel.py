"""Travel matrices from coordinates: a crow-fly model, computed here without any I/O.

The geodesic distance (WGS-84) times a road-circuity factor, driven at a
distance-banded speed, in integer seconds and metres. All pairs of a table are
computed at once with numpy (``geodesic_km``: Vincenty's inverse formula on the
ellipsoid, within a micrometre of geopy's geodesic at district distances); a
single leg goes through the same code, so the rule lives in one place. A road
router (OSRM) does network I/O and so lives in the domain
(``matcher.geo.osrm``); it hands the solver the same ``TravelTimeProvider`` shape.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Protocol

import numpy as np
import numpy.typing as npt
from geopy.distance import geodesic

from solver.problem import TravelMatrix

Point = tuple[float, float]
"""(latitude, longitude) in degrees."""
Table = tuple[list[list[int]], list[list[int]]]
"""(durations in seconds, distances in metres), one row per origin."""
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

WGS84_A_KM = 6378.137
"""WGS-84 semi-major axis (geopy's ``ELLIPSOIDS["WGS-84"]``)."""
WGS84_F = 1 / 298.257223563
"""WGS-84 flattening."""
EARTH_RADIUS_KM = 6371.009
"""Mean earth radius of geopy's ``great_circle``."""
_VINCENTY_TOLERANCE = 1e-12
"""Radians of longitude on the auxiliary sphere: about 6 micrometres on the ground."""
_VINCENTY_ITERATIONS = 200
_PAIRS_PER_CHUNK = 1 << 18
"""Pairs computed per numpy pass: about 30 arrays of 2 MB each at a time."""


def _columns(points: Sequence[Point]) -> tuple[FloatArray, FloatArray]:
    """Latitudes and longitudes of ``points`` as two float arrays (degrees)."""
    coords = np.asarray(points, dtype=np.float64).reshape(len(points), 2)
    return coords[:, 0].copy(), coords[:, 1].copy()


def great_circle_km(
    lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray
) -> FloatArray:
    """Distances on the sphere, pair by pair of the arrays (degrees in, km out).

    The formula of geopy's ``great_circle`` (the atan2 form, well conditioned for
    short and for antipodal pairs), on whole arrays.
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dlon = np.radians(lon2 - lon1)
    sin1, cos1, sin2, cos2 = np.sin(p1), np.cos(p1), np.sin(p2), np.cos(p2)
    cos_dlon = np.cos(dlon)
    y = np.hypot(cos2 * np.sin(dlon), cos1 * sin2 - sin1 * cos2 * cos_dlon)
    x = sin1 * sin2 + cos1 * cos2 * cos_dlon
    return np.asarray(EARTH_RADIUS_KM * np.arctan2(y, x), dtype=np.float64)


def geodesic_km(
    lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray
) -> FloatArray:
    """Distances on the WGS-84 ellipsoid, pair by pair of the arrays (degrees in, km out).

    Vincenty's inverse formula (Survey Review 23 (176), 1975), iterated on all
    pairs at once until the longitude on the auxiliary sphere moves by less than
    1e-12 rad. It agrees with Karney's algorithm (geopy's ``geodesic``) to well
    under a millimetre; the few nearly antipodal pairs on which it does not
    converge (never within a district) are handed to geopy one by one.
    """
    a, f = WGS84_A_KM, WGS84_F
    b = a * (1 - f)
    u1 = np.arctan((1 - f) * np.tan(np.radians(lat1)))
    u2 = np.arctan((1 - f) * np.tan(np.radians(lat2)))
    sin_u1, cos_u1, sin_u2, cos_u2 = np.sin(u1), np.cos(u1), np.sin(u2), np.cos(u2)
    big_l = np.radians(lon2 - lon1)
    lam = big_l.copy()
    active = np.ones(lam.shape, dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        for _ in range(_VINCENTY_ITERATIONS):
            sin_lam, cos_lam = np.sin(lam), np.cos(lam)
            sin_sigma = np.hypot(cos_u2 * sin_lam, cos_u1 * sin_u2 - sin_u1 * cos_u2 * cos_lam)
            cos_sigma = sin_u1 * sin_u2 + cos_u1 * cos_u2 * cos_lam
            sigma = np.arctan2(sin_sigma, cos_sigma)
            sin_alpha = np.where(sin_sigma == 0, 0.0, cos_u1 * cos_u2 * sin_lam / sin_sigma)
            cos2_alpha = 1 - sin_alpha**2
            # on the equator cos2_alpha is 0 and the term is taken as 0
            cos_2sm = np.where(cos2_alpha == 0, 0.0, cos_sigma - 2 * sin_u1 * sin_u2 / cos2_alpha)
            c = f / 16 * cos2_alpha * (4 + f * (4 - 3 * cos2_alpha))
            new_lam = big_l + (1 - c) * f * sin_alpha * (
                sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (-1 + 2 * cos_2sm**2))
            )
            moved = np.abs(new_lam - lam)
            lam = np.where(active, new_lam, lam)
            active &= ~(moved < _VINCENTY_TOLERANCE)
            if not active.any():
                break
        # the last pass ran with the final lambda of every converged pair
        u_sq = cos2_alpha * (a**2 - b**2) / b**2
        big_a = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
        big_b = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
        delta_sigma = (
            big_b
            * sin_sigma
            * (
                cos_2sm
                + big_b
                / 4
                * (
                    cos_sigma * (-1 + 2 * cos_2sm**2)
                    - big_b / 6 * cos_2sm * (-3 + 4 * sin_sigma**2) * (-3 + 4 * cos_2sm**2)
                )
            )
        )
        km = np.where(sin_sigma == 0, 0.0, b * big_a * (sigma - delta_sigma))
    for k in np.flatnonzero(active | ~np.isfinite(km)):
        km[k] = geodesic((lat1[k], lon1[k]), (lat2[k], lon2[k])).km
    return np.asarray(km, dtype=np.float64)


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
        method: "geodesic" (WGS-84 ellipsoid, to well under a millimetre) or
            "great_circle" (sphere, about 0.2 % off, a few times faster).
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
        return float(self._road_km(*_columns([a]), *_columns([b]))[0])

    def seconds(self, km: float) -> float:
        """Driving time for a road distance, by the speed bands."""
        return float(self._seconds(np.array([km], dtype=np.float64))[0])

    def leg(self, a: Point, b: Point) -> tuple[int, int]:
        """(seconds, metres) from a to b; 0 for the same point."""
        seconds, metres = self._legs(*_columns([a]), *_columns([b]))
        return int(seconds[0]), int(metres[0])

    def table(self, points: Sequence[Point]) -> Table:
        """Full table; symmetric, so each pair is computed once (all pairs at once, numpy)."""
        durations, distances = self.arrays(points)
        return durations.tolist(), distances.tolist()

    def arrays(self, points: Sequence[Point]) -> tuple[IntArray, IntArray]:
        """The table as two n x n int64 arrays (seconds, metres), zero on the diagonal.

        The upper triangle is computed in chunks of ``_PAIRS_PER_CHUNK`` pairs
        (bounded memory for large tables) and mirrored, so the table is exactly
        symmetric, as ``leg`` would give it pair by pair.
        """
        n = len(points)
        durations = np.zeros((n, n), dtype=np.int64)
        distances = np.zeros((n, n), dtype=np.int64)
        lat, lon = _columns(points)
        rows, cols = np.triu_indices(n, k=1)
        for lo in range(0, len(rows), _PAIRS_PER_CHUNK):
            i, j = rows[lo : lo + _PAIRS_PER_CHUNK], cols[lo : lo + _PAIRS_PER_CHUNK]
            seconds, metres = self._legs(lat[i], lon[i], lat[j], lon[j])
            durations[i, j] = durations[j, i] = seconds
            distances[i, j] = distances[j, i] = metres
        return durations, distances

    def _road_km(
        self, lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray
    ) -> FloatArray:
        crow = geodesic_km if self.method == "geodesic" else great_circle_km
        return crow(lat1, lon1, lat2, lon2) * self.circuity

    def _seconds(self, km: FloatArray) -> FloatArray:
        """Driving seconds per road distance: the one place the speed bands are applied."""
        if not self.marginal:
            ups = np.array([b.up_to_km for b in self.bands])
            kmh = np.array([b.kmh for b in self.bands])
            # the first band with km < up_to_km, as ``next(...)`` over the bands would pick
            index = np.searchsorted(ups, km, side="right")
            return np.asarray(km / kmh[index] * 3600.0, dtype=np.float64)
        total = np.zeros_like(km)
        lower = 0.0
        for band in self.bands:
            # like tax brackets: the part of each trip inside this band, summed in band order
            part = np.minimum(km, band.up_to_km) - lower
            total = total + np.where(part > 0, part / band.kmh * 3600.0, 0.0)
            lower = band.up_to_km
        return total

    def _legs(
        self, lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray
    ) -> tuple[IntArray, IntArray]:
        """(seconds, metres) per pair: ceil of the time plus the overhead, rounded metres."""
        km = self._road_km(lat1, lon1, lat2, lon2)
        seconds = np.ceil(self._seconds(km)).astype(np.int64) + self.overhead_seconds
        metres = np.rint(km * 1000.0).astype(np.int64)
        same = (lat1 == lat2) & (lon1 == lon2)
        return np.where(same, 0, seconds), np.where(same, 0, metres)


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
