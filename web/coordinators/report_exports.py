"""Report tables as CSV and XLSX files, hidden figures marked as on screen.

CSV is UTF-8 with a byte-order mark (so spreadsheet programs read umlauts and
Arabic names), one table per file; XLSX (openpyxl) holds one sheet per table,
numbers as numbers, with the table's title, note and the legend of hidden cells.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask_babel import gettext as _

from web.coordinators.report_tables import HIDDEN
from web.coordinators.report_tables import Figure
from web.coordinators.report_tables import ReportTable

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
SHEET_NAME_LENGTH = 31
"""Excel refuses longer sheet names."""


def hidden_legend() -> str:
    """What the mark of a hidden figure means, in the reader's language."""
    return _("%(mark)s not shown: it describes fewer than five people.", mark=HIDDEN)


def _cell(figure: Figure) -> Figure:
    return HIDDEN if figure is None else figure


def _lines(table: ReportTable) -> Iterable[list[Figure]]:
    yield [column.label for column in table.columns]
    for row in table.rows:
        yield [row.heading, *(_cell(f) for f in row.figures)]


def table_csv(table: ReportTable) -> bytes:
    """One table: a header line, then a line per row; figures unformatted."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(_lines(table))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def tables_xlsx(tables: Iterable[ReportTable], heading: str) -> bytes:
    """A workbook with a sheet per table: heading, title, header, rows, note and legend."""
    # openpyxl (and the numpy it loads) only when a workbook is asked for, not in every worker.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(_sheet_name(table, book.sheetnames))
        sheet.append([heading])
        sheet.append([table.title])
        sheet["A1"].font = sheet["A2"].font = bold
        sheet.append([])
        for number, line in enumerate(_lines(table)):
            sheet.append(line)
            if number == 0:
                for cell in sheet[sheet.max_row]:
                    cell.font = bold
        sheet.append([])
        if table.note:
            sheet.append([table.note])
        if table.has_hidden:
            sheet.append([hidden_legend()])
        sheet.column_dimensions["A"].width = max(
            [12, *(len(str(row.heading)) + 2 for row in table.rows)]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(table: ReportTable, taken: list[str]) -> str:
    name = "".join(c for c in table.title if c not in "[]:*?/\\")[:SHEET_NAME_LENGTH]
    base, n = name, 2
    while name in taken:
        suffix = f" {n}"
        name = base[: SHEET_NAME_LENGTH - len(suffix)] + suffix
        n += 1
    return name
