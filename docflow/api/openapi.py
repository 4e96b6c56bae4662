"""The OpenAPI 3.1 description of /api/v1 (tests validate it and check it covers every route)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")

_ERRORS = {"$ref": "#/components/responses/Errors"}


def _json(schema: str, description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def _bytes(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/octet-stream": {
        "schema": {"type": "string", "format": "binary"}}}}


_DOCUMENT_ID = {"name": "document_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_VERSION_NUMBER = {"name": "number", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


_PAGING = [
    _query("page", {"type": "integer", "minimum": 1, "default": 1}, "Page number."),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}, "Results per page."),
]

_UPLOAD_FIELDS = {
    "file": {"type": "string", "format": "binary",
             "description": "PDF, DOCX, ODT, plain text, PNG, JPEG or TIFF, decided from the content."},
}

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Docflow API",
        "version": "1.0.0",
        "description": "Official documents (naskah dinas) of a city government: upload, versions, download, "
                       "and full-text search in Bahasa Indonesia. Every call needs `Authorization: Bearer TOKEN` "
                       "(issue one with `python -m docflow token create USERNAME`). Errors always come as "
                       '`{"errors": [{"field": ..., "reason": ...}]}`.',
    },
    "servers": [{"url": "/"}],
    "security": [{"bearer": []}],
    "paths": {
        "/api/v1/documents": {
            "get": {
                "operationId": "listDocuments",
                "summary": "List the documents the caller may read, newest first.",
                "parameters": [*_PAGING,
                               _query("state", {"type": "string"}, "Only documents in this state."),
                               _query("doc_type", {"type": "string"}, "Only documents of this type."),
                               _query("mine", {"type": "string", "enum": ["1", "true"]}, "Only my own.")],
                "responses": {"200": _json("DocumentList", "One page of documents."),
                              "400": _ERRORS, "401": _ERRORS},
            },
            "post": {
                "operationId": "createDocument",
                "summary": "Upload a file as a new draft document.",
                "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                    "type": "object", "required": ["file", "title"],
                    "properties": {
                        **_UPLOAD_FIELDS,
                        "title": {"type": "string", "maxLength": 500, "description": "Subject (perihal)."},
                        "position_id": {"type": "integer",
                                        "description": "The drafter's desk, when the drafter holds several."},
                        "replaces": {"type": "integer",
                                     "description": "A signed letter this one corrects and replaces."},
                        "doc_type": {"type": "string", "default": "nota_dinas"},
                        "classification_code": {"type": "string", "default": "000", "pattern": r"^\d{3}(\.\d{1,3})*$"},
                        "security_class": {"$ref": "#/components/schemas/SecurityClass"},
                        "urgency": {"$ref": "#/components/schemas/Urgency"},
                    }}}}},
                "responses": {"201": _json("Document", "The new document."), "400": _ERRORS, "401": _ERRORS,
                              "413": _ERRORS, "415": _ERRORS, "503": _ERRORS},
            },
        },
        "/api/v1/documents/{document_id}": {
            "get": {
                "operationId": "getDocument",
                "summary": "Show one document with its versions.",
                "parameters": [_DOCUMENT_ID],
                "responses": {"200": _json("Document", "The document."), "401": _ERRORS, "404": _ERRORS},
            },
        },
        "/api/v1/documents/{document_id}/content": {
            "get": {
                "operationId": "getDocumentContent",
                "summary": "Download the current version's stored bytes.",
                "parameters": [_DOCUMENT_ID],
                "responses": {"200": _bytes("The stored bytes, as an attachment."), "401": _ERRORS,
                              "404": _ERRORS, "503": _ERRORS},
            },
        },
        "/api/v1/documents/{document_id}/versions": {
            "get": {
                "operationId": "listVersions",
                "summary": "List a document's versions, oldest first.",
                "parameters": [_DOCUMENT_ID],
                "responses": {"200": _json("VersionList", "The versions."), "401": _ERRORS, "404": _ERRORS},
            },
            "post": {
                "operationId": "createVersion",
                "summary": "Upload a new version (drafter only, before submission).",
                "parameters": [_DOCUMENT_ID],
                "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                    "type": "object", "required": ["file"],
                    "properties": {
                        **_UPLOAD_FIELDS,
                        "comment": {"type": "string", "maxLength": 1000},
                        "revision": {"type": "integer",
                                     "description": "The document revision you saw; a stale one gets 409."},
                    }}}}},
                "responses": {"201": _json("Version", "The new version."), "400": _ERRORS, "401": _ERRORS,
                              "403": _ERRORS, "404": _ERRORS, "409": _ERRORS, "413": _ERRORS, "415": _ERRORS,
                              "503": _ERRORS},
            },
        },
        "/api/v1/documents/{document_id}/versions/{number}/content": {
            "get": {
                "operationId": "getVersionContent",
                "summary": "Download one version's stored bytes.",
                "parameters": [_DOCUMENT_ID, _VERSION_NUMBER],
                "responses": {"200": _bytes("The stored bytes, as an attachment."), "401": _ERRORS,
                              "404": _ERRORS, "503": _ERRORS},
            },
        },
        "/api/v1/documents/{document_id}/route": {
            "get": {
                "operationId": "getRoute",
                "summary": "Show a letter's route, or the route the rules propose while it has none.",
                "parameters": [_DOCUMENT_ID],
                "responses": {"200": _json("Route", "The route."), "400": _ERRORS, "401": _ERRORS, "404": _ERRORS},
            },
            "put": {
                "operationId": "setRoute",
                "summary": "Set the verifiers and the signer of a draft or returned letter (drafter only).",
                "parameters": [_DOCUMENT_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["revision", "steps"], "properties": {
                        "revision": {"type": "integer"},
                        "steps": {"type": "array", "items": {"$ref": "#/components/schemas/StepSpec"}}}}}}},
                "responses": {"200": _json("Route", "The new route."), "400": _ERRORS, "401": _ERRORS,
                              "403": _ERRORS, "404": _ERRORS, "409": _ERRORS},
            },
        },
        "/api/v1/documents/{document_id}/actions/{action}": {
            "post": {
                "operationId": "act",
                "summary": "Take an action on a letter; the state table and the route decide who may.",
                "parameters": [_DOCUMENT_ID, {"name": "action", "in": "path", "required": True, "schema": {
                    "type": "string",
                    "enum": ["submit", "initial", "return", "sign", "reject", "withdraw", "send", "file"]}}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["revision"], "properties": {
                        "revision": {"type": "integer", "description": "The revision you saw; a stale one gets 409."},
                        "comment": {"type": "string", "maxLength": 4000,
                                    "description": "Required to return or reject."}}}}}},
                "responses": {"200": _json("Document", "The letter after the action."), "400": _ERRORS,
                              "401": _ERRORS, "403": _ERRORS, "404": _ERRORS, "409": _ERRORS},
            },
        },
        "/api/v1/documents/{document_id}/audit": {
            "get": {
                "operationId": "getAudit",
                "summary": "List a letter's audit records, oldest first.",
                "parameters": [_DOCUMENT_ID],
                "responses": {"200": _json("AuditList", "The records."), "401": _ERRORS, "404": _ERRORS},
            },
        },
        "/api/v1/inbox": {
            "get": {
                "operationId": "getInbox",
                "summary": "What waits for me: steps to verify or sign (overdue first), letters returned to me.",
                "responses": {"200": _json("Inbox", "The waiting items."), "401": _ERRORS},
            },
        },
        "/api/v1/search": {
            "get": {
                "operationId": "search",
                "summary": "Full-text search over the documents the caller may read.",
                "parameters": [
                    _query("q", {"type": "string", "maxLength": 500},
                           'Words (any Indonesian form), "phrases", prefix*, AND/OR/NOT, letter numbers.'),
                    _query("type", {"type": "string"}, "Document type codes, comma-separated."),
                    _query("unit", {"type": "string"}, "Unit codes, comma-separated."),
                    _query("state", {"type": "string"}, "States, comma-separated."),
                    _query("security_class", {"type": "string"}, "Security classes, comma-separated."),
                    _query("classification", {"type": "string"}, "Classification code prefix."),
                    _query("from", {"type": "string", "format": "date"}, "Created on or after."),
                    _query("to", {"type": "string", "format": "date"}, "Created on or before."),
                    _query("sort", {"type": "string", "enum": ["relevance", "newest", "oldest"]}, "Order."),
                    _query("facets", {"type": "string", "enum": ["1", "true", "yes"]}, "Include facet counts."),
                    *_PAGING,
                ],
                "responses": {"200": _json("SearchResults", "Matching documents."), "400": _ERRORS,
                              "401": _ERRORS, "503": _ERRORS},
            },
        },
        "/api/v1/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document.",
                "security": [],
                "responses": {"200": {"description": "The OpenAPI description.",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}},
            },
        },
    },
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "responses": {"Errors": _json("Errors", "The request was refused; each error names the field at fault.")},
        "schemas": {
            "Errors": {"type": "object", "required": ["errors"], "properties": {"errors": {
                "type": "array", "items": {"type": "object", "required": ["field", "reason"], "properties": {
                    "field": {"type": ["string", "null"]}, "reason": {"type": "string"}}}}}},
            "SecurityClass": {"type": "string", "enum": ["biasa", "terbatas", "rahasia", "sangat_rahasia"]},
            "Urgency": {"type": "string", "enum": ["biasa", "segera", "amat_segera"]},
            "Version": {"type": "object", "required": ["number", "sha256", "size", "mime_type", "extraction_status"],
                        "properties": {
                            "number": {"type": "integer"}, "sha256": {"type": "string"}, "size": {"type": "integer"},
                            "mime_type": {"type": "string"}, "original_filename": {"type": "string"},
                            "page_count": {"type": ["integer", "null"]},
                            "extraction_status": {"type": "string",
                                                  "description": "pending, ok, empty, encrypted or failed: <reason>"},
                            "encrypted": {"type": "boolean"}, "comment": {"type": "string"},
                            "created_at": {"type": "string", "format": "date-time"},
                            "content_url": {"type": "string"}}},
            "VersionList": {"type": "object", "properties": {
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/Version"}}}},
            "Document": {"type": "object", "required": ["id", "title", "state"], "properties": {
                "id": {"type": "integer"}, "title": {"type": "string"}, "doc_type": {"type": "string"},
                "classification_code": {"type": "string"},
                "security_class": {"$ref": "#/components/schemas/SecurityClass"},
                "urgency": {"$ref": "#/components/schemas/Urgency"}, "state": {"type": "string"},
                "number": {"type": ["string", "null"]}, "unit": {"type": "string"}, "author": {"type": "string"},
                "revision": {"type": "integer"}, "created_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"},
                "permissions": {"type": "array", "items": {"type": "string"}},
                "content_url": {"type": "string"},
                "versions": {"type": "array", "items": {"$ref": "#/components/schemas/Version"}}}},
            "DocumentList": {"type": "object", "properties": {
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/Document"}},
                "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"}}},
            "StepSpec": {"type": "object", "required": ["kind", "position_id"], "properties": {
                "kind": {"type": "string", "enum": ["verify", "sign"]}, "position_id": {"type": "integer"},
                "mode": {"type": "string", "enum": ["direct", "an", "ub"]},
                "on_behalf_position_id": {"type": ["integer", "null"]}}},
            "Route": {"type": "object", "properties": {
                "proposed": {"type": "boolean"}, "revision": {"type": "integer"},
                "steps": {"type": "array", "items": {"type": "object"}}}},
            "AuditList": {"type": "object", "properties": {"results": {"type": "array", "items": {
                "type": "object", "properties": {
                    "id": {"type": "integer"}, "action": {"type": "string"}, "from_state": {"type": ["string", "null"]},
                    "to_state": {"type": ["string", "null"]}, "actor": {"type": "string"},
                    "position": {"type": "string"}, "on_behalf_of": {"type": ["string", "null"]},
                    "delegation": {"type": ["string", "null"]}, "comment": {"type": "string"},
                    "revision": {"type": ["integer", "null"]}, "file_sha256": {"type": ["string", "null"]},
                    "at": {"type": "string", "format": "date-time"}, "hash": {"type": "string"}}}}}},
            "Inbox": {"type": "object", "properties": {
                "total": {"type": "integer"}, "overdue": {"type": "integer"},
                "results": {"type": "array", "items": {"type": "object", "properties": {
                    "document_id": {"type": "integer"}, "title": {"type": "string"},
                    "task": {"type": "string", "enum": ["verify", "sign", "revise", "draft"]},
                    "state": {"type": "string"}, "urgency": {"type": "string"},
                    "due_at": {"type": ["string", "null"], "format": "date-time"}, "overdue": {"type": "boolean"},
                    "revision": {"type": "integer"}, "url": {"type": "string"}}}}}},
            "SearchHit": {"type": "object", "required": ["id", "title", "fragments"], "properties": {
                "id": {"type": "integer"}, "title": {"type": "string"},
                "title_html": {"type": "string", "description": "Escaped title with <mark> around matches."},
                "number": {"type": ["string", "null"]}, "doc_type": {"type": "string"}, "unit": {"type": "string"},
                "state": {"type": "string"}, "created_at": {"type": "string", "format": "date-time"},
                "score": {"type": "number"},
                "fragments": {"type": "array", "items": {"type": "string"},
                              "description": "Escaped text with <mark> around matches."},
                "url": {"type": "string"}}},
            "SearchResults": {"type": "object", "required": ["results", "total"], "properties": {
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/SearchHit"}},
                "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
                "suggestion": {"type": ["string", "null"]},
                "facets": {"type": "object", "additionalProperties": {
                    "type": "object", "additionalProperties": {"type": "integer"}}}}},
        },
    },
}


@bp.get("/openapi.json")
def openapi():
    """Serve the OpenAPI description."""
    return jsonify(SPEC)
