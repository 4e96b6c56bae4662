"""The OpenAPI document is valid and describes every /api/v1 route the app serves."""
from __future__ import annotations

import re

from openapi_spec_validator import validate

from docflow.api.openapi import OPERATOR_PATHS


def test_openapi_document_is_valid(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    validate(response.get_json())


def test_every_api_route_is_described(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    described = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    served = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") and rule.rule not in OPERATOR_PATHS:
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            served.add((path, method.lower()))
    assert served == described


def test_search_syntax_and_similar_documents_are_described(client):
    """Does the API description teach proximity search, the correction and "more like this"?"""
    spec = client.get("/api/v1/openapi.json").get_json()
    search = spec["paths"]["/api/v1/search"]["get"]
    q = next(p for p in search["parameters"] if p["name"] == "q")
    assert '"rapat koordinasi"~5' in q["description"] and "corrected_query" in q["description"]
    assert {"corrected_query", "partial_total"} <= set(spec["components"]["schemas"]["SearchResults"]["properties"])
    assert "get" in spec["paths"]["/api/v1/documents/{document_id}/similar"]
