"""Travel matrices between places: the solver's offline model, or OSRM where configured.

Legs are cached in memory per process (keyed by coordinates rounded to ~1 m),
so re-planning a day or editing a plan does not recompute or re-fetch them.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field

import solver
from matcher.geo.osrm import OsrmTableProvider
from matcher.models import Place
from matcher.settings import Settings
from solver import GeodesicTravelModel
from solver import MemoryCache
from solver import Point
from solver import Table
from solver import TravelTimeProvider
from solver import build_matrix

_lock = threading.Lock()
_providers: dict[str, TravelTimeProvider] = {}


def _rounded(p: Point) -> Point:
    return round(p[0], 5), round(p[1], 5)


@dataclass
class CachedGeodesic:
    """The offline model with a leg cache (the geodesic formula is the slow part)."""

    model: GeodesicTravelModel = field(default_factory=GeodesicTravelModel)
    cache: MemoryCache = field(default_factory=MemoryCache)

    def table(self, points: Sequence[Point]) -> Table:
        """Full table, each leg computed once per process."""
        n = len(points)
        durations = [[0] * n for _ in range(n)]
        distances = [[0] * n for _ in range(n)]
        for i in range(n):
            for j in range(i + 1, n):
                key = (_rounded(points[i]), _rounded(points[j]))
                leg = self.cache.get(key)
                if leg is None:
                    leg = self.model.leg(points[i], points[j])
                    self.cache.put(key, leg)
                    self.cache.put((key[1], key[0]), leg)
                durations[i][j] = durations[j][i] = leg[0]
                distances[i][j] = distances[j][i] = leg[1]
        return durations, distances


def provider(settings: Settings) -> TravelTimeProvider:
    """The process-wide provider for the settings: OSRM if ``osrm_url`` is set, else offline."""
    key = settings.osrm_url or ""
    with _lock:
        if key not in _providers:
            _providers[key] = (
                OsrmTableProvider(settings.osrm_url, fallback=CachedGeodesic())
                if settings.osrm_url
                else CachedGeodesic()
            )
        return _providers[key]


def travel_matrix(places: Sequence[Place], settings: Settings) -> solver.TravelMatrix:
    """The matrix between ``places`` in the given order (index = location).

    Every place needs coordinates (ValueError otherwise; the planner leaves
    trips to unlocated places out beforehand).
    """
    points: list[Point] = []
    for place in places:
        if place.lat is None or place.lon is None:
            raise ValueError(f"place {place.id} has no coordinates")
        points.append((place.lat, place.lon))
    return build_matrix(points, provider(settings))
