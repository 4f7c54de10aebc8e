"""The reports area: filter, tables with hidden cells, charts, exports (audited), the summary."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from html.parser import HTMLParser

import openpyxl
import pytest
import sqlalchemy as sa

from matcher.models import AuditEntry
from matcher.models import NeedPurpose
from matcher.models import PlaceKind
from matcher.models import TripStatus
from tests.factories import make_place
from tests.factories import make_published_route
from tests.factories import make_trip

TUESDAY = dt.date(2026, 6, 2)
JUNE = {"period": "month", "day": "2026-06-01"}


@pytest.fixture
def june(time_machine, session):  # type: ignore[no-untyped-def]
    """Lüchow: 6 job riders served; Dannenberg: 7 course riders not served; Gartow: 2 unserved."""
    time_machine.move_to(dt.datetime(2026, 6, 20, 10, tzinfo=dt.UTC))
    luechow = make_place(session, municipality="Lüchow")
    dannenberg = make_place(session, municipality="Dannenberg")
    gartow = make_place(session, municipality="Gartow")
    school = make_place(
        session, kind=PlaceKind.COURSE_SITE, name="VHS Lüchow", municipality="Lüchow"
    )
    served = [make_trip(session, day=TUESDAY, origin=luechow, direct_seconds=900) for _ in range(6)]
    make_published_route(session, day=TUESDAY, trips=served)
    for origin, count in ((dannenberg, 7), (gartow, 2)):
        for _ in range(count):
            make_trip(
                session,
                day=TUESDAY,
                origin=origin,
                destination=school,
                purpose=NeedPurpose.COURSE,
                status=TripStatus.UNSERVED,
                unserved_reason="no_vehicle_in_time",
            )
    session.flush()


class _Cells(HTMLParser):
    """The text of every th/td of a page's table, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._in = False

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            self._in = True
            self.rows[-1].append("")

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag in ("th", "td"):
            self._in = False

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._in:
            self.rows[-1][-1] += data.strip()


def table_rows(page: str, key: str) -> dict[str, list[str]]:
    """The table ``key`` of the page: each row's figures by its heading."""
    found = re.search(rf'id="table-{key}".*?</table>', page, re.S)
    assert found, key
    parser = _Cells()
    parser.feed(found.group(0))
    return {row[0]: row[1:] for row in parser.rows if row}


def test_the_reports_page_shows_every_section_with_charts_and_hidden_cells(
    june, coordinator_client
) -> None:  # type: ignore[no-untyped-def]
    pages = {}
    for section in ("demand", "service", "unmet", "childcare", "volunteers"):
        response = coordinator_client.get(f"/coordinator/reports/{section}", query_string=JUNE)
        assert response.status_code == 200
        pages[section] = response.text
        assert "1.6.2026 – 30.6.2026" in response.text
    for section, title in (
        ("demand", "Demand by purpose"),
        ("demand", "From home to destination"),
        ("demand", "When rides are wanted: weekday and hour"),
        ("service", "Served and not served, and why"),
        ("unmet", "Not served, by hour"),
        ("childcare", "Courses and whether riders reach them"),
        ("volunteers", "What the volunteers gave"),
    ):
        assert title in pages[section]
    assert pages["demand"].count("<svg") == 4  # origin-destination is a table only
    page = pages["demand"]
    assert (
        coordinator_client.get("/coordinator/reports", query_string=JUNE).text.count("<svg") == 4
    )  # the reports start with demand
    # Gartow's two riders are hidden wherever they would show, in the table and the chart.
    home = table_rows(page, "demand-home")
    assert home["Gartow"] == ["•", "•", "0", "•"]  # nobody from Gartow was served: a known 0
    assert home["Total"] == ["15", "15", "6", "9"]
    assert table_rows(page, "demand-purpose")["Course"] == ["9", "9", "0", "9"]
    assert "Gartow: 2" not in page  # nor in the chart's tooltips
    service = pages["service"]
    assert table_rows(service, "service")["Total"] == ["15", "6", "9"]
    assert "No driver at that hour" in service


def test_the_municipality_filter_narrows_the_tables(june, coordinator_client) -> None:  # type: ignore[no-untyped-def]
    page = coordinator_client.get(
        "/coordinator/reports", query_string={**JUNE, "municipality": "Dannenberg"}
    ).text
    assert '<option selected value="Dannenberg">' in page
    assert table_rows(page, "demand-purpose")["Total"] == ["7", "7", "0", "7"]


