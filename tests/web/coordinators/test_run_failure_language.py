"""A failed planner run is told in the coordinator's language, every part of it (issue 12).

The run row keeps the English record (exception names, a solver's text) for the
audit and the service log; the page, the progress poll and the nightly mail say
the reason from its template, translated, and never that English text.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from matcher.errors import ValidationError
from matcher.models import PlanningRunStatus
from matcher.planning import runs
from tests.factories import make_run
from tests.web.coordinators.test_runs import DAY

GERMAN = {
    "internal": "Ein interner Fehler hat sie angehalten (RuntimeError)",
    "frame": "Die Planung konnte nicht abgeschlossen werden:",
    "unchanged": "Die früheren Versionen des Plans bleiben unverändert.",
}


def failed_run(session, template: str | None, **params):  # type: ignore[no-untyped-def]
    progress = {"phase": "failed"}
    if template:
        progress["reason"] = {"template": template, "params": params}
    return make_run(
        session,
        day=DAY,
        status=PlanningRunStatus.FAILED,
        error="RuntimeError: the search ran out of memory.",
        progress=progress,
    )


def poll(client, run, lang: str) -> str:  # type: ignore[no-untyped-def]
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
    return client.get(f"/coordinator/runs/{run.id}/progress").json["message"]


def test_a_failed_run_in_german_has_no_english_in_it(coordinator_client, session) -> None:  # type: ignore[no-untyped-def]
    run = failed_run(session, runs.INTERNAL_ERROR, name="RuntimeError")
    message = poll(coordinator_client, run, "de")
    for part in GERMAN.values():
        assert part in message
    assert "ran out of memory" not in message and "search" not in message
    page = coordinator_client.get(f"/coordinator/days/{DAY.isoformat()}").text
    assert GERMAN["internal"] in page and "ran out of memory" not in page


@pytest.mark.parametrize(
    "template",
    [
        runs.NO_ANSWER,
        runs.TOO_LONG,
        runs.ANOTHER_RUN,
        runs.NO_DATABASE_FILE,
        runs.DATABASE_AWAY,
        runs.INTERNAL_ERROR,
        runs.NOT_RECORDED,
    ],
)
@pytest.mark.parametrize("lang", ["de", "ar", "uk", "tr"])
def test_every_reason_is_translated(coordinator_client, session, template, lang) -> None:  # type: ignore[no-untyped-def]
    run = failed_run(session, template, name="RuntimeError")
    english = poll(coordinator_client, run, "en")
    translated = poll(coordinator_client, run, lang)
    english_reason = template.format(name="RuntimeError")
    assert english_reason in english and english_reason not in translated


def test_a_run_failed_before_reasons_were_kept_says_where_the_reason_is(  # type: ignore[no-untyped-def]
    coordinator_client, session
) -> None:
    run = failed_run(session, None)
    message = poll(coordinator_client, run, "de")
    assert "Der Grund steht im Protokoll des Dienstes." in message
    assert "ran out of memory" not in message


def test_a_domain_error_tells_its_own_reason_and_the_database_its_own() -> None:
    refusal = ValidationError("The database could not be reached.")
    assert runs.failure_reason(refusal) is refusal
    away = runs.failure_reason(sa.exc.OperationalError("SELECT 1", {}, Exception("gone")))
    assert away.template == runs.DATABASE_AWAY and "OperationalError" in away.detail  # type: ignore[attr-defined]
    bug = runs.failure_reason(KeyError("x"))
    assert (bug.template, bug.params) == (runs.INTERNAL_ERROR, {"name": "KeyError"})
    assert runs.reason_record(runs.RunFailed(runs.INTERNAL_ERROR, name="KeyError")) == {
        "template": runs.INTERNAL_ERROR,
        "params": {"name": "KeyError"},
    }
