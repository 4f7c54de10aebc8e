"""Travel matrices between places: offline by default, OSRM only where configured."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler
from http.server import HTTPServer

import pytest

from matcher.geo.osrm import OsrmTableProvider
from matcher.geo.travel_times import CachedGeodesic
from matcher.geo.travel_times import provider
from matcher.geo.travel_times import travel_matrix
from matcher.models import Place
from matcher.settings import Settings


def places() -> list[Place]:
    return [
        Place(id=k, lat=52.97 + k / 100, lon=11.15, name=f"P{k}", kind="village") for k in range(3)
    ]


def test_offline_matrix_is_symmetric_and_cached():
    settings = Settings()
    assert isinstance(provider(settings), CachedGeodesic)
    first = travel_matrix(places(), settings)
    assert first.durations[0][0] == 0 and first.durations[0][1] == first.durations[1][0] > 0
    assert first.distances[0][2] > first.distances[0][1]
    assert len(provider(settings).cache.legs) >= 6
    assert travel_matrix(places(), settings) == first


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
