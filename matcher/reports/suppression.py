"""Small-cell suppression: no figure on screen or in an export describes fewer than five people.

Primary suppression hides every cell (and total) that describes between one
and four people. Secondary suppression then makes sure no hidden cell can be
recomputed from its row or column total: a row or column with exactly one
hidden cell under a shown total gets a second cell hidden, the shown cell with
the smallest value, repeatedly until nothing changes; a hidden row (or column)
total takes a partner total, and a cell in it, since the totals add up to the
grand total. Empty cells (nobody) are shown as 0 and never chosen as the
second cell, since hiding a known zero protects nothing.
"""

from __future__ import annotations

from collections.abc import Hashable
from collections.abc import Mapping
from dataclasses import dataclass

MIN_PEOPLE = 5


@dataclass(frozen=True)
class Cell:
    """A figure (rides, people, hours...) and how many distinct people it describes."""

    value: float
    people: int


Key = tuple[Hashable, Hashable]


@dataclass(frozen=True)
class Suppressed:
    """What stays hidden: cells by (row, column), row totals by row, column totals by column."""

    cells: frozenset[Key]
    row_totals: frozenset[Hashable]
    column_totals: frozenset[Hashable]
    grand_total: bool


def too_few(people: int) -> bool:
    """The one rule: a figure about one to four people is not shown."""
    return 0 < people < MIN_PEOPLE


def suppress(
    cells: Mapping[Key, Cell],
    row_totals: Mapping[Hashable, Cell],
    column_totals: Mapping[Hashable, Cell],
    grand_total: Cell | None = None,
) -> Suppressed:
    """The cells and totals to hide in a table whose rows and columns add up to its totals.

    A one-dimensional table is a table with a single column whose column total
    is the table's total.
    """
    hidden = {key for key, cell in cells.items() if too_few(cell.people)}
    hidden_rows = {row for row, cell in row_totals.items() if too_few(cell.people)}
    hidden_columns = {col for col, cell in column_totals.items() if too_few(cell.people)}
    rows: dict[Hashable, list[Key]] = {}
    columns: dict[Hashable, list[Key]] = {}
    for key in cells:
        rows.setdefault(key[0], []).append(key)
        columns.setdefault(key[1], []).append(key)
    grand_hidden = grand_total is not None and too_few(grand_total.people)
    changed = True
    while changed:
        changed = False
        for lines, hidden_totals in ((rows, hidden_rows), (columns, hidden_columns)):
            for line, keys in lines.items():
                if line in hidden_totals:
                    continue
                if sum(1 for key in keys if key in hidden) != 1:
                    continue
                partner = _smallest_shown(keys, hidden, cells)
                if partner is None:
                    hidden_totals.add(line)
                else:
                    hidden.add(partner)
                changed = True
        if changed or grand_hidden:
            continue
        # Lines settled: only now may a lone hidden total take a partner, one at a time.
        changed = _protect_totals(row_totals, hidden_rows, rows, hidden, cells) or (
            _protect_totals(column_totals, hidden_columns, columns, hidden, cells)
        )
    return Suppressed(
        frozenset(hidden), frozenset(hidden_rows), frozenset(hidden_columns), grand_hidden
    )


def _smallest_shown(keys: list[Key], hidden: set[Key], cells: Mapping[Key, Cell]) -> Key | None:
    shown = [key for key in keys if key not in hidden and cells[key].people > 0]
    return min(shown, key=lambda key: (cells[key].value, str(key))) if shown else None


def _protect_totals(
    totals: Mapping[Hashable, Cell],
    hidden_totals: set[Hashable],
    lines: dict[Hashable, list[Key]],
    hidden: set[Key],
    cells: Mapping[Key, Cell],
) -> bool:
    """Row (or column) totals add up to the grand total: one hidden total needs a partner.

    A hidden total only protects when its line hides a cell too (else it is the
    sum of its shown cells), so the partner line gets its smallest cell hidden
    as well when it has none hidden yet.
    """

    def guarded(line: Hashable) -> bool:
        keys = lines.get(line, [])
        return not keys or any(key in hidden for key in keys)

    covered = [line for line in totals if line in hidden_totals and guarded(line)]
    if len(covered) != 1:
        return False
    shown = [
        line
        for line, cell in totals.items()
        if cell.people > 0 and not (line in hidden_totals and guarded(line))
    ]
    if not shown:
        return False
    partner = min(shown, key=lambda line: (totals[line].value, str(line)))
    hidden_totals.add(partner)
    if not guarded(partner):
        cell = _smallest_shown(lines[partner], hidden, cells)
        if cell is not None:
            hidden.add(cell)
    return True
