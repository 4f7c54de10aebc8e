"""Web fixtures: the gazetteer places the rider and driver forms offer."""

from __future__ import annotations

import pytest

from matcher.models import PlaceKind
from tests.factories import make_gazetteer_place


@pytest.fixture()
def gazetteer(session):
    """A village, a town, an employer, a course site and a daycare."""
    return {
        "village": make_gazetteer_place(
            session, name="Clenze", municipality="Clenze", postcode="29459"
        ),
        "town": make_gazetteer_place(
            session,
            kind=PlaceKind.TOWN,
            name="Lüchow (Wendland)",
            municipality="Lüchow (Wendland)",
            postcode="29439",
        ),
        "employer": make_gazetteer_place(
            session, kind=PlaceKind.EMPLOYER, name="Pflegezentrum am Drawehn"
        ),
        "course": make_gazetteer_place(session, kind=PlaceKind.COURSE_SITE, name="KVHS Lüchow"),
        "daycare": make_gazetteer_place(session, kind=PlaceKind.DAYCARE, name="Kita Sonnenschein"),
    }
