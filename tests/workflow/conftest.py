"""Fixtures of the workflow tests: an office in the test's own (rolled back) transaction."""
from __future__ import annotations

from typing import Any

import pytest

from tests.workflow.helpers import Office, build_office


@pytest.fixture
def office(db: Any) -> Office:
    """A Dinas with head, secretary, sub-head and drafter at their desks, a clerk, an outsider and an admin."""
    built = build_office(db, "DISKOMINFO")
    db.commit()
    return built
