"""Demand and service by purpose: rides asked for, served and not, and the people behind them."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.models import NeedPurpose
from matcher.reports.facts import trip_facts
from matcher.reports.periods import Period
from matcher.reports.suppression import Cell
from matcher.reports.suppression import suppress

COLUMNS = ("requested", "served", "unserved")


@dataclass(frozen=True)
class PurposeRow:
    """One purpose (None: all purposes); a figure is None when it is suppressed."""

    purpose: NeedPurpose | None
    people: int | None
    requested: int | None
    served: int | None
    unserved: int | None


@dataclass(frozen=True)
class PurposeTable:
    """Every purpose (also those nobody asked for) and the totals."""

    rows: list[PurposeRow]
    total: PurposeRow | None
    """None of the total is hidden unless it describes fewer than five people."""


def by_purpose(session: Session, period: Period, municipality: str | None = None) -> PurposeTable:
    """Rides requested, served and unserved per purpose, aggregated in SQL, small cells hidden."""
    facts = trip_facts(period, municipality=municipality)
    people = sa.func.count(sa.distinct(facts.c.rider_id))
    served_people = sa.func.count(sa.distinct(sa.case((facts.c.served == 1, facts.c.rider_id))))
    unserved_people = sa.func.count(sa.distinct(sa.case((facts.c.served == 0, facts.c.rider_id))))
    rows = {
        NeedPurpose(row.purpose): row
        for row in session.execute(
            sa.select(
                facts.c.purpose,
                people.label("people"),
                sa.func.count().label("requested"),
                sa.func.coalesce(sa.func.sum(facts.c.served), 0).label("served"),
                served_people.label("served_people"),
                unserved_people.label("unserved_people"),
            ).group_by(facts.c.purpose)
        )
    }
    total = session.execute(
        sa.select(
            people.label("people"),
            sa.func.count().label("requested"),
            sa.func.coalesce(sa.func.sum(facts.c.served), 0).label("served"),
            served_people.label("served_people"),
            unserved_people.label("unserved_people"),
        ).select_from(facts)
    ).one()
    cells: dict[tuple[Hashable, Hashable], Cell] = {}
    for purpose in NeedPurpose:
        row = rows.get(purpose)
        if row is None:
            figures = {"requested": Cell(0, 0), "served": Cell(0, 0), "unserved": Cell(0, 0)}
        else:
            figures = {
                "requested": Cell(row.requested, row.people),
                "served": Cell(row.served, row.served_people),
                "unserved": Cell(row.requested - row.served, row.unserved_people),
            }
        for column, cell in figures.items():
            cells[(purpose, column)] = cell
    # Rows add up to the column totals; requested = served + unserved is a row relation
    # the secondary suppression covers by treating 'requested' as the row total.
    row_totals: dict[Hashable, Cell] = {p: cells[(p, "requested")] for p in NeedPurpose}
    split = {k: v for k, v in cells.items() if k[1] != "requested"}
    column_totals: dict[Hashable, Cell] = {
        "served": Cell(total.served, total.served_people),
        "unserved": Cell(total.requested - total.served, total.unserved_people),
    }
    grand = Cell(total.requested, total.people)
    hidden = suppress(split, row_totals, column_totals, grand)

    def shown(purpose: NeedPurpose, column: str) -> int | None:
        if column == "requested":
            return None if purpose in hidden.row_totals else int(row_totals[purpose].value)
        return None if (purpose, column) in hidden.cells else int(cells[(purpose, column)].value)

    out = []
    for purpose in NeedPurpose:
        n = rows[purpose].people if purpose in rows else 0
        out.append(
            PurposeRow(
                purpose,
                None if purpose in hidden.row_totals else n,
                shown(purpose, "requested"),
                shown(purpose, "served"),
                shown(purpose, "unserved"),
            )
        )
    total_row = None
    if not hidden.grand_total:
        total_row = PurposeRow(
            None,
            total.people,
            total.requested,
            None if "served" in hidden.column_totals else int(total.served),
            None if "unserved" in hidden.column_totals else int(total.requested - total.served),
        )
    return PurposeTable(out, total_row)
