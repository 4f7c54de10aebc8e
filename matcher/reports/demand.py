"""Demand and service by purpose, home area or destination area, and the people behind them."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.models import NeedPurpose
from matcher.reports.facts import facts_of
from matcher.reports.periods import Period
from matcher.reports.suppression import Cell
from matcher.reports.suppression import suppress


class Grouping(StrEnum):
    """What a demand table's rows are: a purpose, the home area, or the destination's area."""

    PURPOSE = "purpose"
    HOME = "home_area"
    DESTINATION = "away_area"


@dataclass(frozen=True)
class DemandRow:
    """One group (``key`` None: all of them); a figure is None when it is suppressed."""

    key: str | None
    people: int | None
    requested: int | None
    served: int | None
    unserved: int | None


@dataclass(frozen=True)
class DemandTable:
    """The groups (every purpose, or the areas with trips, busiest first) and the totals."""

    grouping: Grouping
    rows: list[DemandRow]
    total: DemandRow | None
    """None only when the total itself describes fewer than five people."""


def by_purpose(session: Session, period: Period, municipality: str | None = None) -> DemandTable:
    """Rides requested, served and unserved per purpose."""
    return demand(session, period, Grouping.PURPOSE, municipality=municipality)


def demand(
    session: Session,
    period: Period,
    grouping: Grouping,
    *,
    purpose: NeedPurpose | None = None,
    municipality: str | None = None,
) -> DemandTable:
    """Rides requested, served and unserved per group, aggregated in SQL, small cells hidden."""
    facts = facts_of(session, period, purpose=purpose, municipality=municipality)
    figures = (
        sa.func.count(sa.distinct(facts.c.rider_id)).label("people"),
        sa.func.count().label("requested"),
        sa.func.coalesce(sa.func.sum(facts.c.served), 0).label("served"),
        sa.func.count(sa.distinct(sa.case((facts.c.served == 1, facts.c.rider_id)))).label(
            "served_people"
        ),
        sa.func.count(sa.distinct(sa.case((facts.c.served == 0, facts.c.rider_id)))).label(
            "unserved_people"
        ),
    )
    group = facts.c[grouping.value]
    found = {
        str(row[0]): row for row in session.execute(sa.select(group, *figures).group_by(group))
    }
    total = session.execute(sa.select(*figures).select_from(facts)).one()
    if grouping == Grouping.PURPOSE:
        keys = [str(p) for p in NeedPurpose]
    else:
        keys = sorted(found, key=lambda k: (-found[k].requested, k))
    cells: dict[tuple[Hashable, Hashable], Cell] = {}
    row_totals: dict[Hashable, Cell] = {}
    for key in keys:
        row = found.get(key)
        if row is None:
            row_totals[key] = Cell(0, 0)
            cells[(key, "served")] = cells[(key, "unserved")] = Cell(0, 0)
            continue
        row_totals[key] = Cell(row.requested, row.people)
        cells[(key, "served")] = Cell(row.served, row.served_people)
        cells[(key, "unserved")] = Cell(row.requested - row.served, row.unserved_people)
    # 'requested' is each row's total: served + unserved = requested.
    column_totals: dict[Hashable, Cell] = {
        "served": Cell(total.served, total.served_people),
        "unserved": Cell(total.requested - total.served, total.unserved_people),
    }
    hidden = suppress(cells, row_totals, column_totals, Cell(total.requested, total.people))
    if grouping != Grouping.PURPOSE:
        # Busiest first among the shown rows, hidden rows last by name: order reveals nothing.
        keys.sort(
            key=lambda k: (
                k in hidden.row_totals,
                -found[k].requested * (k not in hidden.row_totals),
                k,
            )
        )

    def shown(key: str, column: str) -> int | None:
        return None if (key, column) in hidden.cells else int(cells[(key, column)].value)

    rows = []
    for key in keys:
        row_hidden = key in hidden.row_totals
        people = found[key].people if key in found else 0
        rows.append(
            DemandRow(
                key,
                None if row_hidden else people,
                None if row_hidden else int(row_totals[key].value),
                shown(key, "served"),
                shown(key, "unserved"),
            )
        )
    total_row = None
    if not hidden.grand_total:
        total_row = DemandRow(
            None,
            total.people,
            total.requested,
            None if "served" in hidden.column_totals else int(total.served),
            None if "unserved" in hidden.column_totals else int(total.requested - total.served),
        )
    return DemandTable(grouping, rows, total_row)
