"""Erasure leaves no trace: after a rider's erasure no text column of any table holds her strings.

She rides through a planned, published and declined day first, so her name, number,
street and notes reach the drivers' e-mails, the coordinators' alerts, the audit log,
the plan's statistics and the geocoder's cache; then the office erases her data at
her request and every text and JSON column of every table is read back.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.db import Base
from matcher.demand import intake
from matcher.geo.geocoding import AddressQuery
from matcher.geo.geocoding import NominatimGeocoder
from matcher.models import OutboxChannel
from matcher.models import OutboxMessage
from matcher.models import PlaceKind
from matcher.models import Route
from matcher.people import erasure
from matcher.people import rider_office
from matcher.people import traces
from matcher.plans import lifecycle
from matcher.plans import responses
from matcher.plans.publishing import publish
from matcher.settings import Settings
from tests.matcher.district_kit import SETTINGS
from tests.matcher.district_kit import District
from tests.matcher.district_kit import plan_day

NOW = dt.datetime(2026, 6, 1, 15, 0, tzinfo=dt.UTC)
# What identifies her, as it may be written anywhere (the number in any format).
HER_WORDS = ("Zuleikha", "zuleikha.q@example.org", "Quittenweg", "Quittenbaum")
HER_DIGITS = "98765432"


def _personalise(session: Session, district: District) -> None:
    need = district.needs[0]
    rider = need.rider
    rider.first_name, rider.phone = "Zuleikha", "+4917098765432"
    rider.email, rider.note = "zuleikha.q@example.org", "Klingeln bei Quittenbaum"
    home = rider.home_place
    home.kind, home.street, home.name = PlaceKind.ADDRESS, "Quittenweg 77", "Quittenweg 77, Clenze"
    need.note = "Schicht bei Quittenbaum"
    nominatim = Settings(geocoder="nominatim", nominatim_url="http://127.0.0.1:9/")
    answer = SimpleNamespace(latitude=52.95, longitude=11.1, address="Quittenweg 77, 29459 Clenze")
    geo = NominatimGeocoder(session, nominatim, geocode=lambda *a, **k: answer, now=lambda: NOW)
    geo.locate(AddressQuery("Quittenweg", "77", "Clenze", "29459"))
    session.flush()


def _texts(session: Session) -> list[tuple[str, str, str]]:
    """Every non-empty text or JSON value in the database, as (table, column, text)."""
    found = []
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (sa.String, sa.Text, sa.JSON))]
        if not columns:
            continue
        for row in session.execute(sa.select(*columns)).all():
            for column, value in zip(columns, row, strict=True):
                if value is None:
                    continue
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                found.append((table.name, column.name, text))
    return found


def _hers(texts: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    return [
        (table, column, text)
        for table, column, text in texts
        if any(w.lower() in text.lower() for w in HER_WORDS)
        or HER_DIGITS in re.sub(r"\D", "", text)
    ]


@pytest.mark.usefixtures("district")
def test_after_erasure_no_column_of_any_table_holds_her_strings(
    session: Session, district: District
) -> None:
    _personalise(session, district)
    office = district.coordinator
    plan, _, _ = plan_day(session)
    approved = lifecycle.approve_plan(
        session, plan.id, expected_row_version=plan.row_version, actor_id=office.id
    )
    publish(
        session,
        approved.id,
        expected_row_version=approved.row_version,
        actor_id=office.id,
        settings=SETTINGS,
        now=NOW,
    )
    her = district.needs[0].rider
    route = session.scalars(
        sa.select(Route).where(Route.plan_id == approved.id).order_by(Route.id)
    ).first()
    assert route is not None
    responses.decline_route(session, route, SETTINGS, NOW, reason="Zuleikha wohnt zu weit weg")
    intake.generate_coming_days(session, SETTINGS)
    before = _hers(_texts(session))
    tables = {table for table, _, _ in before}
    # The day really spread her data: drivers' mails, the audit log, the cache, her rows.
    assert {"outbox", "geocode_cache", "riders", "places"} <= tables, tables
    assert any(
        her.first_name in (m.body or "")
        for m in session.scalars(sa.select(OutboxMessage)).all()
        if m.related_type != "rider"
    )

    rider_office.erase_rider(session, her.id, office.id, SETTINGS)
    session.flush()
    session.expire_all()

    left = _hers(_texts(session))
    assert left == [], "\n".join(f"{t}.{c}: {x[:300]}" for t, c, x in left)
    # The others' data stays: the other riders and the drivers' mails remain.
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) > 0


def test_names_are_blanked_as_whole_words_and_short_strings_not_at_all() -> None:
    found = traces.Traces(("Ali", "Li"))
    assert found.strings == ("Ali", "Li")
    pattern = found.pattern
    assert pattern is not None
    assert pattern.sub(traces.BLANK, "Ali, Alice and ali") == "***, Alice and ***"
    assert (
        traces.of_rider(
            SimpleNamespace(  # type: ignore[arg-type]
                first_name="Li", email=None, note=None, phone=None, needs=[]
            ),
            [],
        ).strings
        == ()
    )


def test_a_drivers_retention_erasure_blanks_his_name_in_the_riders_messages(
    session: Session, district: District
) -> None:
    plan, _, _ = plan_day(session)
    approved = lifecycle.approve_plan(
        session, plan.id, expected_row_version=plan.row_version, actor_id=None
    )
    publish(
        session,
        approved.id,
        expected_row_version=approved.row_version,
        actor_id=None,
        settings=SETTINGS,
        now=NOW,
    )
    driver = approved.routes[0].driver
    driver.first_name, driver.phone = "Werner", "+4917044455566"
    session.add(
        OutboxMessage(
            idempotency_key="test:driver-named",
            channel=OutboxChannel.SMS,
            recipient="+4915100000001",
            body="Ihr Fahrer Werner (0170 44455566) holt Sie um 06:48 ab.",
            related_type="trip",
            related_id=1,
        )
    )
    session.flush()
    erasure.erase_driver(session, driver, NOW)
    bodies = [m.body for m in session.scalars(sa.select(OutboxMessage)).all()]
    assert "Ihr Fahrer *** (***) holt Sie um 06:48 ab." in bodies
    assert not any("Werner" in b or "44455566" in b for b in bodies)
