"""The rider form posted again with the same address stores no new place (issue 13)."""

from __future__ import annotations

import sqlalchemy as sa

from matcher.models import Place
from matcher.models import Rider
from tests.web.riders.test_register import form_data


def test_the_same_address_registered_again_adds_no_place(client, session, gazetteer):
    def places() -> int:
        return session.scalar(sa.select(sa.func.count()).select_from(Place))

    assert client.post("/register/rider", data=form_data(gazetteer)).status_code == 303
    before = places()
    for phone in ("0160 1111111", "0160 2222222", "0160 3333333"):
        sent = client.post("/register/rider", data=form_data(gazetteer, phone=phone))
        assert sent.status_code == 303
    assert places() == before
    assert len(set(session.scalars(sa.select(Rider.home_place_id)))) == 1
