"""A two-way table of rides by one expression and another, counted in SQL, suppressed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.reports.suppression import Cell
from matcher.reports.suppression import suppress


@dataclass(frozen=True)
class CrossTable:
    """Rides per (row, column); every figure None when it describes fewer than five people."""

    rows: list[Any]
    columns: list[Any]
    cells: dict[tuple[Any, Any], int | None]
    row_totals: dict[Any, int | None]
    column_totals: dict[Any, int | None]
    total: int | None
    people: int
    """How many people the whole table describes (zero: nothing to show)."""

    def cell(self, row: Any, column: Any) -> int | None:
        """The figure of a cell (0 when nobody is in it)."""
        return self.cells.get((row, column), 0)


def crosstab(
    session: Session,
    facts: sa.FromClause,
    row: sa.ColumnElement[Any],
    column: sa.ColumnElement[Any],
    *,
    where: sa.ColumnElement[bool] | None = None,
    rows: list[Any] | None = None,
    columns: list[Any] | None = None,
) -> CrossTable:
    """Count the facts' rides by ``row`` x ``column``.

    ``rows`` and ``columns`` fix the order (and show empty lines, such as every
    weekday); without them the lines that occur are listed busiest first.
    """
    # One pass: rides per (row, column, rider), counted in SQL. The people behind a
    # cell, a line or the table are then the distinct riders of those groups, which
    # are few (a rider has few patterns) however many rides the period holds.
    rider = facts.c.rider_id
    query = sa.select(row, column, rider, sa.func.count()).select_from(facts)
    if where is not None:
        query = query.where(where)
    cell_rides: dict[tuple[Hashable, Hashable], int] = defaultdict(int)
    cell_people: dict[tuple[Hashable, Hashable], set[Any]] = defaultdict(set)
    row_rides: dict[Hashable, int] = defaultdict(int)
    row_people: dict[Hashable, set[Any]] = defaultdict(set)
    column_rides: dict[Hashable, int] = defaultdict(int)
    column_people: dict[Hashable, set[Any]] = defaultdict(set)
    everyone: set[Any] = set()
    rides = 0
    for r, c, who, n in session.execute(query.group_by(row, column, rider)):
        cell_rides[(r, c)] += n
        cell_people[(r, c)].add(who)
        row_rides[r] += n
        row_people[r].add(who)
        column_rides[c] += n
        column_people[c].add(who)
        everyone.add(who)
        rides += n
    people = len(everyone)
    cells: dict[tuple[Hashable, Hashable], Cell] = {
        key: Cell(n, len(cell_people[key])) for key, n in cell_rides.items()
    }
    row_cells: dict[Hashable, Cell] = {r: Cell(n, len(row_people[r])) for r, n in row_rides.items()}
    column_cells: dict[Hashable, Cell] = {
        c: Cell(n, len(column_people[c])) for c, n in column_rides.items()
    }
    row_keys = rows if rows is not None else list(row_cells)
    column_keys = columns if columns is not None else list(column_cells)
    for r in row_keys:
        row_cells.setdefault(r, Cell(0, 0))
        for c in column_keys:
            cells.setdefault((r, c), Cell(0, 0))
    for c in column_keys:
        column_cells.setdefault(c, Cell(0, 0))
    hidden = suppress(cells, row_cells, column_cells, Cell(rides, people))
    if rows is None:
        row_keys = _busiest(row_cells, hidden.row_totals)
    if columns is None:
        column_keys = _busiest(column_cells, hidden.column_totals)
    return CrossTable(
        rows=row_keys,
        columns=column_keys,
        cells={
            key: None if key in hidden.cells else int(cell.value) for key, cell in cells.items()
        },
        row_totals={
            r: None if r in hidden.row_totals else int(cell.value) for r, cell in row_cells.items()
        },
        column_totals={
            c: None if c in hidden.column_totals else int(cell.value)
            for c, cell in column_cells.items()
        },
        total=None if hidden.grand_total else int(rides),
        people=int(people),
    )


def _busiest(lines: dict[Hashable, Cell], hidden: frozenset[Hashable]) -> list[Any]:
    """Shown lines busiest first, then the hidden ones by name: the order reveals nothing hidden."""
    return sorted(
        lines,
        key=lambda key: (key in hidden, 0 if key in hidden else -lines[key].value, str(key)),
    )
