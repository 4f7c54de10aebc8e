"""The OSRM adapter of the domain against a local fake server, and its fallback."""

from __future__ import annotations

import json
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from http.server import HTTPServer

import pytest

from matcher.geo.osrm import OsrmTableProvider
from solver import GeodesicTravelModel
from solver import MemoryCache
from solver import build_matrix

HOLZMINDEN = (51.8281, 9.4487)
HOEXTER = (51.7739, 9.3826)
BEVERN = (51.8604, 9.4948)


class _FakeOsrm(BaseHTTPRequestHandler):
    """Answers /table/v1/driving/ with 'seconds = 100 x |index difference|' and logs calls."""

    calls: list[dict[str, str]] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        parsed = urllib.parse.urlsplit(self.path)
        coords = parsed.path.split("/table/v1/driving/")[1].split(";")
        query = dict(urllib.parse.parse_qsl(parsed.query))
        type(self).calls.append({"coords": str(len(coords)), **query})
        lons = [float(c.split(",")[0]) for c in coords]
        sources = [int(k) for k in query["sources"].split(";")]
        destinations = [int(k) for k in query["destinations"].split(";")]
        body = {
            "code": "Ok",
            "durations": [
                [abs(lons[a] - lons[b]) * 100 + 0.4 for b in destinations] for a in sources
            ],
            "distances": [[abs(lons[a] - lons[b]) * 1000 for b in destinations] for a in sources],
        }
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def osrm() -> Iterator[str]:
    _FakeOsrm.calls = []
    server = HTTPServer(("127.0.0.1", 0), _FakeOsrm)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def _closed_url() -> str:
    """A local port nobody listens on: bound, then released (connection refused at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _points(n: int) -> list[tuple[float, float]]:
    return [(50.0, float(k)) for k in range(n)]  # longitude = index


def test_osrm_table_parses_and_rounds(osrm: str) -> None:
    provider = OsrmTableProvider(osrm)
    m = build_matrix(_points(3), provider)
    assert m.durations[0][2] == 201  # 200.4 s rounded up
    assert m.distances[2][0] == 2000
    call = _FakeOsrm.calls[0]
    assert call["annotations"] == "duration,distance"


def test_osrm_requests_are_chunked(osrm: str) -> None:
    provider = OsrmTableProvider(osrm, max_coordinates=4)
    m = build_matrix(_points(6), provider)
    assert m.durations[0][5] == 501 and m.durations[5][1] == 401
    assert len(_FakeOsrm.calls) == 9  # 3 row blocks x 3 column blocks of 2
    assert all(int(c["coords"]) <= 4 for c in _FakeOsrm.calls)


def test_osrm_cache_avoids_second_call(osrm: str) -> None:
    cache = MemoryCache()
    OsrmTableProvider(osrm, cache=cache).table(_points(3))
    before = len(_FakeOsrm.calls)
    durations, _ = OsrmTableProvider(_closed_url(), cache=cache).table(_points(3))
    assert len(_FakeOsrm.calls) == before
    assert durations[1][2] == 101


def test_osrm_failure_falls_back_to_the_geodesic_model() -> None:
    provider = OsrmTableProvider(_closed_url(), timeout=0.5)
    points = [HOLZMINDEN, HOEXTER]
    assert provider.table(points) == GeodesicTravelModel().table(points)
    assert provider.cache.get(((51.8281, 9.4487), (51.7739, 9.3826))) is None


class _Broken(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        data = b'{"code": "InvalidQuery"}'
        self.send_response(400)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


def test_osrm_error_answer_falls_back() -> None:
    server = HTTPServer(("127.0.0.1", 0), _Broken)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        provider = OsrmTableProvider(f"http://127.0.0.1:{server.server_address[1]}")
        points = [HOLZMINDEN, BEVERN]
        assert provider.table(points) == GeodesicTravelModel().table(points)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
