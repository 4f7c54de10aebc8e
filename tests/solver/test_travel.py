"""Travel matrices: the crow-fly model (the OSRM adapter: tests/matcher/test_osrm.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from geopy.distance import geodesic
from geopy.distance import great_circle

from solver.travel import GeodesicTravelModel
from solver.travel import SpeedBand
from solver.travel import build_matrix
from solver.travel import geodesic_km
from solver.travel import great_circle_km

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


def test_table_is_n_by_n_with_zero_diagonal_and_legs_agree() -> None:
    # a place listed twice (two stops at one address) is 0 apart, like the diagonal
    points = [HOLZMINDEN, HOEXTER, BEVERN, FAR, HOEXTER]
    model = GeodesicTravelModel()
    durations, distances = model.table(points)
    assert len(durations) == len(distances) == 5
    assert all(len(row) == 5 for row in (*durations, *distances))
    assert all(type(x) is int for row in (*durations, *distances) for x in row)
    for i, a in enumerate(points):
        assert durations[i][i] == distances[i][i] == 0
        for j, b in enumerate(points):
            assert (durations[i][j], distances[i][j]) == model.leg(a, b)
    assert durations[1][4] == distances[1][4] == 0
    assert model.table([]) == ([], [])
    assert model.table([FAR]) == ([[0]], [[0]])


# Pairs where Vincenty's formula is delicate: on the equator, across the date line,
# through a pole, nearly antipodal (it does not converge there; geopy takes over).
HARD_PAIRS = [
    ((0.0, 0.0), (0.0, 90.0)),
    ((0.0, 179.9), (0.0, -179.9)),
    ((89.9, 0.0), (-89.9, 180.0)),
    ((90.0, 0.0), (-90.0, 0.0)),
    ((0.0, 0.0), (0.5, 179.7)),
    ((0.0, 0.0), (0.0, 179.5)),
    ((-33.87, 151.21), (51.51, -0.13)),
    ((52.0, 10.0), (52.0, 10.000001)),
]


def test_vectorised_distances_match_geopy_within_a_millimetre() -> None:
    rng = np.random.default_rng(13)
    lat1, lat2 = rng.uniform(-90, 90, 500), rng.uniform(-90, 90, 500)
    lon1, lon2 = rng.uniform(-180, 180, 500), rng.uniform(-180, 180, 500)
    pairs = [*zip(zip(lat1, lon1, strict=True), zip(lat2, lon2, strict=True), strict=True)]
    pairs += HARD_PAIRS
    a = np.array([p[0] for p in pairs])
    b = np.array([p[1] for p in pairs])
    ellipsoid = geodesic_km(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    sphere = great_circle_km(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    np.testing.assert_allclose(ellipsoid, [geodesic(p, q).km for p, q in pairs], rtol=0, atol=1e-6)
    np.testing.assert_allclose(sphere, [great_circle(p, q).km for p, q in pairs], rtol=0, atol=1e-9)


def test_both_speed_band_rules_match_their_definition() -> None:
    km = [0.0, 1.0, 4.99, 5.0, 5.01, 19.99, 20.0, 20.01, 80.0]
    marginal, whole = GeodesicTravelModel(), GeodesicTravelModel(marginal=False)
    for k in km:
        expected = (min(k, 5) / 30 + max(0, min(k, 20) - 5) / 50 + max(0, k - 20) / 65) * 3600
        assert marginal.seconds(k) == pytest.approx(expected, rel=1e-12)
        kmh = 30 if k < 5 else 50 if k < 20 else 65
        assert whole.seconds(k) == pytest.approx(k / kmh * 3600, rel=1e-12)
