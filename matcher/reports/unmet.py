"""Unmet need: the people and ride-days not served, the figure that argues for a bus line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.models import NeedPurpose
from matcher.reports.facts import facts_of
from matcher.reports.periods import Period
from matcher.reports.suppression import Cell
from matcher.reports.suppression import suppress


class UnmetBy(StrEnum):
    """What an unmet-need table's rows are."""

    PURPOSE = "purpose"
    HOME = "home"
    HOUR = "hour"


@dataclass(frozen=True)
class UnmetRow:
    """People with an unserved ride, the ride-days (a person on a day) and rides not served."""

    key: Any
    people: int | None
    ride_days: int | None
    rides: int | None


@dataclass(frozen=True)
class UnmetTable:
    """The groups with unserved rides (every purpose), and the totals (None when hidden)."""

    by: UnmetBy
    rows: list[UnmetRow]
    total: UnmetRow | None


def unmet(
    session: Session,
    period: Period,
    by: UnmetBy,
    tz: dt.tzinfo,
    *,
    purpose: NeedPurpose | None = None,
    municipality: str | None = None,
) -> UnmetTable:
    """Rides not served, grouped by purpose, home area or the local hour wished."""
    facts = facts_of(session, period, purpose=purpose, municipality=municipality, tz=tz)
    key: sa.ColumnElement[Any]
    if by == UnmetBy.PURPOSE:
        key = facts.c.purpose
    elif by == UnmetBy.HOME:
        key = facts.c.home_area
    else:
        key = facts.c.wish_hour
    days = (
        sa.select(
            key.label("key"),
            facts.c.rider_id,
            facts.c.day,
            sa.func.count().label("rides"),
        )
        .where(facts.c.served == 0)
        .group_by(key, facts.c.rider_id, facts.c.day)
        .subquery()
    )
    figures = (
        sa.func.count(sa.distinct(days.c.rider_id)),
        sa.func.count(),
        sa.func.coalesce(sa.func.sum(days.c.rides), 0),
    )
    found = {
        (str(k) if by == UnmetBy.PURPOSE else k): (int(p), int(d), int(r))
        for k, p, d, r in session.execute(sa.select(days.c.key, *figures).group_by(days.c.key))
    }
    people, ride_days, rides = (int(v) for v in session.execute(sa.select(*figures)).one())
    if by == UnmetBy.PURPOSE:
        keys: list[Any] = [str(p) for p in NeedPurpose]
    elif by == UnmetBy.HOUR:
        keys = sorted(found)
    else:
        keys = sorted(found, key=lambda k: (-found[k][1], str(k)))
    cells: dict[tuple[Hashable, Hashable], Cell] = {}
    for k in keys:
        p, d, _ = found.get(k, (0, 0, 0))
        cells[(k, "ride_days")] = Cell(d, p)
    hidden = suppress(
        cells,
        {k: cells[(k, "ride_days")] for k in keys},
        {"ride_days": Cell(ride_days, people)},
        Cell(ride_days, people),
    )
    rows = []
    for k in keys:
        p, d, r = found.get(k, (0, 0, 0))
        gone = (k, "ride_days") in hidden.cells or k in hidden.row_totals
        rows.append(UnmetRow(k, None if gone else p, None if gone else d, None if gone else r))
    total = None if hidden.grand_total else UnmetRow(None, people, ride_days, rides)
    return UnmetTable(by, rows, total)
