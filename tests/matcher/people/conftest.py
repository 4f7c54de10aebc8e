"""People-area fixtures: the gazetteer places a registration refers to."""

from __future__ import annotations

import pytest

from matcher.models import PlaceKind
from tests.factories import make_gazetteer_place


@pytest.fixture()
def places(session):
    return {
        "village": make_gazetteer_place(
            session, name="Clenze", municipality="Clenze", postcode="29459"
        ),
        "employer": make_gazetteer_place(session, kind=PlaceKind.EMPLOYER, name="Pflegezentrum"),
        "daycare": make_gazetteer_place(session, kind=PlaceKind.DAYCARE, name="Kita Sonnenschein"),
    }
