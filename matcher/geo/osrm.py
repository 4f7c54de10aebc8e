"""Road travel times from an OSRM-compatible ``/table/v1/driving/`` service.

Network I/O, so it lives in the domain and never in ``solver/``: the solver
receives the matrices. Legs are cached; whatever the service does not deliver
(error, timeout, unroutable pair) comes from a fallback model, by default the
solver's offline ``GeodesicTravelModel``.
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
from typing import TYPE_CHECKING
from typing import Protocol

import solver

if TYPE_CHECKING:
    from solver import Point
    from solver import Table
    from solver import TravelTimeProvider

log = logging.getLogger(__name__)


class TravelCache(Protocol):
    """Where looked-up legs are kept: (origin, destination) -> (seconds, metres)."""

    def get(self, key: tuple[Point, Point]) -> tuple[int, int] | None:
        """The cached leg, or None."""
        ...

    def put(self, key: tuple[Point, Point], value: tuple[int, int]) -> None:
        """Remember a leg."""
        ...


def _memory_cache() -> TravelCache:
    # solver.travel loads numpy and geopy: only when a provider is made, not at import.
    return solver.MemoryCache()


def _geodesic_model() -> TravelTimeProvider:
    return solver.GeodesicTravelModel()


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
    cache: TravelCache = field(default_factory=_memory_cache)
    timeout: float = 10.0
    fallback: TravelTimeProvider = field(default_factory=_geodesic_model)
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
