"""Travel matrices: the crow-fly model (the OSRM adapter: tests/matcher/test_osrm.py)."""

from __future__ import annotations

import math

import pytest
from geopy.distance import geodesic

from solver.travel import GeodesicTravelModel
from solver.travel import SpeedBand
from solver.travel import build_matrix

# Three places in the Weser uplands, a few km apart.
HOLZMINDEN = (51.8281, 9.4487)
HOEXTER = (51.7739, 9.3826)
BEVERN = (51.8604, 9.4948)
FAR = (52.3759, 9.7320)  # Hannover, ~65 km away


def test_geodesic_model_defaults() -> None:
    model = GeodesicTravelModel()
    seconds, metres = model.leg(HOLZMINDEN, HOEXTER)
    crow_km = geodesic(HOLZMINDEN, HOEXTER).km
    assert 7.0 < crow_km < 8.0
    assert metres == pytest.approx(crow_km * 1.3 * 1000, rel=1e-3)
    # 5 km at 30 km/h, the rest at 50 km/h
    km = metres / 1000
    assert seconds == pytest.approx(5 / 30 * 3600 + (km - 5) / 50 * 3600, abs=1)


def test_whole_trip_banding_is_available() -> None:
    model = GeodesicTravelModel(marginal=False)
    seconds, metres = model.leg(HOLZMINDEN, HOEXTER)
    assert seconds == math.ceil(metres / 1000 / 50 * 3600)


def test_time_grows_with_distance_across_band_edges() -> None:
    model = GeodesicTravelModel()
    times = [model.seconds(km / 10) for km in range(0, 400)]
    assert times == sorted(times)


def test_build_matrix_is_square_symmetric_and_zero_on_the_diagonal() -> None:
    m = build_matrix([HOLZMINDEN, HOEXTER, BEVERN, FAR])
    assert m.size == 4
    for i in range(4):
        assert m.durations[i][i] == 0 and m.distances[i][i] == 0
        for j in range(4):
            assert m.durations[i][j] == m.durations[j][i] > 0 or i == j
    # the long trip runs mostly at 65 km/h
    assert m.durations[0][3] < m.distances[0][3] / 1000 / 50 * 3600


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"circuity": 0.9}, "circuity"),
        ({"bands": (SpeedBand(5, 30),)}, "infinite band"),
        ({"bands": (SpeedBand(5, 0), SpeedBand(math.inf, 50))}, "speeds"),
        ({"method": "vincenty"}, "method"),
    ],
)
def test_model_validation(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        GeodesicTravelModel(**kwargs)  # type: ignore[arg-type]


def test_points_must_be_lat_lon() -> None:
    with pytest.raises(ValueError, match=r"points\[1\]"):
        build_matrix([HOLZMINDEN, (95.0, 9.4)])
