"""Small cells stay hidden, and so does one more wherever a total would give them away."""

from __future__ import annotations

from matcher.reports.suppression import Cell
from matcher.reports.suppression import suppress
from matcher.reports.suppression import too_few


def test_one_to_four_people_are_too_few_zero_and_five_are_not():
    assert [too_few(n) for n in range(7)] == [False, True, True, True, True, False, False]


def column(values: dict[str, tuple[int, int]]):
    cells = {(row, "n"): Cell(v, p) for row, (v, p) in values.items()}
    rows = {row: Cell(v, p) for row, (v, p) in values.items()}
    total = Cell(sum(v for v, _ in values.values()), sum(p for _, p in values.values()))
    return cells, rows, {"n": total}, total


def test_a_single_small_cell_in_a_column_takes_the_next_smallest_with_it():
    cells, rows, columns, total = column(
        {"job": (40, 20), "course": (12, 6), "internship": (3, 2), "other": (9, 7)}
    )
    hidden = suppress(cells, rows, columns, total)
    # internship is primary; other (9) is the smallest shown, so 'total - shown' gives
    # only the sum of the two.
    assert hidden.cells == {("internship", "n"), ("other", "n")}
    assert hidden.row_totals == {"internship", "other"}
    assert not hidden.grand_total


def test_two_small_cells_protect_each_other_and_zeros_are_never_partners():
    cells, rows, columns, total = column(
        {"job": (40, 20), "course": (0, 0), "internship": (3, 2), "other": (4, 3)}
    )
    hidden = suppress(cells, rows, columns, total)
    assert hidden.cells == {("internship", "n"), ("other", "n")}


def test_secondary_suppression_in_a_two_way_table_protects_rows_and_columns():
    # rows: home municipality, columns: destination; (rides, people)
    data = {
        ("A", "X"): (30, 10),
        ("A", "Y"): (2, 1),
        ("A", "Z"): (20, 8),
        ("B", "X"): (25, 9),
        ("B", "Y"): (15, 6),
        ("B", "Z"): (18, 7),
    }
    cells = {key: Cell(*v) for key, v in data.items()}
    rows = {"A": Cell(52, 19), "B": Cell(58, 22)}
    columns = {"X": Cell(55, 19), "Y": Cell(17, 7), "Z": Cell(38, 15)}
    hidden = suppress(cells, rows, columns, Cell(110, 41))
    assert ("A", "Y") in hidden.cells
    # Nothing hidden can be recomputed: every row and column with a shown total has
    # none or at least two hidden cells.
    for line in ("A", "B"):
        assert sum(1 for key in hidden.cells if key[0] == line) != 1
    for line in ("X", "Y", "Z"):
        assert sum(1 for key in hidden.cells if key[1] == line) != 1
    assert hidden.cells == {("A", "Y"), ("A", "Z"), ("B", "Y"), ("B", "Z")}


def test_a_small_total_is_hidden_and_a_partner_total_with_it():
    data = {("A", "X"): (3, 2), ("A", "Y"): (1, 1), ("B", "X"): (30, 10), ("B", "Y"): (20, 9)}
    cells = {key: Cell(*v) for key, v in data.items()}
    rows = {"A": Cell(4, 3), "B": Cell(50, 19)}
    columns = {"X": Cell(33, 12), "Y": Cell(21, 10)}
    hidden = suppress(cells, rows, columns, Cell(54, 22))
    assert {("A", "X"), ("A", "Y")} <= hidden.cells
    assert "A" in hidden.row_totals and "B" in hidden.row_totals
    # Columns X and Y each have one hidden cell of A, so B's cells go too.
    assert hidden.cells == {("A", "X"), ("A", "Y"), ("B", "X"), ("B", "Y")}


def test_an_empty_table_hides_nothing():
    hidden = suppress({}, {}, {}, Cell(0, 0))
    assert not hidden.cells and not hidden.row_totals and not hidden.grand_total


def test_a_grand_total_about_four_people_is_hidden():
    cells, rows, columns, total = column({"job": (6, 4)})
    hidden = suppress(cells, rows, columns, total)
    assert hidden.grand_total and hidden.cells == {("job", "n")}


def test_a_lone_small_cell_under_small_totals_cannot_be_had_from_the_grand_total():
    # Monday 14:00 describes 3 people; its row and column totals are hidden too, but
    # the grand total minus every shown cell would give it back. Saturday's row goes
    # with a cell of it, Sunday's cell as the partner in column 5, then Sunday's row:
    # a table this small shows only its total.
    data = {(1, 14): (3, 3), (6, 5): (5, 5), (7, 5): (5, 5)}
    cells = {key: Cell(*v) for key, v in data.items()}
    for key in [(1, 5), (6, 14), (7, 14)]:
        cells[key] = Cell(0, 0)
    rows = {1: Cell(3, 3), 6: Cell(5, 5), 7: Cell(5, 5)}
    columns = {5: Cell(10, 10), 14: Cell(3, 3)}
    hidden = suppress(cells, rows, columns, Cell(13, 13))
    shown = {key for key, cell in cells.items() if cell.people and key not in hidden.cells}
    assert shown == set()
    assert not hidden.grand_total
    assert hidden.row_totals == {1, 6, 7} and hidden.column_totals == {5, 14}
