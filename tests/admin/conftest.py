"""Fixtures of the administration tests: an administrator, their API headers, a logged-in browser."""
from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import PASSWORD


def csrf_of(html: str) -> str:
    """Return the CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


@pytest.fixture
def admin(make_user) -> Any:
    from docflow.auth.models import Role

    return make_user("admin-test", roles=(Role.ADMIN, Role.DRAFTER), full_name="Admin Uji")


@pytest.fixture
def admin_headers(admin, token_for) -> dict[str, str]:
    return token_for(admin)


@pytest.fixture
def clerk_headers(make_user, token_for) -> dict[str, str]:
    from docflow.auth.models import Role

    return token_for(make_user("tu-test", roles=(Role.RECORDS_CLERK, Role.SIGNER)))


@pytest.fixture
def admin_browser(web_client, admin) -> Any:
    """A browser with CSRF checks on, logged in as the administrator."""
    page = web_client.get("/login").get_data(as_text=True)
    response = web_client.post("/login", data={"username": admin.username, "password": PASSWORD,
                                               "csrf_token": csrf_of(page)})
    assert response.status_code == 302
    return web_client
