"""Demand and service by purpose, home area or destination area, and the people behind them."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from dataclasses import field
from enum import StrEnum
from typing import Any

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


@dataclass
class _Figures:
    """Rides requested and served in a group, and who was behind them."""

    requested: int = 0
    served: int = 0
    people: set[Any] = field(default_factory=set)
    served_people: set[Any] = field(default_factory=set)
    unserved_people: set[Any] = field(default_factory=set)

    def add(self, rider: Any, rides: int, served: int) -> None:
        """One rider's rides in the group."""
        self.requested += rides
        self.served += served
        self.people.add(rider)
        if served:
            self.served_people.add(rider)
        if rides > served:
            self.unserved_people.add(rider)


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
    group = facts.c[grouping.value]
    # One pass: rides and rides served per (group, rider), counted in SQL; the people
    # behind each figure are the distinct riders of those groups.
    per_rider = sa.select(
        group, facts.c.rider_id, sa.func.count(), sa.func.coalesce(sa.func.sum(facts.c.served), 0)
    ).group_by(group, facts.c.rider_id)
    found: dict[str, _Figures] = {}
    total = _Figures()
    for key, rider, rides, served_rides in session.execute(per_rider):
        for figures in (found.setdefault(str(key), _Figures()), total):
            figures.add(rider, int(rides), int(served_rides))
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
        row_totals[key] = Cell(row.requested, len(row.people))
        cells[(key, "served")] = Cell(row.served, len(row.served_people))
        cells[(key, "unserved")] = Cell(row.requested - row.served, len(row.unserved_people))
    # 'requested' is each row's total: served + unserved = requested.
    column_totals: dict[Hashable, Cell] = {
        "served": Cell(total.served, len(total.served_people)),
        "unserved": Cell(total.requested - total.served, len(total.unserved_people)),
    }
    hidden = suppress(cells, row_totals, column_totals, Cell(total.requested, len(total.people)))
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
        people = len(found[key].people) if key in found else 0
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
            len(total.people),
            total.requested,
            None if "served" in hidden.column_totals else int(total.served),
            None if "unserved" in hidden.column_totals else int(total.requested - total.served),
        )
    return DemandTable(grouping, rows, total_row)