def test_a_backwards_custom_period_is_refused_in_the_readers_language(
    june, coordinator_client
) -> None:  # type: ignore[no-untyped-def]
    query = {"period": "custom", "first": "2026-06-10", "last": "2026-06-01"}
    response = coordinator_client.get("/coordinator/reports", query_string=query)
    assert response.status_code == 422
    assert "The last day of the period must not be before its first day." in response.text
    assert 'value="2026-06-10"' in response.text  # what was chosen stays
    german = coordinator_client.get(
        "/coordinator/reports", query_string=query, headers={"Accept-Language": "de"}
    )
    assert "Der letzte Tag des Zeitraums darf nicht vor seinem ersten Tag liegen." in german.text


def test_the_old_figures_page_leads_to_the_reports(coordinator_client) -> None:  # type: ignore[no-untyped-def]
    response = coordinator_client.get("/coordinator/figures")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/coordinator/reports")


def test_a_csv_export_holds_the_table_with_the_hidden_marks_and_is_audited(
    june, coordinator_client, coordinator, session
) -> None:  # type: ignore[no-untyped-def]
    response = coordinator_client.get(
        "/coordinator/reports/export.csv", query_string={**JUNE, "table": "demand-home"}
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert (
        "mitfahrnetz-demand-home-2026-06-01-2026-06-30.csv"
        in response.headers["Content-Disposition"]
    )
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["Home municipality", "People", "Rides requested", "Served", "Not served"]
    by_area = {row[0]: row[1:] for row in rows[1:]}
    assert by_area["Gartow"] == ["•", "•", "0", "•"]
    assert by_area["Total"] == ["15", "15", "6", "9"]
    entry = session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "report.exported")
    ).one()
    assert entry.actor_id == coordinator.id
    assert entry.details["table"] == "demand-home" and entry.details["format"] == "csv"
    assert entry.details["first"] == "2026-06-01" and entry.details["last"] == "2026-06-30"


def test_the_xlsx_export_has_a_sheet_per_table_with_numbers_as_numbers(
    june, coordinator_client, session
) -> None:  # type: ignore[no-untyped-def]
    response = coordinator_client.get("/coordinator/reports/export.xlsx", query_string=JUNE)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert len(book.sheetnames) == 13
    sheet = book["Demand by purpose"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][0] == "Demand by purpose"
    total = next(row for row in values if row and row[0] == "Total")
    assert total[1:5] == [15, 15, 6, 9]
    assert not any(row and str(row[0]).startswith("• not shown") for row in values)
    home = [[c.value for c in row] for row in book["Demand by home municipality"].iter_rows()]
    assert ["Gartow", "•", "•", 0, "•"] in home
    assert any(row and str(row[0]).startswith("• not shown") for row in home)
    assert (
        session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "report.exported"))
        == 1
    )


def test_an_unknown_table_or_a_csv_of_everything_is_not_found(june, coordinator_client) -> None:  # type: ignore[no-untyped-def]
    url = "/coordinator/reports/export.csv"
    assert coordinator_client.get(url, query_string={**JUNE, "table": "x"}).status_code == 404
    assert coordinator_client.get(url, query_string=JUNE).status_code == 404


def test_the_summary_is_one_page_in_german_or_english(june, coordinator_client) -> None:  # type: ignore[no-untyped-def]
    english = coordinator_client.get("/coordinator/reports/summary/en", query_string=JUNE).text
    assert "Rides to work, training and courses: summary" in english
    assert "Ride-days not served" in english
    german = coordinator_client.get("/coordinator/reports/summary/de", query_string=JUNE).text
    assert 'lang="de"' in german
    assert "Nicht bediente Fahrtage" in german
    assert coordinator_client.get("/coordinator/reports/summary/ar").status_code == 404


def test_a_viewer_reads_and_exports_the_reports(june, viewer_client) -> None:  # type: ignore[no-untyped-def]
    assert viewer_client.get("/coordinator/reports", query_string=JUNE).status_code == 200
    export = viewer_client.get(
        "/coordinator/reports/export.csv", query_string={**JUNE, "table": "volunteers"}
    )
    assert export.status_code == 200
