"""A two-way table of rides by one expression and another, counted in SQL, suppressed."""

from __future__ import annotations

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
    rider = facts.c.rider_id
    figures = (sa.func.count(), sa.func.count(sa.distinct(rider)))

    def grouped(*keys: sa.ColumnElement[Any]) -> sa.Select[Any]:
        query = sa.select(*keys, *figures).select_from(facts)
        if where is not None:
            query = query.where(where)
        return query.group_by(*keys) if keys else query

    cells: dict[tuple[Hashable, Hashable], Cell] = {
        (r, c): Cell(n, p) for r, c, n, p in session.execute(grouped(row, column))
    }
    row_cells: dict[Hashable, Cell] = {r: Cell(n, p) for r, n, p in session.execute(grouped(row))}
    column_cells: dict[Hashable, Cell] = {
        c: Cell(n, p) for c, n, p in session.execute(grouped(column))
    }
    rides, people = session.execute(grouped()).one()
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
