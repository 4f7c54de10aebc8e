"""Partner fixtures: logged-in clients of two partners, and the office's clients."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

ROOT = str(Path(__file__).resolve().parents[3])
if ROOT not in sys.path:  # the suite runs with --import-mode=importlib
    sys.path.insert(0, ROOT)

from tests.factories import make_partner_staff  # noqa: E402
from tests.web.coordinators.conftest import coordinator as coordinator  # noqa: E402
from tests.web.coordinators.conftest import coordinator_client as coordinator_client  # noqa: E402
from tests.web.coordinators.conftest import log_in  # noqa: E402
from tests.web.coordinators.conftest import viewer as viewer  # noqa: E402
from tests.web.coordinators.conftest import viewer_client as viewer_client  # noqa: E402


@pytest.fixture()
def staff(session: Session):  # type: ignore[no-untyped-def]
    """A staff member of the Migrationsberatung Lüchow."""
    return make_partner_staff(session, name="Samira Beratung")


@pytest.fixture()
def staff_client(app, staff):  # type: ignore[no-untyped-def]
    """A client logged in as ``staff``, reading English pages."""
    client = app.test_client()
    log_in(client, "partner", staff.id)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
