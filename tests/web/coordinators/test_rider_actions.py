"""The office acts for a rider on her page: pause, resume, cancel a need, pause or restore a day,
erase her data after a confirmation, in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
import time_machine

from matcher import audit as audit_log
from matcher.models import AuditEntry
from matcher.models import NeedStatus
from matcher.models import OutboxMessage
from matcher.models import Rider
from matcher.people import registration
from tests.factories import make_need
from tests.factories import make_rider

NOW = dt.datetime(2026, 6, 10, 8, 0, tzinfo=dt.UTC)  # Wednesday 10 June, 10:00 in Berlin
THURSDAY = dt.date(2026, 6, 11)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture()
def need(session):  # type: ignore[no-untyped-def]
    rider = make_rider(session, first_name="Olena", locale="uk", email="olena@example.org")
    return make_need(session, rider=rider)


def url(need, action: str) -> str:  # type: ignore[no-untyped-def]
    return f"/coordinator/riders/{need.rider_id}/needs/{need.id}/{action}"


def post(client, need, action: str, **data):  # type: ignore[no-untyped-def]
    data.setdefault("row_version", str(need.row_version))
    response = client.post(url(need, action), data=data)
    sa.inspect(need).session.expire_all()  # the request wrote through its own session
    return response


def test_the_page_offers_the_actions_for_the_needs_state(coordinator_client, need) -> None:  # type: ignore[no-untyped-def]
    html = coordinator_client.get(f"/coordinator/riders/{need.rider_id}").text
    assert f'action="{url(need, "pause")}"' in html and f'action="{url(need, "cancel")}"' in html
    assert f'action="{url(need, "pause-day")}"' in html
    assert '<option value="2026-06-11">' in html  # Thursday, the next weekday
    assert f'action="{url(need, "resume")}"' not in html
    assert f'name="row_version" value="{need.row_version}"' in html
    assert f'href="/coordinator/riders/{need.rider_id}/erase"' in html


def test_pause_and_resume_through_the_page(coordinator_client, session, need) -> None:  # type: ignore[no-untyped-def]
    response = post(coordinator_client, need, "pause")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        f"/coordinator/riders/{need.rider_id}#need-{need.id}"
    )
    assert need.status == NeedStatus.PAUSED
    page = coordinator_client.get(f"/coordinator/riders/{need.rider_id}").text
    assert "Paused: no rides until you resume it. The rider is told." in page
    assert f'action="{url(need, "resume")}"' in page and "need.office_paused" in page
    post(coordinator_client, need, "resume")
    assert need.status == NeedStatus.ACTIVE
    mails = session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.recipient for m in mails] == ["olena@example.org"] * 2
    assert all(m.locale == "uk" for m in mails)


def test_a_stale_page_is_refused_with_a_reason(coordinator_client, session, need) -> None:  # type: ignore[no-untyped-def]
    seen = str(need.row_version)
    post(coordinator_client, need, "pause")
    response = post(coordinator_client, need, "cancel", row_version=seen)
    assert response.status_code == 303
    page = coordinator_client.get(response.headers["Location"]).text
    assert "Someone else changed this ride request meanwhile." in page
    assert need.status == NeedStatus.PAUSED
    forged = post(coordinator_client, need, "cancel", row_version="abc")
    assert forged.status_code == 303 and need.status == NeedStatus.PAUSED


def test_cancel_and_one_day(coordinator_client, session, need) -> None:  # type: ignore[no-untyped-def]
    post(coordinator_client, need, "pause-day", day=THURSDAY.isoformat())
    assert [p.day for p in need.paused_dates] == [THURSDAY]
    page = coordinator_client.get(f"/coordinator/riders/{need.rider_id}").text
    assert "Done: no ride on 11.06.2026. The rider is told." in page
    assert f'action="{url(need, "resume-day")}"' in page
    assert '<option value="2026-06-11">' in page.split(url(need, "resume-day"))[1]
    post(coordinator_client, need, "resume-day", day=THURSDAY.isoformat())
    assert need.paused_dates == []
    refused = post(coordinator_client, need, "resume-day", day=THURSDAY.isoformat())
    assert "This day is not paused." in coordinator_client.get(refused.headers["Location"]).text
    post(coordinator_client, need, "cancel")
    assert need.status == NeedStatus.CANCELLED
    page = coordinator_client.get(f"/coordinator/riders/{need.rider_id}").text
    assert f'action="{url(need, "pause")}"' not in page  # nothing to do on a cancelled need


def test_unknown_needs_and_riders_are_404(coordinator_client, session, need) -> None:  # type: ignore[no-untyped-def]
    other = make_rider(session)
    wrong = f"/coordinator/riders/{other.id}/needs/{need.id}/pause"
    assert coordinator_client.post(wrong, data={"row_version": "1"}).status_code == 404
    assert coordinator_client.get("/coordinator/riders/999999/erase").status_code == 404


def test_viewers_see_no_action_buttons(viewer_client, need) -> None:  # type: ignore[no-untyped-def]
    html = viewer_client.get(f"/coordinator/riders/{need.rider_id}").text
    assert f'href="/coordinator/riders/{need.rider_id}/erase"' not in html
    assert post(viewer_client, need, "pause").status_code == 403
    assert viewer_client.post(f"/coordinator/riders/{need.rider_id}/erase").status_code == 403


def test_erasure_asks_first_then_erases_everything(coordinator_client, session, need) -> None:  # type: ignore[no-untyped-def]
    rider_id = need.rider_id
    confirm = coordinator_client.get(f"/coordinator/riders/{rider_id}/erase")
    assert confirm.status_code == 200
    assert "Delete all data of Olena" in confirm.text and "This cannot be undone." in confirm.text
    assert "1 open ride request is cancelled." in confirm.text
    unconfirmed = coordinator_client.post(f"/coordinator/riders/{rider_id}/erase", data={})
    assert unconfirmed.status_code == 422
    assert "Please confirm that the rider asked for this." in unconfirmed.text
    assert session.get(Rider, rider_id).erased_at is None

    done = coordinator_client.post(f"/coordinator/riders/{rider_id}/erase", data={"confirm": "y"})
    assert done.status_code == 303 and done.headers["Location"].endswith("/coordinator/riders")
    assert "The data of Olena is deleted" in coordinator_client.get("/coordinator/riders").text
    session.expire_all()
    rider = session.get(Rider, rider_id)
    assert rider.erased_at is not None and rider.first_name is None and rider.token_hash is None
    entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "rider.erase")).one()
    assert entry.actor_type == "coordinator" and entry.details == {"reason": "rider_request"}
    assert coordinator_client.get(f"/coordinator/riders/{rider_id}").status_code == 404


def test_erasure_is_one_transaction(coordinator_client, session, need, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A failure at the last step (the audit entry) leaves the rider as she was."""
    rider_id, phone = need.rider_id, need.rider.phone

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(audit_log, "record_action", broken)
    assert registration.audit_log is audit_log
    response = coordinator_client.post(
        f"/coordinator/riders/{rider_id}/erase", data={"confirm": "y"}
    )
    assert response.status_code == 500
    session.expire_all()
    rider = session.get(Rider, rider_id)
    assert rider.erased_at is None and rider.phone == phone and rider.token_hash is not None
    assert session.get(type(need), need.id).status == NeedStatus.ACTIVE


