"""The report charts' geometry: figures written as the table beside them writes them."""

from __future__ import annotations

from web.coordinators.report_charts import CHAR_WIDTH
from web.coordinators.report_charts import WIDTH
from web.coordinators.report_charts import Series
from web.coordinators.report_charts import stacked_bars
from web.coordinators.report_charts import stacked_columns
from web.coordinators.report_tables import Column
from web.coordinators.report_tables import ReportTable
from web.coordinators.report_tables import Row

TABLE = ReportTable(
    key="demand-purpose",
    title="Demand by purpose",
    columns=[Column("Purpose"), Column("Rides"), Column("Served"), Column("Not served")],
    rows=[
        Row("Shift work", [3048, 1641, 1407]),
        Row("Other", [None, None, None]),
        Row("Total", [3048, 1641, 1407], total=True),
    ],
)


def _bars():  # type: ignore[no-untyped-def]
    return stacked_bars(TABLE, Series(columns=[1, 2], total=0), ["served", "unserved"])


def test_a_bar_chart_writes_its_figures_in_the_readers_language(app) -> None:  # type: ignore[no-untyped-def]
    with app.test_request_context(headers={"Accept-Language": "de"}):
        chart = _bars()
    texts = [label.text for label in chart.labels]
    assert texts == ["Shift work", "3.048"]  # the hidden row is left to the table
    assert any(rect.title == "Shift work: Served 1.641" for rect in chart.rects)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert [label.text for label in _bars().labels][-1] == "3,048"


def test_every_shape_fits_the_drawing(app) -> None:  # type: ignore[no-untyped-def]
    with app.test_request_context():
        chart = _bars()
    assert chart.width == WIDTH
    assert all(rect.x >= 0 and rect.x + rect.width <= WIDTH for rect in chart.rects)
    assert all(0 <= label.x <= WIDTH for label in chart.labels)


def test_the_hidden_mark_is_explained_once(coordinator_client) -> None:  # type: ignore[no-untyped-def]
    page = coordinator_client.get("/coordinator/reports/demand").text
    assert page.count("not shown: it describes fewer than five people") == 1
    assert "• •" not in page


def test_column_headings_never_overlap(app) -> None:  # type: ignore[no-untyped-def]
    weeks = ReportTable(
        key="service",
        title="Served",
        columns=[Column("Period"), Column("Rides"), Column("Served")],
        rows=[Row(f"from {day}.10.", [10, 5]) for day in range(1, 15)],
    )
    with app.test_request_context():
        chart = stacked_columns(weeks, Series(columns=[1], total=0), ["served"])
    headings = sorted(
        (lb for lb in chart.labels if lb.text.startswith("from")), key=lambda lb: lb.x
    )
    assert 1 < len(headings) < 14
    for left, right in zip(headings, headings[1:], strict=False):
        assert right.x - left.x >= len("from 10.10.") * CHAR_WIDTH
