"""Fuzz the API from its OpenAPI description (schemathesis, in-process): no server error, only documented answers.

Every operation of /api/v1/openapi.json is called with the schema's examples, its boundary and type-violating
cases (the coverage phase: 2**63 for an integer, {} where a number belongs, a missing body ...) and a fixed
number of generated cases, as an administrator and as an ordinary drafter of a seeded office, on SQLite and
PostgreSQL. Generation is derandomized with a fixed seed, so a run is the same on every machine.

Checks: no 5xx; every status code, content type, header and JSON body as documented; a request that violates
the schema is refused (4xx); a method the path lacks is a 405 with Allow. Left out, on purpose: the check that
every schema-valid request is accepted, because refusals that need the database or several fields (an unknown
username, a deadline already past, a pattern without {seq}) are 400s naming the field by design.
"""
from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import negative_data_rejection

from docflow.api.openapi import SPEC
from tests.conftest import upload
from tests.fixtures import make_pdf
from tests.workflow.helpers import build_office

pytestmark = pytest.mark.slow

EXAMPLES_PER_OPERATION = 10

CONFIG = SchemathesisConfig.from_dict({
    "seed": 20261207,
    "generation": {"deterministic": True, "max-examples": EXAMPLES_PER_OPERATION, "mode": "all",
                   "database": "none",
                   # Extra, undocumented query parameters are ignored, as every HTTP API does.
                   "allow-extra-parameters": False,
                   # The caller's token is sent with every case; the ignored_auth check probes without it.
                   "with-security-parameters": False},
    "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True},
               "stateful": {"enabled": False}},
    "checks": {"positive_data_acceptance": {"enabled": False}},
})


class _CurrentApp:
    """A WSGI app forwarding to the running test's app: the schema is loaded at import, each test has its own
    app on its own rolled-back database transaction."""

    app: Any = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        return self.app(environ, start_response)


_current = _CurrentApp()
schema = schemathesis.openapi.from_dict(SPEC, config=CONFIG)
schema.app = _current


@pytest.fixture(params=["admin", "drafter"])
def caller(request, app, client, db, token_for) -> Any:
    """The API headers of an administrator or a drafter; the office has two draft letters to find."""
    office = build_office(db, "FUZZ")
    db.commit()
    for title in ("Undangan rapat koordinasi", "Laporan kegiatan"):
        assert upload(client, token_for(office.drafter), make_pdf(title), title=title).status_code == 201
    _current.app = app
    yield token_for(office.admin if request.param == "admin" else office.drafter)
    _current.app = None


def test_the_fuzzed_document_is_the_served_one(client):
    """Is the description fuzzed here exactly the one the app serves at /api/v1/openapi.json?"""
    assert client.get("/api/v1/openapi.json").get_json() == json.loads(json.dumps(SPEC))


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_answers_as_documented(case: Any, caller: dict[str, str]) -> None:
    # One app and one database per operation and caller: the cases of an operation share them, as the calls
    # to a real server share its state.
    case.call_and_validate(headers=caller, excluded_checks=_excluded_checks(case))


def _excluded_checks(case: Any) -> list[Any]:
    """Leave out the checks that cannot apply to this case, each for its stated reason."""
    excluded = []
    if case.operation.path == "/readyz":
        excluded.append(not_a_server_error)  # its 503 is the documented "not ready": no worker runs here
    if case.media_type == "multipart/form-data":
        # A form field is text on the wire: a number sent where the schema says string is the same text,
        # so schemathesis's "type violation" is a valid title. Form inputs are checked in test_edge_input.
        excluded.append(negative_data_rejection)
    return excluded