@pytest.fixture()
def gazetteer_need(session, gazetteer):  # type: ignore[no-untyped-def]
    rider = make_rider(session, first_name="Amal", locale="ar", home_place=gazetteer["village"])
    need = make_need(
        session,
        rider=rider,
        origin=gazetteer["village"],
        destination=gazetteer["employer"],
        decision="accepted",
    )
    return need


def edit_data(need, **over):  # type: ignore[no-untyped-def]
    data = {
        "row_version": str(need.row_version),
        "destination_place": str(need.destination_id),
        "purpose": "job",
        "schedule_kind": "weekly",
        "weekdays": ["0", "3"],
        "arrive_by": "07:30",
        "pick_up_after": "16:00",
        "valid_from": "2026-06-10",
        "seats_needed": "1",
        "child_seats": "0",
        "booster_seats": "0",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def test_the_office_edits_a_need_with_the_public_form(
    coordinator_client, session, gazetteer_need
) -> None:  # type: ignore[no-untyped-def]
    need = gazetteer_need
    page = coordinator_client.get(url(need, "edit"))
    assert page.status_code == 200
    assert "Change the ride request of Amal" in page.text
    assert f'name="row_version" type="hidden" value="{need.row_version}"' in page.text
    assert 'value="08:00"' in page.text  # filled from the stored need
    rider_page = coordinator_client.get(f"/coordinator/riders/{need.rider_id}").text
    assert f'href="{url(need, "edit")}"' in rider_page

    done = coordinator_client.post(url(need, "edit"), data=edit_data(need))
    assert done.status_code == 303
    session.expire_all()
    assert need.arrive_by == dt.time(7, 30) and need.weekday_set == {0, 3}
    assert need.status == NeedStatus.ACTIVE
    (message,) = session.scalars(sa.select(OutboxMessage)).all()
    assert message.locale == "ar" and "changed" not in message.body  # in Arabic


def test_the_office_edit_refuses_what_the_public_form_refuses(
    coordinator_client, session, gazetteer_need
) -> None:  # type: ignore[no-untyped-def]
    need = gazetteer_need
    # No time at all: the public form's own message, next to its field.
    response = coordinator_client.post(
        url(need, "edit"), data=edit_data(need, arrive_by="", pick_up_after="")
    )
    assert response.status_code == 422
    assert "Please give the time you must arrive, or when to pick you up, or both." in response.text
    past = coordinator_client.post(
        url(need, "edit"), data=edit_data(need, schedule_kind="dates", dates="01.06.2026")
    )
    assert past.status_code == 422 and "Please give only dates from today on." in past.text
    session.expire_all()
    assert need.arrive_by == dt.time(8, 0) and session.scalars(sa.select(OutboxMessage)).all() == []


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(
    coordinator_client, session, gazetteer_need
) -> None:  # type: ignore[no-untyped-def]
    need = gazetteer_need
    seen = str(need.row_version)
    post(coordinator_client, need, "pause-day", day=THURSDAY.isoformat())  # a colleague's change
    response = coordinator_client.post(
        url(need, "edit"), data=edit_data(need, row_version=seen, arrive_by="06:15")
    )
    assert response.status_code == 409
    assert "Someone else changed this ride request meanwhile." in response.text
    assert 'value="06:15"' in response.text  # the typed entries stay
    assert "Open the current version" in response.text
    session.expire_all()
    assert need.arrive_by == dt.time(8, 0)


def test_a_cancelled_need_is_not_edited(coordinator_client, session, need) -> None:  # type: ignore[no-untyped-def]
    post(coordinator_client, need, "cancel")
    response = coordinator_client.get(url(need, "edit"))
    assert response.status_code == 303
    assert (
        coordinator_client.get(f"/coordinator/riders/{need.rider_id}/needs/999999/edit").status_code
        == 404
    )
