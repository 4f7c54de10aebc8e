"""The office's rider list: each filter narrows, erased riders never show, paging stays in range."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from matcher.models import NeedPurpose
from matcher.models import NeedStatus
from matcher.queries.rider_list import PAGE_SIZE
from matcher.queries.rider_list import RiderFilter
from matcher.queries.rider_list import list_riders
from tests.factories import make_need
from tests.factories import make_place
from tests.factories import make_rider


def _ids(session: Session, flt: RiderFilter) -> set[int]:
    return {row.id for row in list_riders(session, flt).rows}


def test_name_search_is_case_insensitive(session: Session) -> None:
    amal = make_rider(session, first_name="Amalia")
    make_rider(session, first_name="Olena")
    assert _ids(session, RiderFilter(text="amal")) == {amal.id}


def test_phone_search_accepts_national_and_international_forms(session: Session) -> None:
    rider = make_rider(session, first_name="Zora", phone="+4915199887766")
    make_rider(session, first_name="Yara", phone="+4917011112222")
    assert _ids(session, RiderFilter(text="0151 998")) == {rider.id}
    assert _ids(session, RiderFilter(text="+49 151 99887")) == {rider.id}


def test_municipality_filter(session: Session) -> None:
    dannenberg = make_rider(session, home_place=make_place(session, municipality="Dannenberg"))
    make_rider(session, home_place=make_place(session, municipality="Lüchow"))
    assert _ids(session, RiderFilter(municipality="dannen")) == {dannenberg.id}


def test_status_and_purpose_filter_on_the_same_need(session: Session) -> None:
    both = make_rider(session)
    make_need(session, rider=both, status=NeedStatus.PAUSED, purpose=NeedPurpose.COURSE)
    split = make_rider(session)
    make_need(session, rider=split, status=NeedStatus.PAUSED, purpose=NeedPurpose.JOB)
    make_need(session, rider=split, status=NeedStatus.ACTIVE, purpose=NeedPurpose.COURSE)
    flt = RiderFilter(status=NeedStatus.PAUSED, purpose=NeedPurpose.COURSE)
    assert _ids(session, flt) == {both.id}


def test_erased_riders_are_left_out(session: Session) -> None:
    gone = make_rider(session, first_name="Erased")
    gone.erased_at = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    session.flush()
    assert gone.id not in _ids(session, RiderFilter())


def test_paging_counts_and_clamps(session: Session) -> None:
    for n in range(PAGE_SIZE + 3):
        make_rider(session, first_name=f"Paging {n:02d}")
    flt = RiderFilter(text="paging")
    first = list_riders(session, flt, page=1)
    assert (first.total, first.pages, len(first.rows)) == (PAGE_SIZE + 3, 2, PAGE_SIZE)
    last = list_riders(session, flt, page=99)
    assert (last.page, len(last.rows)) == (2, 3)
    assert {r.id for r in first.rows}.isdisjoint({r.id for r in last.rows})
    assert list_riders(session, flt, page=0).page == 1
