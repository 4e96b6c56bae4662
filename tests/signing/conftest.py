"""Fixtures of the signing suite: an office whose head holds a signing certificate."""
from __future__ import annotations

import pytest

from tests.signing.helpers import give_certificate, make_office, setup_ca


@pytest.fixture
def office(db, services):
    """A Dinas with its desks and people, the city's CA, and a certificate for the head."""
    office = make_office(db, "DISKOMINFO")
    setup_ca(db, services)
    give_certificate(db, services, office.head_user)
    return office
