"""Travel matrices between places: offline by default, OSRM only where configured."""

from __future__ import annotations

import datetime as dt
import json
import math
import threading
from http.server import BaseHTTPRequestHandler
from http.server import HTTPServer

import pytest
import sqlalchemy as sa
from geopy.distance import geodesic
from sqlalchemy.orm import Session

from matcher.demo import load_demo
from matcher.geo.osrm import OsrmTableProvider
from matcher.geo.travel_times import provider
from matcher.geo.travel_times import travel_matrix
from matcher.models import Place
from matcher.settings import Settings
from solver import GeodesicTravelModel
from solver import SpeedBand


def places() -> list[Place]:
    return [
        Place(id=k, lat=52.97 + k / 100, lon=11.15, name=f"P{k}", kind="village") for k in range(3)
    ]


def test_offline_matrix_is_symmetric_and_repeatable():
    settings = Settings()
    assert isinstance(provider(settings), GeodesicTravelModel)
    first = travel_matrix(places(), settings)
    assert first.durations[0][0] == 0 and first.durations[0][1] == first.durations[1][0] > 0
    assert first.distances[0][2] > first.distances[0][1]
    assert travel_matrix(places(), settings) == first


def _seconds_by_bands(km: float, bands: tuple[SpeedBand, ...]) -> float:
    """The marginal speed bands, written out once more, pair by pair."""
    total, lower = 0.0, 0.0
    for band in bands:
        part = min(km, band.up_to_km) - lower
        if part <= 0:
            break
        total += part / band.kmh * 3600.0
        lower = band.up_to_km
    return total


def test_vectorised_matrix_equals_the_per_pair_rule_on_the_demo_places(session: Session):
    """Every pair of the demo's places, against geopy's geodesic one pair at a time.

    Tolerance: crow-fly distance within 1 mm (measured: under 1e-10 km); the integer
    seconds and metres the solver gets are then the same for every pair.
    """
    load_demo(session, today=dt.date(2026, 6, 1))
    located = [p for p in session.scalars(sa.select(Place)) if p.lat is not None]
    assert len(located) > 100
    model = GeodesicTravelModel()
    matrix = travel_matrix(located, Settings())
    points = [(p.lat, p.lon) for p in located]
    n = len(points)
    assert len(matrix.durations) == len(matrix.distances) == n
    assert all(len(row) == n for row in (*matrix.durations, *matrix.distances))
    for i in range(n):
        assert matrix.durations[i][i] == 0 and matrix.distances[i][i] == 0
        for j in range(i + 1, n):
            crow = geodesic(points[i], points[j]).km
            assert model.road_km(points[i], points[j]) == pytest.approx(crow * 1.3, abs=1e-6)
            road = crow * model.circuity
            expected = (
                (0, 0)
                if points[i] == points[j]
                else (math.ceil(_seconds_by_bands(road, model.bands)), round(road * 1000))
            )
            assert (matrix.durations[i][j], matrix.distances[i][j]) == expected, (i, j)
            assert (matrix.durations[j][i], matrix.distances[j][i]) == expected, (j, i)


def test_place_without_coordinates_is_refused():
    with pytest.raises(ValueError, match="no coordinates"):
        travel_matrix([*places(), Place(id=9, name="?", kind="village")], Settings())


def test_osrm_used_when_configured():
    calls = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            calls.append(self.path)
            n = 3
            body = {
                "code": "Ok",
                "durations": [[0 if i == j else 600 for j in range(n)] for i in range(n)],
                "distances": [[0 if i == j else 9000 for j in range(n)] for i in range(n)],
            }
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings = Settings(osrm_url=f"http://127.0.0.1:{server.server_port}")
        assert isinstance(provider(settings), OsrmTableProvider)
        matrix = travel_matrix(places(), settings)
        assert matrix.durations[0][1] == 600 and matrix.distances[2][0] == 9000
        assert calls and calls[0].startswith("/table/v1/driving/")
        travel_matrix(places(), settings)
        assert len(calls) == 1  # cached
    finally:
        server.shutdown()
        server.server_close()
