"""Travel matrices between places: the solver's offline model, or OSRM where configured.

The offline model computes a whole table at once with numpy (a few tens of
milliseconds for 500 places), so it needs no cache; OSRM legs are cached in
memory per process (keyed by coordinates rounded to ~1 m), so re-planning a
day or editing a plan does not re-fetch them.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

import solver
from matcher.geo.osrm import OsrmTableProvider
from matcher.models import Place
from matcher.settings import Settings

if TYPE_CHECKING:  # solver.travel loads numpy and geopy: at the first matrix, not at import
    from solver import Point
    from solver import TravelTimeProvider

_lock = threading.Lock()
_providers: dict[str, TravelTimeProvider] = {}


def provider(settings: Settings) -> TravelTimeProvider:
    """The process-wide provider for the settings: OSRM if ``osrm_url`` is set, else offline."""
    key = settings.osrm_url or ""
    with _lock:
        if key not in _providers:
            _providers[key] = (
                OsrmTableProvider(settings.osrm_url, fallback=solver.GeodesicTravelModel())
                if settings.osrm_url
                else solver.GeodesicTravelModel()
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
    return solver.build_matrix(points, provider(settings))
