"""After a login only a path on this site is followed (issue 12 item 8: open redirect, %0a)."""

from __future__ import annotations

import pytest

from tests.factories import make_driver
from tests.factories import password_hash
from web.redirects import local_target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "https://evil.example/",
        "//evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\nSet-Cookie: x=1",
        "/\\evil.example",
        "/ /evil.example",
        "/\x00",
        "/\x7f",
        "evil.example",
        "javascript:alert(1)",
    ],
)
def test_refuses_everything_but_a_plain_local_path(target: str | None) -> None:
    assert local_target(target) is None


def test_keeps_a_local_path_with_its_query_and_honours_the_prefix() -> None:
    assert local_target("/driver/schedule?week=2") == "/driver/schedule?week=2"
    assert local_target("/driver/schedule", "/coordinator") is None
    assert local_target("/coordinator/audit", "/coordinator") == "/coordinator/audit"


@pytest.mark.parametrize(
    "next_url",
    ["/%09/evil.example", "/%0a/evil.example", "//evil.example", "https://evil.example/"],
)
def test_driver_login_never_leaves_the_site(client, session, next_url: str) -> None:  # type: ignore[no-untyped-def]
    make_driver(
        session, email="pw@example.org", password_hash=password_hash("a long enough password")
    )
    response = client.post(
        f"/driver/login?next={next_url}",
        data={"pw-email": "pw@example.org", "pw-password": "a long enough password"},
    )
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/driver/") and "evil" not in location


def test_driver_login_follows_a_local_next(client, session) -> None:  # type: ignore[no-untyped-def]
    make_driver(
        session, email="pw@example.org", password_hash=password_hash("a long enough password")
    )
    response = client.post(
        "/driver/login?next=/driver/availability",
        data={"pw-email": "pw@example.org", "pw-password": "a long enough password"},
    )
    assert response.headers["Location"] == "/driver/availability"
