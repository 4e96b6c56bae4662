"""The OpenAPI 3.1 description of /api/v1 (tests validate it and check it covers every route)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from docflow.api.params import FALSE_WORDS, MAX_ID, MAX_PAGE, TRUE_WORDS

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")

_ERRORS = {"$ref": "#/components/responses/Errors"}
# A file destroyed by a signed berita acara pemusnahan (the letter's details stay).
_GONE = {"description": "The file was destroyed by decision (berita acara pemusnahan).",
         "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}}


def _json(schema: str, description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def _bytes(description: str) -> dict[str, Any]:
    # The stored file's own type (PDF, DOCX, ODT, text, PNG, JPEG, TIFF: what the instance allows).
    return {"description": description, "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}}}


_VERIFIED_BYTES = ("The stored bytes, as an attachment, checked against their SHA-256 (the ETag) as they stream: "
                   "a damaged copy ends the connection short of Content-Length, and is refused from then on "
                   "(500) until an upload of the same file repairs it.")
# Ids run from 1 to the largest INTEGER (2**31 - 1); any other value in a path is a 404.
_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
_DOCUMENT_ID = {"name": "document_id", "in": "path", "required": True, "schema": _ID}
_VERSION_NUMBER = {"name": "number", "in": "path", "required": True, "schema": _ID}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    if schema.get("type") == "integer":
        # A form's empty number field (page=, year=) means the default, as the pages send it.
        schema = {"anyOf": [schema, {"type": "string", "maxLength": 0}]}
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _flag(name: str, description: str, default: bool = False) -> dict[str, Any]:
    return _query(name, {"type": "string", "enum": ["", *TRUE_WORDS, *FALSE_WORDS], "default": "1" if default else "0"},
                  description)


# A form's empty date field means no bound.
_DAY_OR_EMPTY = {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "maxLength": 0}]}


_PAGING = [
    _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}, "Page number."),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}, "Results per page."),
]

_DEADLINE = {"type": "string", "format": "date",
             "description": "Batas waktu: the last day on which the letter may be initialled and signed; after it "
                            "the drafter sets a new deadline or withdraws the letter."}

_UPLOAD_FIELDS = {
    "file": {"type": "string", "format": "binary",
             "description": "PDF, DOCX, ODT, plain text, PNG, JPEG or TIFF, decided from the content."},
}

_RECIPIENT_FIELDS = {
    "to_position": {"type": "array", "items": {"type": "integer"},
                    "description": "Addressees (Yth.) inside the city: position ids, repeat the field for each."},
    "to_name": {"type": "array", "items": {"type": "string", "maxLength": 300},
                "description": "External addressees as written on the letter, one per field (or per line)."},
    "cc_position": {"type": "array", "items": {"type": "integer"},
                    "description": "Copies (tembusan) inside the city: position ids."},
    "cc_name": {"type": "array", "items": {"type": "string", "maxLength": 300},
                "description": "External copies (tembusan), one per field (or per line)."},
}

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Docflow API",
        "version": "1.0.0",
        "description": "Official documents (naskah dinas) of a city government: upload, versions, download, "
                       "and full-text search in Bahasa Indonesia. Every call needs `Authorization: Bearer TOKEN` "
                       "(issue one with `python -m docflow token create USERNAME`, on the profile page or with "
                       "POST /api/v1/tokens). A token's scope limits it: read allows GET only, write everything but "
                       "/api/v1/admin, admin everything, always within its owner's roles; a call outside the scope "
                       "gets 403, a revoked or expired token 401. Errors always come as "
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
                               _flag("mine", "Only my own.")],
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
                        "position_id": {**_ID, "description": "The drafter's desk, when the drafter holds several."},
                        "replaces": {**_ID,
                                     "description": "A signed letter this one corrects and replaces. Only its "
                                                    "drafter's desk, its signer's desk, the records clerk of its "
                                                    "unit or an administrator may (403 otherwise; see the "
                                                    "letter's `correct` permission)."},
                        "doc_type": {"type": "string", "default": "nota_dinas"},
                        "classification_code": {"type": "string", "default": "000", "pattern": r"^\d{3}(\.\d{1,3})*$"},
                        "security_class": {"$ref": "#/components/schemas/SecurityClass"},
                        "urgency": {"$ref": "#/components/schemas/Urgency"},
                        "deadline": _DEADLINE,
                        **_RECIPIENT_FIELDS,
                    }}}}},
                "responses": {"201": _json("Document", "The new document."), "400": _ERRORS, "401": _ERRORS,
                              "403": _ERRORS, "404": _ERRORS, "413": _ERRORS, "415": _ERRORS, "503": _ERRORS,
                              "507": _ERRORS},
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
        "/api/v1/documents/{document_id}/recipients": {
            "put": {
                "operationId": "setRecipients",
                "summary": "Replace the addressees and copies of a draft or returned letter (drafter only).",
                "parameters": [_DOCUMENT_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["revision", "recipients"], "properties": {
                        "revision": {"type": "integer", "description": "The revision you saw; a stale one gets 409."},
                        "recipients": {"type": "array", "maxItems": 100,
                                       "items": {"$ref": "#/components/schemas/RecipientSpec"}}}}}}},
                "responses": {"200": _json("Document", "The letter with its new recipients."), "400": _ERRORS,
                              "401": _ERRORS, "403": _ERRORS, "404": _ERRORS, "409": _ERRORS},
            },
        },
        "/api/v1/documents/{document_id}/content": {
            "get": {
                "operationId": "getDocumentContent",
                "summary": "Download the current version's stored bytes.",
                "parameters": [_DOCUMENT_ID],
                "responses": {"200": _bytes(_VERIFIED_BYTES), "401": _ERRORS,
                              "404": _ERRORS, "410": _GONE, "500": _ERRORS, "503": _ERRORS},
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
                              "503": _ERRORS, "507": _ERRORS},
            },
        },
        "/api/v1/documents/{document_id}/versions/{number}/content": {
            "get": {
                "operationId": "getVersionContent",
                "summary": "Download one version's stored bytes.",
                "parameters": [_DOCUMENT_ID, _VERSION_NUMBER],
                "responses": {"200": _bytes(_VERIFIED_BYTES), "401": _ERRORS,
                              "404": _ERRORS, "410": _GONE, "500": _ERRORS, "503": _ERRORS},
            },
        },
        "/api/v1/documents/{document_id}/deadline": {
            "put": {
                "operationId": "setDeadline",
                "summary": "Set, move or remove the deadline of a letter not yet signed (drafter only).",
                "parameters": [_DOCUMENT_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["revision", "deadline"], "properties": {
                        "revision": {"type": "integer", "description": "The revision you saw; a stale one gets 409."},
                        "deadline": {**_DEADLINE, "type": ["string", "null"]}}}}}},
                "responses": {"200": _json("Document", "The letter with its new deadline."), "400": _ERRORS,
                              "401": _ERRORS, "403": _ERRORS, "404": _ERRORS, "409": _ERRORS},
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
                                    "description": "Required to return or reject."},
                        "passphrase": {"type": "string", "format": "password",
                                       "description": "Sign only: opens the signer's key; never stored."}}}}}},
                # 503 on sign: server.public_url is not set, or the converter of a DOCX/ODT draft is missing.
                "responses": {"200": _json("Document", "The letter after the action."), "400": _ERRORS,
                              "401": _ERRORS, "403": _ERRORS, "404": _ERRORS, "409": _ERRORS, "503": _ERRORS},
            },
        },
        "/api/v1/documents/{document_id}/signing-pdf": {
            "post": {
                "operationId": "prepareSigningPdf",
                "summary": "Make the PDF a DOCX/ODT draft will be signed as (kept as a version) so it can be checked.",
                "parameters": [_DOCUMENT_ID],
                "responses": {"200": _json("Version", "The letter is a PDF already: this version is signed."),
                              "201": _json("Version", "The draft was converted; this new version is signed."),
                              "400": _ERRORS, "401": _ERRORS, "403": _ERRORS, "404": _ERRORS, "409": _ERRORS,
                              "503": _ERRORS},
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
        "/api/v1/dashboard": {
            "get": {
                "operationId": "getDashboard",
                "summary": "The start page's sections that concern me (a clerk's and a head's differ), each with "
                           "its count and first items, overdue first.",
                "parameters": [_query("sections", {"type": "string", "maxLength": 500},
                                      "Only these sections, by key, comma-separated (e.g. incoming_unread,to_send).")],
                "responses": {"200": _json("Dashboard", "The sections."), "400": _ERRORS, "401": _ERRORS},
            },
        },
        "/api/v1/incoming": {
            "get": {
                "operationId": "getIncoming",
                "summary": "Sent letters addressed or copied to my desks (held or acted for), newest first.",
                "responses": {"200": _json("DocumentList", "At most 100 letters."), "401": _ERRORS},
            },
        },
        "/api/v1/search": {
            "get": {
                "operationId": "search",
                "summary": "Full-text search over the documents the caller may read.",
                "parameters": [
                    _query("q", {"type": "string", "maxLength": 500},
                           'Words (any Indonesian form), "phrases", proximity ("rapat koordinasi"~5: the '
                           'words within 5 positions of each other, in any order), prefix*, AND/OR/NOT, '
                           'letter numbers. Letters with the words close together rank first. When the query '
                           'finds nothing and a spelling correction does, the correction is run and named in '
                           '`corrected_query`; when fewer letters match every word than the page holds, the '
                           'page is filled with letters matching some of the words (`partial`).'),
                    _query("type", {"type": "string"}, "Document type codes, comma-separated."),
                    _query("unit", {"type": "string"}, "Unit codes, comma-separated."),
                    _query("state", {"type": "string"}, "States, comma-separated."),
                    _query("security_class", {"type": "string"}, "Security classes, comma-separated."),
                    _query("classification", {"type": "string"}, "Classification code prefix."),
                    _query("from", _DAY_OR_EMPTY, "Created on or after."),
                    _query("to", _DAY_OR_EMPTY, "Created on or before."),
                    _query("sort", {"type": "string", "enum": ["relevance", "newest", "oldest"]}, "Order."),
                    _flag("facets", "Include facet counts."),
                    _flag("autocorrect", "0: search exactly as typed, without running a spelling correction.",
                          default=True),
                    _query("page", {"type": "integer", "minimum": 1, "maximum": 10_000, "default": 1}, "Page number."),
                    _PAGING[1],
                ],
                "responses": {"200": _json("SearchResults", "Matching documents."), "400": _ERRORS,
                              "401": _ERRORS, "503": _ERRORS},
            },
        },
        "/api/v1/documents/{document_id}/similar": {
            "get": {
                "operationId": "similarDocuments",
                "summary": "More like this: readable letters sharing this letter's most distinctive words.",
                "parameters": [_DOCUMENT_ID,
                               _query("limit", {"type": "integer", "minimum": 1, "maximum": 20, "default": 5},
                                      "How many letters.")],
                "responses": {"200": _json("SimilarDocuments",
                                           "The best matches, never the letter itself; only letters the "
                                           "caller may read are returned or counted."),
                              "400": _ERRORS, "401": _ERRORS, "404": _ERRORS, "503": _ERRORS},
            },
        },
        "/api/v1/classification-codes": {
            "get": {
                "operationId": "listClassificationCodes",
                "summary": "Find classification codes (with their retention rule) by code prefix or name.",
                "parameters": [_query("q", {"type": "string", "maxLength": 100},
                                      "Code prefix (000.8) or words of the name (arsip).")],
                "responses": {"200": _json("ClassificationCodeList", "Matching codes in tree order (at most 50)."),
                              "400": _ERRORS, "401": _ERRORS},
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
                            "destroyed_at": {"type": ["string", "null"], "format": "date-time",
                                             "description": "When a signed berita acara pemusnahan destroyed "
                                                            "the file (its content is then 410)."},
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
                "permissions": {"type": "array", "items": {"type": "string", "enum": ["read", "add_version",
                                                                                     "correct"]},
                                "description": "What the caller may do: read, add_version (drafts), correct "
                                               "(start a correction of a signed letter)."},
                "recipients": {"type": "array", "items": {"$ref": "#/components/schemas/Recipient"}},
                "deadline": {**_DEADLINE, "type": ["string", "null"]},
                "content_url": {"type": "string"},
                "retention": {"$ref": "#/components/schemas/Retention"},
                "versions": {"type": "array", "items": {"$ref": "#/components/schemas/Version"}}}},
            "DocumentList": {"type": "object", "properties": {
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/Document"}},
                "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"}}},
            "RecipientSpec": {"type": "object", "required": ["kind"], "properties": {
                "kind": {"type": "string", "enum": ["to", "cc"], "description": "to: Yth. (addressee); cc: tembusan."},
                "position_id": {**_ID, "description": "An internal recipient: a desk of the city."},
                "name": {"type": "string", "maxLength": 300,
                         "description": "An external recipient, as written; it may end in its e-mail address: "
                                        "\"Kementerian X <tu@x.go.id>\"."},
                "email": {"type": "string", "maxLength": 254,
                          "description": "An external recipient's e-mail address: sending e-mails the signed PDF."}}},
            "Recipient": {"type": "object", "required": ["kind", "name"], "properties": {
                "kind": {"type": "string", "enum": ["to", "cc"]},
                "position_id": {"type": ["integer", "null"], "description": "Null for an external recipient."},
                "name": {"type": "string", "description": "The external line, or the position's title."},
                "id": {"type": "integer", "description": "The recipient row (named by the expedition book)."},
                "email": {"type": ["string", "null"], "description": "An external recipient's e-mail address."},
                "unit": {"type": ["string", "null"], "description": "The position's unit code."}}},
            "StepSpec": {"type": "object", "required": ["kind", "position_id"], "properties": {
                "kind": {"type": "string", "enum": ["verify", "sign"]}, "position_id": _ID,
                "mode": {"type": "string", "enum": ["direct", "an", "ub"]},
                "on_behalf_position_id": {**_ID, "type": ["integer", "null"]}}},
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
            "Dashboard": {"type": "object", "required": ["sections"], "properties": {
                "sections": {"type": "array", "items": {
                    "type": "object", "required": ["key", "title", "total", "items"], "properties": {
                        "key": {"type": "string", "description": "incoming_unread, dispositions_unread, "
                                "dispositions_open, without_disposition, to_register, to_send, to_file"},
                        "title": {"type": "string", "description": "In the caller's language."},
                        "total": {"type": "integer", "description": "How many in all (items holds the first)."},
                        "total_capped": {"type": "boolean", "description": "Counted up to 10,000: there are more."},
                        "all_url": {"type": ["string", "null"], "description": "The page listing them all."},
                        "items": {"type": "array", "items": {"type": "object", "properties": {
                            "label": {"type": "string"}, "url": {"type": "string"}, "detail": {"type": "string"},
                            "when": {"type": ["string", "null"], "description": "A date or a time."},
                            "overdue": {"type": "boolean"}}}}}}}}},
            "Inbox": {"type": "object", "properties": {
                "total": {"type": "integer"}, "overdue": {"type": "integer"},
                "results": {"type": "array", "items": {"type": "object", "properties": {
                    "document_id": {"type": "integer"}, "title": {"type": "string"},
                    "task": {"type": "string", "enum": ["verify", "sign", "revise", "draft"]},
                    "state": {"type": "string"}, "urgency": {"type": "string"},
                    "due_at": {"type": ["string", "null"], "format": "date-time"}, "overdue": {"type": "boolean"},
                    "deadline": {**_DEADLINE, "type": ["string", "null"]},
                    "revision": {"type": "integer"}, "url": {"type": "string"}}}}}},
            "ClassificationCode": {"type": "object", "required": ["code", "name"], "properties": {
                "code": {"type": "string"}, "name": {"type": "string"}, "parent_code": {"type": ["string", "null"]},
                "active_years": {"type": "integer"}, "inactive_years": {"type": "integer"},
                "final_fate": {"type": "string", "enum": ["destroy", "permanent", "review"]}}},
            "ClassificationCodeList": {"type": "object", "properties": {
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/ClassificationCode"}}}},
            "SearchHit": {"type": "object", "required": ["id", "title", "fragments"], "properties": {
                "id": {"type": "integer"}, "title": {"type": "string"},
                "title_html": {"type": "string", "description": "Escaped title with <mark> around matches."},
                "number": {"type": ["string", "null"]}, "doc_type": {"type": "string"}, "unit": {"type": "string"},
                "state": {"type": "string"}, "created_at": {"type": "string", "format": "date-time"},
                "score": {"type": "number"},
                "partial": {"type": "boolean",
                            "description": "Matches only some of the words (listed after every full match)."},
                "fragments": {"type": "array", "items": {"type": "string"},
                              "description": "Escaped text with <mark> around matches."},
                "url": {"type": "string"}}},
            "SearchResults": {"type": "object", "required": ["results", "total"], "properties": {
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/SearchHit"}},
                "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
                "suggestion": {"type": ["string", "null"], "description": "Did you mean (not run)."},
                "corrected_query": {"type": ["string", "null"],
                                    "description": "The query found nothing, so these are the results of "
                                                   "this correction; repeat with autocorrect=0 for the query "
                                                   "as typed."},
                "partial_total": {"type": "integer",
                                  "description": "Letters matching only some of the words, counted once a "
                                                 "page reaches past the full matches (else 0)."},
                "facets": {"type": "object", "additionalProperties": {
                    "type": "object", "additionalProperties": {"type": "integer"}}}}},
            "SimilarDocuments": {"type": "object", "required": ["results", "total"], "properties": {
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/SearchHit"}},
                "total": {"type": "integer", "description": "Readable letters sharing any key word."}}},
        },
    },
}


# Administration (administrators only) ------------------------------------------------------------

def _admin_ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _admin_body(schema: str, required: list[str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = _admin_ref(schema)
    if required:
        body = {"allOf": [body], "required": required}
    return {"required": True, "content": {"application/json": {"schema": body}}}


def _admin_op(operation_id: str, summary: str, ok: tuple[str, dict[str, Any]], *, parameters: list | None = None,
              body: dict[str, Any] | None = None, refusals: tuple[str, ...] = ()) -> dict[str, Any]:
    """One administration operation: every one answers 401 without a token and 403 to non-administrators."""
    status, response = ok
    operation: dict[str, Any] = {"operationId": operation_id, "summary": summary, "tags": ["admin"],
                                 "responses": {status: response, "401": _ERRORS, "403": _ERRORS,
                                               **{code: _ERRORS for code in refusals}}}
    if parameters:
        operation["parameters"] = parameters
    if body:
        operation["requestBody"] = body
    return operation


def _admin_id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": _ID}


def _admin_list(schema: str) -> dict[str, Any]:
    return {"type": "object", "required": ["results"], "properties": {
        "results": {"type": "array", "items": _admin_ref(schema)}}}


def _admin_paged(schema: str) -> dict[str, Any]:
    listed = _admin_list(schema)
    listed["properties"].update({"total": {"type": "integer"}, "page": {"type": "integer"},
                                 "per_page": {"type": "integer"}})
    return listed


_ADMIN_PAGING = [_query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}, "Page number."),
                 _query("per_page", {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
                        "Results per page.")]
_DATE = {"type": "string", "format": "date"}
_NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
_WRITE = ("400", "404", "409")

SPEC["paths"].update({
    "/api/v1/admin/units": {
        "get": _admin_op("adminListUnits", "List every unit, each parent before its children.",
                         ("200", _json("AdminUnitList", "The unit tree, flattened."))),
        "post": _admin_op("adminCreateUnit", "Add a unit.", ("201", _json("AdminUnit", "The new unit.")),
                          body=_admin_body("AdminUnitInput", ["code", "name"]), refusals=("400", "409")),
    },
    "/api/v1/admin/units/{unit_id}": {
        "get": _admin_op("adminGetUnit", "Show a unit.", ("200", _json("AdminUnit", "The unit.")),
                         parameters=[_admin_id("unit_id")], refusals=("404",)),
        "patch": _admin_op("adminUpdateUnit", "Change a unit's name, kind or parent; the code stays.",
                           ("200", _json("AdminUnit", "The unit.")), parameters=[_admin_id("unit_id")],
                           body=_admin_body("AdminUnitInput"), refusals=_WRITE),
    },
    "/api/v1/admin/positions": {
        "get": _admin_op("adminListPositions", "List desks with today's holders, page by page.",
                         ("200", _json("AdminPositionList", "One page of positions.")),
                         parameters=[_query("unit", {"type": "string"}, "Only desks of this unit (code)."),
                                     *_ADMIN_PAGING], refusals=("400", "404")),
        "post": _admin_op("adminCreatePosition", "Add a desk (jabatan) to a unit.",
                          ("201", _json("AdminPosition", "The new position.")),
                          body=_admin_body("AdminPositionInput", ["unit", "title"]), refusals=("400", "409")),
    },
    "/api/v1/admin/positions/{position_id}": {
        "get": _admin_op("adminGetPosition", "Show a desk with today's holders.",
                         ("200", _json("AdminPosition", "The position.")), parameters=[_admin_id("position_id")],
                         refusals=("404",)),
        "patch": _admin_op("adminUpdatePosition", "Change a desk's title, eselon, superior or activity.",
                           ("200", _json("AdminPosition", "The position.")), parameters=[_admin_id("position_id")],
                           body=_admin_body("AdminPositionInput"), refusals=_WRITE),
    },
    "/api/v1/admin/users": {
        "get": _admin_op("adminListUsers", "List people, page by page.",
                         ("200", _json("AdminUserList", "One page of people.")),
                         parameters=[_query("q", {"type": "string"}, "Part of the username, name or NIP."),
                                     _query("unit", {"type": "string"}, "Only people of this unit (code)."),
                                     *_ADMIN_PAGING], refusals=("400", "404")),
        "post": _admin_op("adminCreateUser", "Add a person; they have no password until one is set.",
                          ("201", _json("AdminUser", "The new person.")),
                          body=_admin_body("AdminUserInput", ["username", "full_name", "unit"]),
                          refusals=("400", "409")),
    },
    "/api/v1/admin/users/{user_id}": {
        "get": _admin_op("adminGetUser", "Show a person with their assignments.",
                         ("200", _json("AdminUser", "The person.")), parameters=[_admin_id("user_id")],
                         refusals=("404",)),
        "patch": _admin_op("adminUpdateUser", "Change a person's details, roles or activity; the username stays.",
                           ("200", _json("AdminUser", "The person.")), parameters=[_admin_id("user_id")],
                           body=_admin_body("AdminUserInput"), refusals=_WRITE),
    },
    "/api/v1/admin/users/{user_id}/password": {
        "put": _admin_op("adminSetPassword", "Set a person's password.", ("204", {"description": "Set."}),
                         parameters=[_admin_id("user_id")], refusals=("400", "404"),
                         body={"required": True, "content": {"application/json": {"schema": {
                             "type": "object", "required": ["password"], "properties": {
                                 "password": {"type": "string", "minLength": 10, "maxLength": 1000}}}}}}),
    },
    "/api/v1/admin/assignments": {
        "get": _admin_op("adminListAssignments", "List the assignments of a desk or a person, latest first.",
                         ("200", _json("AdminAssignmentList", "The assignments.")),
                         parameters=[_query("position_id", _ID, "Of this desk."),
                                     _query("user", {"type": "string"}, "Of this person (username)."),
                                     _flag("current",
                                            "Leave out assignments that have ended.")],
                         refusals=("400", "404")),
        "post": _admin_op("adminCreateAssignment", "Put a person at a desk from a day; a structural desk has one "
                          "holder at a time.", ("201", _json("AdminAssignment", "The assignment.")),
                          body=_admin_body("AdminAssignmentInput", ["position_id", "user", "starts_on"]),
                          refusals=("400", "409")),
    },
    "/api/v1/admin/assignments/{assignment_id}/end": {
        "post": _admin_op("adminEndAssignment", "End an assignment on a day.",
                          ("200", _json("AdminAssignment", "The assignment.")),
                          parameters=[_admin_id("assignment_id")], refusals=("400", "404"),
                          body={"required": True, "content": {"application/json": {"schema": {
                              "type": "object", "required": ["ends_on"], "properties": {"ends_on": _DATE}}}}}),
    },
    "/api/v1/admin/delegations": {
        "get": _admin_op("adminListDelegations", "List Plt./Plh. appointments, latest first.",
                         ("200", _json("AdminDelegationList", "The appointments.")),
                         parameters=[_query("position_id", _ID, "Of this desk."),
                                     _flag("current",
                                            "Leave out revoked and past appointments.")],
                         refusals=("400", "404")),
        "post": _admin_op("adminCreateDelegation", "Appoint a Plt. (post vacant) or Plh. (holder away); "
                          "appointments of a desk never overlap (409) and last at most the configured days.",
                          ("201", _json("AdminDelegation", "The appointment.")),
                          body=_admin_body("AdminDelegationInput",
                                           ["position_id", "delegate", "kind", "starts_on", "ends_on"]),
                          refusals=("400", "409")),
    },
    "/api/v1/admin/delegations/{delegation_id}/revoke": {
        "post": _admin_op("adminRevokeDelegation", "End a Plt./Plh. appointment early.",
                          ("200", _json("AdminDelegation", "The appointment.")),
                          parameters=[_admin_id("delegation_id")], refusals=("404",)),
    },
    "/api/v1/admin/document-types": {
        "get": _admin_op("adminListDocumentTypes", "List every document type with its rules.",
                         ("200", _json("AdminDocumentTypeList", "The document types."))),
        "post": _admin_op("adminCreateDocumentType", "Add a document type with its rules.",
                          ("201", _json("AdminDocumentType", "The new document type.")),
                          body=_admin_body("AdminDocumentTypeInput", ["code", "name", "group", "signer_levels"]),
                          refusals=("400", "409")),
    },
    "/api/v1/admin/document-types/{code}": {
        "get": _admin_op("adminGetDocumentType", "Show a document type's rules.",
                         ("200", _json("AdminDocumentType", "The document type.")),
                         parameters=[{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}],
                         refusals=("404",)),
        "patch": _admin_op("adminUpdateDocumentType", "Change a document type's rules; the code stays.",
                           ("200", _json("AdminDocumentType", "The document type.")),
                           parameters=[{"name": "code", "in": "path", "required": True,
                                        "schema": {"type": "string"}}],
                           body=_admin_body("AdminDocumentTypeInput"), refusals=("400", "404")),
    },
    "/api/v1/admin/number-registers": {
        "get": _admin_op("adminListRegisters", "List number registers with their last number, latest year first.",
                         ("200", _json("AdminRegisterList", "The registers.")),
                         parameters=[_query("year", {"type": "integer", "minimum": 1, "maximum": 9999},
                                            "Only this year's registers.")],
                         refusals=("400",)),
        "post": _admin_op("adminCreateRegister", "Open a year's register, e.g. to continue a paper register.",
                          ("201", _json("AdminRegister", "The register.")),
                          body=_admin_body("AdminRegisterInput", ["doc_type", "year"]), refusals=("400", "409")),
    },
    "/api/v1/admin/number-registers/{register_id}": {
        "get": _admin_op("adminGetRegister", "Show a number register.",
                         ("200", _json("AdminRegister", "The register.")),
                         parameters=[_admin_id("register_id")], refusals=("404",)),
        "patch": _admin_op("adminUpdateRegister", "Change a register's pattern or move its last number forward "
                           "(never back).", ("200", _json("AdminRegister", "The register.")),
                           parameters=[_admin_id("register_id")], refusals=("400", "404"),
                           body={"required": True, "content": {"application/json": {"schema": {
                               "type": "object", "properties": {"pattern": {"type": "string"},
                                                                "last_seq": {"type": "integer", "minimum": 0,
                                                                             "maximum": MAX_ID}}}}}}),
    },
})

SPEC["components"]["schemas"].update({
    "AdminUnit": {"type": "object", "required": ["id", "code", "name", "kind"], "properties": {
        "id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"}, "kind": {"type": "string"},
        "parent": {"type": ["string", "null"], "description": "Code of the parent unit."},
        "depth": {"type": "integer", "description": "Depth in the tree (lists only)."}}},
    "AdminUnitInput": {"type": "object", "additionalProperties": False, "properties": {
        "code": {"type": "string", "maxLength": 40, "description": "Fixed once created; part of letter numbers."},
        "name": {"type": "string", "maxLength": 200}, "kind": {"type": "string", "default": "dinas"},
        "parent": {"type": ["string", "null"], "description": "Code of the parent unit; empty for the top."}}},
    "AdminUnitList": _admin_list("AdminUnit"),
    "AdminPosition": {"type": "object", "required": ["id", "unit", "title"], "properties": {
        "id": {"type": "integer"}, "unit": {"type": "string"}, "title": {"type": "string"},
        "eselon": {"type": "string"}, "level": {"type": "integer", "minimum": 1, "maximum": 5},
        "parent_id": {"type": ["integer", "null"]}, "parent": {"type": ["string", "null"]},
        "active": {"type": "boolean"}, "holders": {"type": "array", "items": {"type": "string"}}}},
    "AdminPositionInput": {"type": "object", "additionalProperties": False, "properties": {
        "unit": {"type": "string", "description": "Unit code; fixed once created."},
        "title": {"type": "string", "maxLength": 200},
        "eselon": {"type": "string", "description": "I.a ... V.a, or empty for staff."},
        "parent_id": {**_ID, "type": ["integer", "null"], "description": "The superior desk."},
        "active": {"type": "boolean", "default": True}}},
    "AdminPositionList": _admin_paged("AdminPosition"),
    "AdminUser": {"type": "object", "required": ["id", "username", "roles", "active"], "properties": {
        "id": {"type": "integer"}, "username": {"type": "string"}, "full_name": {"type": "string"},
        "nip": {"type": ["string", "null"]}, "rank": {"type": "string"}, "email": {"type": "string"},
        "unit": {"type": ["string", "null"]},
        "roles": {"type": "array", "items": {"$ref": "#/components/schemas/Role"}},
        "active": {"type": "boolean"}, "has_password": {"type": "boolean"},
        "assignments": {"type": "array", "items": _admin_ref("AdminAssignment")}}},
    "AdminUserInput": {"type": "object", "additionalProperties": False, "properties": {
        "username": {"type": "string", "maxLength": 80, "description": "Fixed once created."},
        "full_name": {"type": "string", "maxLength": 200},
        "nip": {"type": ["string", "null"], "description": "18 digits, for civil servants."},
        "rank": {"type": "string", "maxLength": 80}, "email": {"type": "string", "maxLength": 200},
        "unit": {"type": "string", "description": "Unit code."},
        "roles": {"type": "array", "items": {"$ref": "#/components/schemas/Role"}},
        "active": {"type": "boolean", "default": True}}},
    "AdminUserList": _admin_paged("AdminUser"),
    "Role": {"type": "string", "enum": ["drafter", "verifier", "signer", "records_clerk", "archivist", "admin", "leadership"]},
    "AdminAssignment": {"type": "object", "required": ["id", "position_id", "user", "starts_on"], "properties": {
        "id": {"type": "integer"}, "position_id": {"type": "integer"}, "position": {"type": "string"},
        "unit": {"type": "string"}, "user": {"type": "string"}, "starts_on": _DATE, "ends_on": _NULLABLE_DATE}},
    "AdminAssignmentInput": {"type": "object", "additionalProperties": False, "properties": {
        "position_id": _ID, "user": {"type": "string", "description": "Username."},
        "starts_on": _DATE, "ends_on": _NULLABLE_DATE}},
    "AdminAssignmentList": _admin_list("AdminAssignment"),
    "AdminDelegation": {"type": "object", "required": ["id", "position_id", "delegate", "kind"], "properties": {
        "id": {"type": "integer"}, "position_id": {"type": "integer"}, "position": {"type": "string"},
        "unit": {"type": "string"}, "delegate": {"type": "string"}, "kind": {"type": "string", "enum": ["plt", "plh"]},
        "starts_on": _DATE, "ends_on": _DATE, "decree_reference": {"type": "string"}, "revoked": {"type": "boolean"}}},
    "AdminDelegationInput": {"type": "object", "additionalProperties": False, "properties": {
        "position_id": _ID, "delegate": {"type": "string", "description": "Username."},
        "kind": {"type": "string", "enum": ["plt", "plh"]}, "starts_on": _DATE, "ends_on": _DATE,
        "decree_reference": {"type": "string", "maxLength": 200}}},
    "AdminDelegationList": _admin_list("AdminDelegation"),
    "AdminDocumentType": {"type": "object", "required": ["code", "name", "group"], "properties": {
        "code": {"type": "string"}, "name": {"type": "string"},
        "group": {"type": "string", "enum": ["directive", "correspondence", "special", "other"]},
        "signer_levels": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 5}},
        "allow_an": {"type": "boolean"}, "allow_ub": {"type": "boolean"},
        "register_scope": {"type": "string", "enum": ["unit", "city"]}, "number_pattern": {"type": "string"},
        "restart_from": {"type": "string", "enum": ["first", "returning"]},
        "max_verifiers": {"type": "integer", "minimum": 0, "maximum": 3}, "active": {"type": "boolean"}}},
    "AdminDocumentTypeInput": {"type": "object", "additionalProperties": False, "properties": {
        "code": {"type": "string", "pattern": "^[a-z][a-z0-9_]{1,39}$", "description": "Fixed once created."},
        "name": {"type": "string", "maxLength": 100},
        "group": {"type": "string", "enum": ["directive", "correspondence", "special", "other"]},
        "signer_levels": {"type": "array", "minItems": 1, "items": {"type": "integer", "minimum": 1, "maximum": 5}},
        "allow_an": {"type": "boolean"}, "allow_ub": {"type": "boolean"},
        "register_scope": {"type": "string", "enum": ["unit", "city"]},
        "number_pattern": {"type": "string", "description": "Fields {classification} {seq} {unit} {year} {month} "
                                                            "{type}; {seq} is required."},
        "restart_from": {"type": "string", "enum": ["first", "returning"]},
        "max_verifiers": {"type": "integer", "minimum": 0, "maximum": 3}, "active": {"type": "boolean"}}},
    "AdminDocumentTypeList": _admin_list("AdminDocumentType"),
    "AdminRegister": {"type": "object", "required": ["id", "doc_type", "year", "pattern", "last_seq"], "properties": {
        "id": {"type": "integer"}, "doc_type": {"type": "string"},
        "unit": {"type": ["string", "null"], "description": "Unit code; null for the city's register."},
        "year": {"type": "integer"}, "pattern": {"type": "string"}, "last_seq": {"type": "integer"}}},
    "AdminRegisterInput": {"type": "object", "additionalProperties": False, "properties": {
        "doc_type": {"type": "string"},
        "unit": {"type": ["string", "null"], "description": "Empty for city-wide types."},
        "year": {"type": "integer", "minimum": 2000, "maximum": 2100},
        "pattern": {"type": "string", "description": "Default: the document type's pattern."},
        "last_seq": {"type": "integer", "minimum": 0, "maximum": MAX_ID, "default": 0}}},
    "AdminRegisterList": _admin_list("AdminRegister"),
})


# API tokens ------------------------------------------------------------------------------------------

_TOKEN_ID = {"name": "token_id", "in": "path", "required": True, "schema": _ID}

SPEC["paths"].update({
    "/api/v1/tokens": {
        "get": {"operationId": "listTokens", "summary": "List the caller's API tokens, newest first.",
                "tags": ["tokens"],
                "responses": {"200": _json("ApiTokenList", "The caller's tokens."), "401": _ERRORS}},
        "post": {"operationId": "createToken", "tags": ["tokens"],
                 "summary": "Issue an API token for the caller; the token is in this answer only. A token issues "
                            "tokens of its own scope or narrower (403 otherwise).",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "$ref": "#/components/schemas/ApiTokenInput"}}}},
                 "responses": {"201": _json("IssuedApiToken", "The new token."), "400": _ERRORS, "401": _ERRORS,
                               "403": _ERRORS}},
    },
    "/api/v1/tokens/{token_id}/revoke": {
        "post": {"operationId": "revokeToken", "summary": "Revoke one of the caller's tokens; it is refused at once.",
                 "tags": ["tokens"], "parameters": [_TOKEN_ID],
                 "responses": {"200": _json("ApiToken", "The revoked token."), "401": _ERRORS, "403": _ERRORS,
                               "404": _ERRORS}},
    },
    "/api/v1/admin/users/{user_id}/tokens": {
        "get": _admin_op("adminListUserTokens", "List a person's API tokens, newest first.",
                         ("200", _json("ApiTokenList", "The person's tokens.")), parameters=[_admin_id("user_id")],
                         refusals=("404",)),
    },
    "/api/v1/admin/tokens/{token_id}/revoke": {
        "post": _admin_op("adminRevokeToken", "Revoke anyone's API token; it is refused at once.",
                          ("200", _json("ApiToken", "The revoked token.")), parameters=[_TOKEN_ID],
                          refusals=("404",)),
    },
    "/api/v1/admin/users/{user_id}/unlock": {
        "post": _admin_op("adminUnlockUser", "Forget a person's failed logins, so that she may log in again at once.",
                          ("204", {"description": "Unlocked."}), parameters=[_admin_id("user_id")],
                          refusals=("404",)),
    },
})

_TIME = {"type": "string", "format": "date-time"}
_NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
_TOKEN_PROPERTIES = {
    "id": {"type": "integer"}, "user": {"type": "string", "description": "Username of the owner."},
    "name": {"type": "string"}, "scope": {"$ref": "#/components/schemas/TokenScope"},
    "created_at": _TIME, "last_used_at": _NULLABLE_TIME, "expires_at": _NULLABLE_TIME,
    "revoked_at": _NULLABLE_TIME, "active": {"type": "boolean", "description": "Neither revoked nor expired."}}

SPEC["components"]["schemas"].update({
    "TokenScope": {"type": "string", "enum": ["read", "write", "admin"],
                   "description": "read: GET and HEAD only; write: everything but /api/v1/admin; admin: everything "
                                  "(always within the owner's roles)."},
    "ApiToken": {"type": "object", "required": ["id", "scope", "created_at", "active"],
                 "properties": _TOKEN_PROPERTIES},
    "IssuedApiToken": {"type": "object", "required": ["id", "scope", "created_at", "active", "token"],
                       "properties": {**_TOKEN_PROPERTIES, "token": {
                           "type": "string", "description": "The bearer token; shown only in this answer."}}},
    "ApiTokenList": {"type": "object", "required": ["results"], "properties": {
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/ApiToken"}}}},
    "ApiTokenInput": {"type": "object", "additionalProperties": False, "properties": {
        "name": {"type": "string", "maxLength": 200, "description": "What the token is for."},
        "scope": {"allOf": [{"$ref": "#/components/schemas/TokenScope"}], "default": "read"},
        "expires_in_days": {"type": ["integer", "null"], "minimum": 1, "maximum": 3650,
                            "description": "Days until it expires; null or absent: never."}}},
})


# The operator's probes, outside /api/v1: no API token; /metrics takes [metrics] token instead.
OPERATOR_PATHS = ("/healthz", "/readyz", "/metrics")
SPEC["components"]["securitySchemes"]["metricsToken"] = {
    "type": "http", "scheme": "bearer", "description": "The [metrics] token setting (not an API token)."}
SPEC["paths"].update({
    "/healthz": {"get": {"operationId": "liveness", "tags": ["operations"], "security": [],
                         "summary": "Liveness: the process answers (nothing else is checked).",
                         "responses": {"200": _json("Liveness", "The process is alive.")}}},
    "/readyz": {"get": {"operationId": "readiness", "tags": ["operations"], "security": [],
                        "summary": "Readiness: the database, the object store and the search index answer, a worker "
                                   "recorded its heartbeat lately and no due job waited too long ([health]).",
                        "responses": {"200": _json("Readiness", "Ready: every check is ok."),
                                      "503": _json("Readiness", "Not ready: `failing` names the checks.")}}},
    "/metrics": {"get": {"operationId": "metrics", "tags": ["operations"], "security": [{"metricsToken": []}],
                         "summary": "Prometheus figures (text format 0.0.4). Without a [metrics] token, only direct "
                                    "loopback requests are answered.",
                         "responses": {"200": {"description": "The figures.",
                                               "content": {"text/plain": {"schema": {"type": "string"}}}},
                                       "401": _ERRORS}}},
})
SPEC["components"]["schemas"].update({
    "Liveness": {"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}},
    "Readiness": {"type": "object", "required": ["status", "failing", "checks"], "properties": {
        "status": {"type": "string", "enum": ["ok", "not ready"]},
        "failing": {"type": "array", "items": {"type": "string"}},
        "checks": {"type": "object", "description": "database, storage, index, worker, queue: `ok` or the reason.",
                   "additionalProperties": {"type": "string"}}}},
})

# Incoming letters and disposisi ----------------------------------------------------------------------

_LETTER_ID = {"name": "letter_id", "in": "path", "required": True, "schema": _ID}
_DISPOSITION_ID = {"name": "disposition_id", "in": "path", "required": True, "schema": _ID}
_DATE = {"type": "string", "format": "date"}
_NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
_IDS = {"type": "array", "items": _ID}
_DISPOSITION_INPUT = {
    "type": "object", "required": ["recipients", "instructions"], "properties": {
        "recipients": {**_IDS, "description": "Position ids of the recipient desks; each must be below the desk "
                                              "that gives the disposisi (403 otherwise)."},
        "instructions": {**_IDS, "description": "Ids from GET /api/v1/disposition-instructions."},
        "note": {"type": "string", "maxLength": 4000},
        "due_on": {**_DATE, "description": "Today or later."},
        "priority": {"type": "string", "enum": ["biasa", "segera", "amat_segera"],
                     "description": "Default: the letter's urgency."},
        "position_id": {**_ID, "description": "The addressee desk giving it, when the caller acts for "
                                                          "several (letter disposisi only)."}}}

SPEC["paths"].update({
    "/api/v1/disposition-instructions": {
        "get": {"operationId": "listDispositionInstructions", "tags": ["incoming"],
                "summary": "List the city's disposisi instructions (Untuk diketahui, Untuk ditindaklanjuti ...).",
                "responses": {"200": _json("DispositionInstructionList", "The instructions in their order."),
                              "401": _ERRORS}},
    },
    "/api/v1/incoming-letters": {
        "get": {"operationId": "listIncomingLetters", "tags": ["incoming"],
                "summary": "One page of a unit's incoming book (agenda), newest agenda number first, as the caller "
                           "may read it.",
                "parameters": [*_PAGING,
                               _query("state", {"type": "string",
                                                "enum": ["registered", "in_progress", "done", "forwarded"]},
                                      "registered: no disposisi yet; in_progress: a disposisi is open; done: all "
                                      "done or cancelled; forwarded: passed to another unit's book."),
                               _query("unit_id", _ID,
                                      "The unit's book; default: the caller's unit. Another unit's: archivists "
                                      "and administrators only.")],
                "responses": {"200": _json("IncomingLetterPage", "The page."), "400": _ERRORS, "401": _ERRORS,
                              "403": _ERRORS}},
        "post": {"operationId": "registerIncomingLetter", "tags": ["incoming"],
                 "summary": "Register an incoming letter (records clerks): the file goes through the usual intake "
                            "(OCR, search) and the letter takes the next agenda number of the unit for the year. "
                            "The same sender, number and date registered before answers 409 naming that "
                            "registration, unless confirm_duplicate is true.",
                 "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                     "type": "object", "required": ["file", "sender", "sender_number", "sender_date", "subject",
                                                    "addressees"],
                     "properties": {
                         **_UPLOAD_FIELDS,
                         "sender": {"type": "string", "maxLength": 300, "description": "The sending institution."},
                         "sender_person": {"type": "string", "maxLength": 200},
                         "sender_number": {"type": "string", "maxLength": 120},
                         "sender_date": _DATE,
                         "received_on": {**_DATE, "description": "Default: today; never after today."},
                         "subject": {"type": "string", "maxLength": 500},
                         "doc_type": {"type": "string", "default": "surat_dinas"},
                         "classification_code": {"type": "string", "default": "000"},
                         "security_class": {"type": "string",
                                            "enum": ["biasa", "terbatas", "rahasia", "sangat_rahasia"]},
                         "urgency": {"type": "string", "enum": ["biasa", "segera", "amat_segera"]},
                         "addressees": {**_IDS, "description": "Addressee desks (position ids) of the unit or the "
                                                               "units above it; repeat the field for each."},
                         "confirm_duplicate": {"type": "boolean", "description": "Register a genuine second copy."},
                     }}}}},
                 "responses": {"201": _json("IncomingLetter", "The registered letter."), "400": _ERRORS,
                               "401": _ERRORS, "403": _ERRORS, "409": _ERRORS, "413": _ERRORS, "415": _ERRORS,
                               "503": _ERRORS, "507": _ERRORS}},
    },
    "/api/v1/incoming-letters/internal": {
        "get": {"operationId": "listInternalLettersToRegister", "tags": ["incoming"],
                "summary": "Letters other units of the city signed and sent to desks of the caller's unit that its "
                           "book does not hold yet (records clerks; Rahasia ones go to their desks only).",
                "responses": {"200": _json("InternalLetterList", "The letters."), "401": _ERRORS,
                              "403": _ERRORS}},
        "post": {"operationId": "registerInternalLetter", "tags": ["incoming"],
                 "summary": "Enter such a letter in the unit's book without retyping: sender, number, date, subject "
                            "and addressees come from the letter; it keeps its own file. Once per unit (409 after).",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "required": ["document_id"],
                     "properties": {"document_id": _ID}}}}},
                 "responses": {"201": _json("IncomingLetter", "The registered letter."), "400": _ERRORS,
                               "401": _ERRORS, "403": _ERRORS, "404": _ERRORS, "409": _ERRORS}},
    },
    "/api/v1/incoming-letters/{letter_id}": {
        "get": {"operationId": "getIncomingLetter", "tags": ["incoming"], "parameters": [_LETTER_ID],
                "summary": "Show an incoming letter with its disposisi tree (depth first; parent_id links it); "
                           "an addressee who opens it has read it, as on its page.",
                "responses": {"200": _json("IncomingLetterWithTree", "The letter."), "401": _ERRORS,
                              "404": _ERRORS}},
    },
    "/api/v1/incoming-letters/{letter_id}/dispositions": {
        "post": {"operationId": "giveDisposition", "tags": ["incoming"], "parameters": [_LETTER_ID],
                 "summary": "Give a disposisi (an addressee of the letter, or her Plt./Plh. today): one node per "
                            "recipient desk, each notified by e-mail.",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": _DISPOSITION_INPUT}}},
                 "responses": {"201": _json("DispositionsGiven", "The new nodes."), "400": _ERRORS, "401": _ERRORS,
                               "403": _ERRORS, "404": _ERRORS}},
    },
    "/api/v1/dispositions": {
        "get": {"operationId": "listMyDispositions", "tags": ["incoming"],
                "summary": "One page of the disposisi given to the caller's desks (held, or as Plt./Plh. today): "
                           "unread first, then by due date. Cancelled ones only when asked for by state.",
                "parameters": [*_PAGING, _query("state", {"$ref": "#/components/schemas/DispositionState"},
                                                "Only nodes in this state.")],
                "responses": {"200": _json("DispositionPage", "The page."), "400": _ERRORS, "401": _ERRORS}},
    },
    "/api/v1/dispositions/{disposition_id}": {
        "get": {"operationId": "getDisposition", "tags": ["incoming"], "parameters": [_DISPOSITION_ID],
                "summary": "Show one disposisi node.",
                "responses": {"200": _json("Disposition", "The node."), "401": _ERRORS, "404": _ERRORS}},
    },
    "/api/v1/dispositions/{disposition_id}/actions/{action}": {
        "post": {"operationId": "actOnDisposition", "tags": ["incoming"],
                 "summary": "read, follow-up (with a note), done (recipient or issuer) or cancel (the issuer, only "
                            "while unread: 409 after) a node; forward passes it further down with a disposisi's "
                            "body and answers 201. A stale revision or a state that does not allow it: 409.",
                 "parameters": [_DISPOSITION_ID, {"name": "action", "in": "path", "required": True, "schema": {
                     "type": "string", "enum": ["read", "follow-up", "done", "cancel", "forward"]}}],
                 "requestBody": {"required": False, "content": {"application/json": {"schema": {
                     "type": "object", "properties": {
                         **_DISPOSITION_INPUT["properties"],
                         "revision": {"type": "integer", "description": "The revision you saw; a stale one gets 409."},
                         "note": {"type": "string", "maxLength": 4000,
                                  "description": "follow-up: the report (required); forward: the note."}}}},
                     "multipart/form-data": {"schema": {"type": "object", "properties": {
                         **_UPLOAD_FIELDS,
                         "note": {"type": "string", "maxLength": 4000, "description": "The follow-up report."},
                         "revision": {"type": "integer"}},
                         "description": "follow-up with a file (a notula, a photo): stored, then claimed by the "
                                        "report under the node's lock."}}}},
                 "responses": {"200": _json("Disposition", "The node after the action."),
                               "201": _json("DispositionsGiven", "forward: the new nodes below this one."),
                               "400": _ERRORS, "401": _ERRORS, "403": _ERRORS, "404": _ERRORS, "409": _ERRORS,
                               "413": _ERRORS, "415": _ERRORS, "503": _ERRORS, "507": _ERRORS}},
    },
    "/api/v1/incoming-letters/{letter_id}/replies": {
        "get": {"operationId": "listReplies", "tags": ["incoming"], "parameters": [_LETTER_ID],
                "summary": "The reply letters started for an incoming letter.",
                "responses": {"200": _json("ReplyList", "The replies."), "401": _ERRORS, "404": _ERRORS}},
        "post": {"operationId": "startReply", "tags": ["incoming"], "parameters": [_LETTER_ID],
                 "summary": "Buat surat balasan: start an outgoing draft addressed to the sender (an addressee of "
                            "the letter, or the recipient of an open disposisi). When it is signed, the follow-up "
                            "of that disposisi is recorded (\"Dijawab dengan surat nomor ...\").",
                 "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                     "type": "object", "required": ["file"], "properties": {
                         **_UPLOAD_FIELDS,
                         "title": {"type": "string", "maxLength": 500,
                                   "description": "Default: \"Balasan surat <number>: <subject>\"."},
                         "disposition_id": {**_ID, "description": "The disposisi the reply answers; default: the "
                                                                  "caller's open one on this letter."},
                         "doc_type": {"type": "string", "default": "surat_dinas"},
                         "classification_code": {"type": "string", "description": "Default: the letter's."},
                         "security_class": {"type": "string",
                                            "enum": ["biasa", "terbatas", "rahasia", "sangat_rahasia"]},
                         "urgency": {"type": "string", "enum": ["biasa", "segera", "amat_segera"]}}}}}},
                 "responses": {"201": _json("Reply", "The reply draft and its link."), "400": _ERRORS,
                               "401": _ERRORS, "403": _ERRORS, "404": _ERRORS, "409": _ERRORS, "413": _ERRORS,
                               "415": _ERRORS, "503": _ERRORS, "507": _ERRORS}},
    },
    "/api/v1/incoming-letters/{letter_id}/actions/forward": {
        "post": {"operationId": "forwardIncomingLetter", "tags": ["incoming"], "parameters": [_LETTER_ID],
                 "summary": "Teruskan: pass a letter registered at the wrong unit (no disposisi yet) to the right "
                            "unit's book under its next agenda number (the unit's clerk). This entry stays, "
                            "forwarded; both books' trails say so.",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "required": ["unit_id"], "properties": {
                         "unit_id": _ID,
                         "addressees": {**_IDS, "description": "Desks of that unit; default: its top desk."},
                         "note": {"type": "string", "maxLength": 4000}}}}}},
                 "responses": {"201": _json("ForwardedLetter", "The new entry, with the one forwarded."),
                               "400": _ERRORS, "401": _ERRORS, "403": _ERRORS, "404": _ERRORS, "409": _ERRORS}},
    },
    "/api/v1/follow-up-files/{attachment_id}": {
        "get": {"operationId": "getFollowUpFile", "tags": ["incoming"],
                "parameters": [{"name": "attachment_id", "in": "path", "required": True, "schema": _ID}],
                "summary": "Download a file reported with a follow-up.",
                "responses": {"200": _bytes(_VERIFIED_BYTES), "401": _ERRORS, "404": _ERRORS, "500": _ERRORS,
                              "503": _ERRORS}},
    },
})

_DELIVERY_INPUT = {
    "method": {"type": "string", "enum": ["courier", "portal", "hand"],
               "description": "How letters reach addressees without an e-mail address (required if any has none)."},
    "delivered_on": {**_DATE, "description": "Default: today; never after today."},
    "receiver": {"type": "string", "maxLength": 200}, "reference": {"type": "string", "maxLength": 200}}
_BATCH = {"type": "array", "items": _ID, "minItems": 1, "maxItems": 100}

SPEC["paths"].update({
    "/api/v1/dispatch/send": {
        "post": {"operationId": "sendLetters", "tags": ["dispatch"],
                 "summary": "Send signed letters of the clerk's unit, one or many (all or none): the signed PDF is "
                            "e-mailed through the outbox to each external addressee with an address; the others "
                            "are recorded in the expedition book as the clerk says; desks of the city receive it.",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "required": ["documents"],
                     "properties": {"documents": _BATCH, **_DELIVERY_INPUT}}}}},
                 "responses": {"200": _json("DispatchResults", "The letters, sent, with their deliveries."),
                               "400": _ERRORS, "401": _ERRORS, "403": _ERRORS, "404": _ERRORS, "409": _ERRORS}},
    },
    "/api/v1/dispatch/file": {
        "post": {"operationId": "fileLetters", "tags": ["dispatch"],
                 "summary": "File signed or sent letters of the clerk's unit in the archive (all or none).",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "required": ["documents"], "properties": {"documents": _BATCH}}}}},
                 "responses": {"200": _json("DispatchResults", "The letters, filed."), "400": _ERRORS,
                               "401": _ERRORS, "403": _ERRORS, "404": _ERRORS, "409": _ERRORS}},
    },
    "/api/v1/dispatch/deliveries": {
        "get": {"operationId": "listExpeditionBook", "tags": ["dispatch"], "parameters": _PAGING,
                "summary": "One page of the caller's unit's expedition book, newest first.",
                "responses": {"200": _json("DeliveryPage", "The page."), "400": _ERRORS, "401": _ERRORS,
                              "403": _ERRORS}},
    },
    "/api/v1/documents/{document_id}/deliveries": {
        "get": {"operationId": "listDeliveries", "tags": ["dispatch"], "parameters": [_DOCUMENT_ID],
                "summary": "How a letter went out to its external addressees.",
                "responses": {"200": _json("DeliveryList", "The lines."), "401": _ERRORS, "404": _ERRORS}},
        "post": {"operationId": "recordDelivery", "tags": ["dispatch"], "parameters": [_DOCUMENT_ID],
                 "summary": "Record a later delivery to one external addressee of a sent letter (an e-mail that was "
                            "refused went by courier).",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "required": ["recipient_id", "method"],
                     "properties": {"recipient_id": _ID, **_DELIVERY_INPUT}}}}},
                 "responses": {"201": _json("Delivery", "The line."), "400": _ERRORS, "401": _ERRORS,
                               "403": _ERRORS, "404": _ERRORS}},
    },
})


def _page_of(schema: str) -> dict[str, Any]:
    return {"type": "object", "required": ["results", "total", "page", "per_page"], "properties": {
        "results": {"type": "array", "items": {"$ref": f"#/components/schemas/{schema}"}},
        "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"}}}


_INSTRUCTION = {"type": "object", "required": ["id", "text"],
                "properties": {"id": {"type": "integer"}, "text": {"type": "string"}}}
_LETTER_PROPERTIES = {
    "id": {"type": "integer"}, "agenda_number": {"type": "integer"}, "agenda_year": {"type": "integer"},
    "agenda": {"type": "string", "description": "Agenda number as written: 12/2026."},
    "unit": {"type": "string"}, "sender": {"type": "string"}, "sender_person": {"type": "string"},
    "sender_number": {"type": "string"}, "sender_date": _DATE, "received_on": _DATE, "subject": {"type": "string"},
    "doc_type": {"type": "string"}, "classification_code": {"type": "string"}, "security_class": {"type": "string"},
    "urgency": {"type": "string"},
    "state": {"type": "string", "enum": ["registered", "in_progress", "done", "forwarded"]},
    "forwarded_to_id": {"type": ["integer", "null"], "description": "Forwarded: the entry in the right unit's book."},
    "addressees": {"type": "array", "items": {"type": "object", "properties": {
        "position_id": {"type": "integer"}, "title": {"type": "string"},
        "read_at": {**_NULLABLE_TIME, "description": "When someone at the desk first opened the letter (page or API)."}}}},
    "registered_by": {"type": "string"}, "created_at": _TIME,
    "document_id": {"type": "integer", "description": "The letter's file as a document (state received)."},
    "content_url": {"type": "string"},
    "permissions": {"type": "array", "items": {"type": "string", "enum": ["read", "dispose", "reply", "forward"]}},
}

SPEC["components"]["schemas"].update({
    "DispositionState": {"type": "string", "enum": ["unread", "read", "followed_up", "done", "cancelled"]},
    "DispositionInstruction": _INSTRUCTION,
    "DispositionInstructionList": {"type": "object", "required": ["results"], "properties": {
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/DispositionInstruction"}}}},
    "IncomingLetter": {"type": "object", "required": ["id", "agenda_number", "state"],
                       "properties": _LETTER_PROPERTIES},
    "IncomingLetterWithTree": {"type": "object", "required": ["id", "agenda_number", "state", "dispositions"],
                               "properties": {**_LETTER_PROPERTIES, "dispositions": {
                                   "type": "array", "items": {"$ref": "#/components/schemas/Disposition"}}}},
    "IncomingLetterPage": {**_page_of("IncomingLetter"), "properties": {
        **_page_of("IncomingLetter")["properties"],
        "total": {"type": "integer", "description": "At most 10,000: a larger book says total_capped."},
        "total_capped": {"type": "boolean", "description": "There are more than total (shown as \"10,000+\")."}}},
    "Disposition": {"type": "object", "required": ["id", "letter_id", "state"], "properties": {
        "id": {"type": "integer"}, "letter_id": {"type": "integer"}, "parent_id": {"type": ["integer", "null"]},
        "from_position_id": {"type": "integer"}, "from_position": {"type": "string"},
        "issued_via": {"type": "string", "enum": ["holder", "plt", "plh"]},
        "to_position_id": {"type": "integer"}, "to_position": {"type": "string"},
        "instructions": {"type": "array", "items": {"$ref": "#/components/schemas/DispositionInstruction"}},
        "note": {"type": "string"}, "due_on": _NULLABLE_DATE, "priority": {"type": "string"},
        "state": {"$ref": "#/components/schemas/DispositionState"}, "revision": {"type": "integer"},
        "created_at": _TIME, "read_at": _NULLABLE_TIME, "followed_up_at": _NULLABLE_TIME,
        "follow_up_note": {"type": "string"}, "done_at": _NULLABLE_TIME, "cancelled_at": _NULLABLE_TIME,
        "attachments": {"type": "array", "items": {"$ref": "#/components/schemas/FollowUpFile"}},
        "actions": {"type": "array", "items": {"type": "string"},
                    "description": "What the caller may do to the node now."}}},
    "DispositionPage": _page_of("Disposition"),
    "InternalLetterList": {"type": "object", "required": ["results"], "properties": {"results": {
        "type": "array", "items": {"type": "object", "properties": {
            "document_id": {"type": "integer"}, "number": {"type": ["string", "null"]}, "title": {"type": "string"},
            "unit": {"type": "string"}, "signed_at": _NULLABLE_TIME}}}}},
    "FollowUpFile": {"type": "object", "required": ["id", "content_url"], "properties": {
        "id": {"type": "integer"}, "filename": {"type": "string"}, "mime_type": {"type": "string"},
        "size": {"type": "integer"}, "sha256": {"type": "string"}, "content_url": {"type": "string"}}},
    "Reply": {"type": "object", "required": ["id", "letter_id", "document_id"], "properties": {
        "id": {"type": "integer"}, "letter_id": {"type": "integer"}, "disposition_id": {"type": ["integer", "null"]},
        "document_id": {"type": "integer"}, "title": {"type": "string"}, "state": {"type": "string"},
        "number": {"type": ["string", "null"]},
        "recorded_at": {**_NULLABLE_TIME, "description": "When its signature was recorded as the follow-up."},
        "document_url": {"type": "string"}}},
    "ReplyList": {"type": "object", "required": ["results"], "properties": {
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Reply"}}}},
    "ForwardedLetter": {"type": "object", "required": ["id", "agenda_number", "state", "forwarded_from"],
                        "properties": {**_LETTER_PROPERTIES,
                                       "forwarded_from": {"$ref": "#/components/schemas/IncomingLetter"}}},
    "Delivery": {"type": "object", "required": ["id", "document_id", "method", "status"], "properties": {
        "id": {"type": "integer"}, "document_id": {"type": "integer"}, "recipient_id": {"type": ["integer", "null"]},
        "addressee": {"type": "string"},
        "method": {"type": "string", "enum": ["email", "courier", "portal", "hand"]},
        "address": {"type": "string"}, "delivered_on": _NULLABLE_DATE, "receiver": {"type": "string"},
        "reference": {"type": "string"},
        "status": {"type": "string", "enum": ["queued", "sent", "failed", "delivered"]},
        "detail": {"type": "string"}, "created_at": _TIME, "sent_at": _NULLABLE_TIME}},
    "DeliveryList": {"type": "object", "required": ["results"], "properties": {
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Delivery"}}}},
    "DeliveryPage": _page_of("Delivery"),
    "DispatchResults": {"type": "object", "required": ["results"], "properties": {"results": {
        "type": "array", "items": {"type": "object", "properties": {
            "document_id": {"type": "integer"}, "state": {"type": "string"}, "number": {"type": ["string", "null"]},
            "deliveries": {"type": "array", "items": {"$ref": "#/components/schemas/Delivery"}}}}}}},
    "DispositionsGiven": {"type": "object", "required": ["letter_id", "dispositions"], "properties": {
        "letter_id": {"type": "integer"}, "letter_state": {"type": "string"},
        "parent": {"$ref": "#/components/schemas/Disposition"},
        "dispositions": {"type": "array", "items": {"$ref": "#/components/schemas/Disposition"}}}},
})



# The paperless report (docflow/reports): figures per unit and for the city, from the audit trail.
_NULLABLE_HOURS = {"type": ["number", "null"]}
_TREND_ITEM = {"type": "object", "required": ["previous", "change"], "properties": {
    "previous": _NULLABLE_HOURS, "change": {"type": ["number", "null"], "description": "This period minus the one before."}}}
SPEC["paths"]["/api/v1/reports/paperless"] = {
    "get": {
        "operationId": "paperlessReport",
        "summary": "The paperless report of a period: letters signed and sent, pages not printed, time to signature, "
                   "returns, overdue letters and signing readiness, per unit and for the whole city.",
        "description": "For the city's leadership (role `leadership`): every unit. For a unit head (the holder, Plt. "
                       "or Plh. of a unit's top desk): her unit's row; both see the city's totals. Others get 403. "
                       "Days are the city's (workflow.timezone). This year's months, quarters and the year (and "
                       "the periods just before them) are counted ahead by the worker every reports.refresh_seconds; "
                       "other periods when asked, kept up to reports.cache_seconds: `computed_at` says when the "
                       "figures were counted. Overdue letters and certificates are counted at that moment, the rest "
                       "within the period.",
        "parameters": [
            _query("from", {"type": "string", "format": "date"}, "First day (default: the month's first)."),
            _query("to", {"type": "string", "format": "date"}, "Last day, included (default: the month's last)."),
            _query("unit", {"type": "string", "maxLength": 40}, "Only this unit's row (its code)."),
            _query("format", {"type": "string", "enum": ["json", "csv"], "default": "json"},
                   "csv: the same figures, a row per unit and the city's (unit TOTAL) last."),
        ],
        "responses": {
            "200": {"description": "The report.", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/PaperlessReport"}},
                "text/csv": {"schema": {"type": "string"}}}},
            "400": _ERRORS, "401": _ERRORS, "403": _ERRORS,
        },
    },
}
SPEC["components"]["schemas"].update({
    "PaperlessFigures": {"type": "object", "required": [
        "unit", "letters_signed", "letters_sent", "pages_not_printed", "submit_to_sign_hours", "returns",
        "overdue_now", "signers", "signers_with_certificate"], "properties": {
        "unit": {"type": "string", "description": "The unit's code; empty for the city."},
        "unit_name": {"type": "string"},
        "letters_created": {"type": "integer"},
        "letters_signed": {"type": "integer", "description": "Letters signed in the period."},
        "letters_sent": {"type": "integer", "description": "Letters marked as sent in the period."},
        "pages_not_printed": {"type": "integer", "description": "For each letter sent in the period: the pages of "
                              "its signed PDF times its addressees plus tembusan (at least one copy)."},
        "letters_without_page_count": {"type": "integer",
                                       "description": "Sent letters whose page count is not read yet."},
        "reams_not_printed": {"type": "number", "description": "pages_not_printed / 500."},
        "paper_cost_saved": {"type": ["number", "null"], "description": "Rupiah: reams times the setting "
                             "reports.cost_per_ream; null when that setting is 0."},
        "submit_to_sign_hours": {"type": "object", "required": ["median", "p90"], "description":
                                 "Hours from each signed letter's first submission to its signature.",
                                 "properties": {"median": _NULLABLE_HOURS, "p90": _NULLABLE_HOURS}},
        "verify_hold_hours": {"type": "object", "required": ["median", "p90"], "description":
                              "Hours a verifier held a letter (from the submission or paraf that brought it to "
                              "her desk to her paraf or return), for each such act in the period.",
                              "properties": {"median": _NULLABLE_HOURS, "p90": _NULLABLE_HOURS}},
        "sign_hold_hours": {"type": "object", "required": ["median", "p90"], "description":
                            "Hours the signer held a letter before signing or returning it.",
                            "properties": {"median": _NULLABLE_HOURS, "p90": _NULLABLE_HOURS}},
        "returns": {"type": "integer", "description": "Returns for revision in the period."},
        "returns_per_letter": _NULLABLE_HOURS,
        "overdue_now": {"type": "integer", "description": "Letters whose current step is past its due time now."},
        "overdue_longest_hours": _NULLABLE_HOURS,
        "signers": {"type": "integer", "description": "Officials holding a desk whose eselon signs some type."},
        "signers_with_certificate": {"type": "integer", "description": "... of them with a valid certificate."},
        "signers_who_signed": {"type": "integer", "description": "... of them who signed in the period."},
        "incoming_registered": {"type": "integer", "description": "Incoming letters registered in the unit's book "
                                "in the period."},
        "disposisi_issued": {"type": "integer", "description": "Disposisi nodes given in the period about the "
                             "unit's incoming letters."},
        "disposisi_followed_up": {"type": "integer", "description": "... whose follow-up was reported in the "
                                  "period."},
        "incoming_with_disposisi": {"type": "integer", "description": "Of the letters registered in the period, "
                                    "those with a disposisi given in Docflow (not on paper)."},
        "incoming_paperless_share": {"type": ["number", "null"], "description": "incoming_with_disposisi / "
                                     "incoming_registered (4 decimals); null when none was registered."},
        "trend": {"oneOf": [{"type": "null"}, {"type": "object", "additionalProperties": _TREND_ITEM}],
                  "description": "Units only: main figures in the period of the same length just before, and "
                                 "the change."}}},
    "PaperlessReport": {"type": "object", "required": ["from", "to", "timezone", "computed_at", "units", "total"],
                        "properties": {
        "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"},
        "timezone": {"type": "string"}, "computed_at": _TIME,
        "units": {"type": "array", "items": {"$ref": "#/components/schemas/PaperlessFigures"}},
        "total": {"$ref": "#/components/schemas/PaperlessFigures"},
        "previous_total": {"oneOf": [{"$ref": "#/components/schemas/PaperlessFigures"}, {"type": "null"}],
                           "description": "The city in the period of the same length just before."},
        "incoming_available": {"type": "boolean"}}},
})

# The archive's life (docflow/retention): retention of letters, the archives unit's lists, holds and batches.
_BATCH_ID = {"name": "batch_id", "in": "path", "required": True, "schema": _ID}
_HOLD_ID = {"name": "hold_id", "in": "path", "required": True, "schema": _ID}
_REASON_BODY = {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["reason"], "properties": {
        "reason": {"type": "string", "maxLength": 4000, "description": "Why (required)."}}}}}}
_FATE = {"type": "string", "enum": ["destroy", "permanent", "review"],
         "description": "The JRA's final fate: destroy (musnah), permanent (permanen), review (dinilai kembali)."}
_RETENTION_STATUS = {"type": "string", "enum": ["not_filed", "active", "due_for_transfer", "inactive",
                                                "due_for_decision", "destroyed", "handed_over"]}
_CUSTODY = {"type": "string", "enum": ["unit", "records_centre", "destroyed", "handed_over"]}
_BATCH_RESPONSES = {"400": _ERRORS, "401": _ERRORS, "403": _ERRORS, "404": _ERRORS, "409": _ERRORS}
SPEC["paths"].update({
    "/api/v1/retention/due": {"get": {
        "operationId": "retentionDue",
        "summary": "The archives unit's lists: letters due for transfer to inactive, due for a decision on their "
                   "final fate, or on legal hold (archivists and administrators).",
        "description": "Dates follow the classification's JRA rule, counted as the city's setting "
                       "retention.count_from says (by default from 1 January after the letter was filed), on the "
                       "city's day. A letter already on an open batch of the same kind is left out. Titles are "
                       "null for letters the caller may not read.",
        "parameters": [_query("list", {"type": "string", "enum": ["transfer", "decision", "hold"],
                                       "default": "transfer"}, "Which list."),
                       _query("unit", {"type": "string", "maxLength": 40}, "Only this unit's letters (its code)."),
                       _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
                              "Page number."),
                       _query("per_page", {"type": "integer", "minimum": 1, "maximum": 100, "default": 50},
                              "Results per page.")],
        "responses": {"200": _json("RetentionDuePage", "One page of the list."), "400": _ERRORS, "401": _ERRORS,
                      "403": _ERRORS}}},
    "/api/v1/retention/batches": {
        "get": {"operationId": "listRetentionBatches",
                "summary": "List transfer and destruction batches, newest first (archivists and administrators).",
                "parameters": [_query("kind", {"type": "string", "enum": ["transfer", "destruction", "handover"]},
                                      "Only this kind."),
                               _query("state", {"type": "string", "enum": ["proposed", "reviewed", "awaiting_signature",
                                                                          "done", "rejected", "cancelled"]},
                                      "Only batches in this state."), *_PAGING],
                "responses": {"200": _json("RetentionBatchPage", "One page of batches."), "400": _ERRORS,
                              "401": _ERRORS, "403": _ERRORS}},
        "post": {"operationId": "proposeRetentionBatch",
                 "summary": "Propose a transfer (pemindahan) of one unit's letters due for it, or the destruction "
                            "(pemusnahan) of letters due for a decision whose final fate is destroy and that are not "
                            "on legal hold, or the hand-over (penyerahan) to the regional archives of letters due "
                            "for a decision whose final fate is permanent (archivists).",
                 "description": "A transfer is then approved by the head of the letters' unit; a destruction is "
                                "reviewed by the panitia penilai (retention.appraisal_panel, or another archivist), "
                                "who may take letters off the list, then approved by an official of the eselon "
                                "retention.destruction_approvers requires for the longest retention on the list. "
                                "Approval drafts the berita acara as a letter of the proposer, routed through "
                                "Docflow's route; the batch is carried out only when it is signed. Nothing is "
                                "deleted before. A hand-over is approved by the same official as a destruction "
                                "would be; once its berita acara penyerahan is signed the letters are kept by the "
                                "regional archives (still readable here) and the worker writes their export "
                                "package with the signed berita acara inside (GET .../package).",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "required": ["kind", "document_ids"], "properties": {
                         "kind": {"type": "string", "enum": ["transfer", "destruction", "handover"]},
                         "document_ids": {"type": "array", "items": _ID, "minItems": 1, "maxItems": 500},
                         "note": {"type": "string", "maxLength": 4000}}}}}},
                 "responses": {"201": _json("RetentionBatch", "The proposed batch."), **_BATCH_RESPONSES}},
    },
    "/api/v1/retention/batches/{batch_id}": {"get": {
        "operationId": "getRetentionBatch", "summary": "Show a batch, its list and the decisions the caller may take.",
        "parameters": [_BATCH_ID],
        "responses": {"200": _json("RetentionBatch", "The batch."), "401": _ERRORS, "404": _ERRORS}}},
    "/api/v1/retention/batches/{batch_id}/{action}": {"post": {
        "operationId": "decideRetentionBatch",
        "summary": "Decide on a batch: review (the panitia penilai, optionally taking letters off the list with a "
                   "reason each), approve (the unit head for a transfer, the authorised official for a "
                   "destruction), reject (with a reason) or cancel (the archives unit, while proposed).",
        "parameters": [_BATCH_ID, {"name": "action", "in": "path", "required": True, "schema": {
            "type": "string", "enum": ["review", "approve", "reject", "cancel"]}}],
        "requestBody": {"required": False, "content": {"application/json": {"schema": {
            "type": "object", "properties": {
                "reason": {"type": "string", "maxLength": 4000, "description": "Required to reject."},
                "revision": {"type": "integer", "description": "The revision you saw; a stale one gets 409."},
                "remove": {"type": "array", "items": {"type": "object", "required": ["document_id", "reason"],
                                                      "properties": {"document_id": _ID,
                                                                     "reason": {"type": "string", "maxLength": 4000}}},
                           "description": "review only: letters taken off the list, each with why."}}}}}},
        "responses": {"200": _json("RetentionBatch", "The batch after the decision."), **_BATCH_RESPONSES}}},
    "/api/v1/documents/{document_id}/holds": {"post": {
        "operationId": "placeLegalHold",
        "summary": "Put a letter on legal hold (archivists and administrators): it is never destroyed while the "
                   "hold stands.",
        "parameters": [_DOCUMENT_ID], "requestBody": _REASON_BODY,
        "responses": {"201": _json("LegalHold", "The hold."), **_BATCH_RESPONSES}}},
    "/api/v1/retention/holds/{hold_id}/lift": {"post": {
        "operationId": "liftLegalHold",
        "summary": "Lift a legal hold, saying why; never by the person who placed it.",
        "parameters": [_HOLD_ID], "requestBody": _REASON_BODY,
        "responses": {"200": _json("LegalHold", "The lifted hold."), **_BATCH_RESPONSES}}},
})
_LEGAL_HOLD = {"type": "object", "required": ["id", "document_id", "reason", "placed_by", "placed_at"], "properties": {
    "id": {"type": "integer"}, "document_id": {"type": "integer"}, "reason": {"type": "string"},
    "placed_by": {"type": "string"}, "placed_at": _TIME, "lifted_by": {"type": ["string", "null"]},
    "lifted_at": _NULLABLE_TIME, "lift_reason": {"type": "string"}}}
_BATCH = {"type": "object", "required": ["id", "kind", "state", "items", "actions"], "properties": {
    "id": {"type": "integer"}, "kind": {"type": "string", "enum": ["transfer", "destruction", "handover"]},
    "state": {"type": "string", "enum": ["proposed", "reviewed", "awaiting_signature", "done", "rejected",
                                         "cancelled"]},
    "revision": {"type": "integer"}, "unit": {"type": ["string", "null"]}, "note": {"type": "string"},
    "proposed_by": {"type": "string"}, "proposed_at": _TIME, "reviewed_by": {"type": ["string", "null"]},
    "reviewed_at": _NULLABLE_TIME, "decided_by": {"type": ["string", "null"]}, "decided_at": _NULLABLE_TIME,
    "decision_note": {"type": "string"},
    "berita_acara_id": {"type": ["integer", "null"], "description": "The berita acara, a letter (documents API)."},
    "berita_acara_url": {"type": ["string", "null"]}, "done_at": _NULLABLE_TIME,
    "package": {"type": ["object", "null"], "description": "A hand-over's stored export package, once written.",
                "properties": {"url": {"type": "string"}, "sha256": {"type": "string"}, "size": {"type": "integer"},
                               "written_at": _TIME}},
    "items": {"type": "array", "items": {"type": "object", "properties": {
        "document_id": {"type": "integer"}, "number": {"type": ["string", "null"]},
        "title": {"type": ["string", "null"]}, "removed": {"type": "boolean"}, "removed_reason": {"type": "string"}}}},
    "actions": {"type": "array", "items": {"type": "string"}, "description": "What the caller may decide now."}}}
SPEC["components"]["schemas"].update({
    "Retention": {"type": "object", "required": ["active_until", "inactive_until", "final_fate", "status"],
                  "description": "The letter's retention (JRA) on the city's day.", "properties": {
        "active_until": {**_NULLABLE_DATE, "description": "Last day active in its unit (null until filed)."},
        "inactive_until": {**_NULLABLE_DATE, "description": "Last day inactive in the records centre."},
        "final_fate": _FATE, "final_fate_name": {"type": "string", "enum": ["musnah", "permanen", "dinilai kembali"]},
        "status": _RETENTION_STATUS, "counted_from": _NULLABLE_DATE,
        "classification_code": {"type": "string"}, "classification_name": {"type": "string"},
        "active_years": {"type": "integer"}, "inactive_years": {"type": "integer"},
        "custody": _CUSTODY, "legal_hold": {"type": "boolean"}}},
    "LegalHold": _LEGAL_HOLD,
    "RetentionBatch": _BATCH,
    "RetentionBatchPage": _page_of("RetentionBatch"),
    "RetentionDuePage": {"type": "object", "required": ["list", "results", "total", "page", "per_page"], "properties": {
        "list": {"type": "string"}, "total": {"type": "integer"}, "page": {"type": "integer"},
        "per_page": {"type": "integer"}, "results": {"type": "array", "items": {"type": "object", "properties": {
            "document_id": {"type": "integer"}, "number": {"type": ["string", "null"]},
            "title": {"type": ["string", "null"]}, "unit": {"type": "string"},
            "classification_code": {"type": "string"}, "custody": _CUSTODY,
            "active_until": _NULLABLE_DATE, "inactive_until": _NULLABLE_DATE, "final_fate": _FATE,
            "status": _RETENTION_STATUS, "legal_hold": {"type": "boolean"},
            "hold": {"oneOf": [_LEGAL_HOLD, {"type": "null"}]}}}}}},
})


# Intake without typing: the clerk's "to register" list ------------------------------------------------

_PENDING_ID = {"name": "pending_id", "in": "path", "required": True, "schema": _ID}
_PENDING_STATES = ["pending", "failed", "registered", "discarded"]

SPEC["paths"].update({
    "/api/v1/pending-registrations": {
        "get": {"operationId": "listPendingRegistrations", "tags": ["incoming"],
                "summary": "One page of the letters that arrived in the caller's unit's mailbox or scanner folder "
                           "(records clerks), oldest first: by default those waiting (pending) and those that could "
                           "not be read (failed, with the reason).",
                "parameters": [*_PAGING, _query("state", {"type": "string", "enum": _PENDING_STATES},
                                                "Only intakes in this state.")],
                "responses": {"200": _json("PendingRegistrationPage", "The page."), "400": _ERRORS,
                              "401": _ERRORS, "403": _ERRORS}},
    },
    "/api/v1/pending-registrations/{pending_id}": {
        "get": {"operationId": "getPendingRegistration", "tags": ["incoming"], "parameters": [_PENDING_ID],
                "summary": "Show one intake of the caller's unit.",
                "responses": {"200": _json("PendingRegistration", "The intake."), "401": _ERRORS, "403": _ERRORS,
                              "404": _ERRORS}},
    },
    "/api/v1/pending-registrations/{pending_id}/file": {
        "get": {"operationId": "getPendingRegistrationFile", "tags": ["incoming"], "parameters": [_PENDING_ID],
                "summary": "Download the file an intake would register (records clerks of its unit).",
                "responses": {"200": _bytes("The stored bytes, as an attachment, checked against their SHA-256."),
                              "401": _ERRORS, "403": _ERRORS, "404": _ERRORS}},
    },
    "/api/v1/pending-registrations/{pending_id}/original": {
        "get": {"operationId": "getPendingRegistrationOriginal", "tags": ["incoming"], "parameters": [_PENDING_ID],
                "summary": "Download what arrived as it arrived: the whole e-mail (.eml) or the scanner's file.",
                "responses": {"200": _bytes("The stored bytes, as an attachment, checked against their SHA-256."),
                              "401": _ERRORS, "403": _ERRORS, "404": _ERRORS}},
    },
    "/api/v1/pending-registrations/{pending_id}/register": {
        "post": {"operationId": "registerPendingRegistration", "tags": ["incoming"], "parameters": [_PENDING_ID],
                 "summary": "Complete an intake into an incoming letter through the usual registration (agenda "
                            "number, duplicate check, OCR): the prefilled fields, overridden by those given. A "
                            "failed intake cannot be registered (400); one already decided answers 409.",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "required": ["sender_number", "sender_date", "addressees"],
                     "properties": {
                         "sender": {"type": "string", "maxLength": 300},
                         "sender_person": {"type": "string", "maxLength": 200},
                         "sender_number": {"type": "string", "maxLength": 120}, "sender_date": _DATE,
                         "received_on": _DATE, "subject": {"type": "string", "maxLength": 500},
                         "doc_type": {"type": "string"}, "classification_code": {"type": "string"},
                         "security_class": {"type": "string",
                                            "enum": ["biasa", "terbatas", "rahasia", "sangat_rahasia"]},
                         "urgency": {"type": "string", "enum": ["biasa", "segera", "amat_segera"]},
                         "addressees": _IDS, "confirm_duplicate": {"type": "boolean"}}}}}},
                 "responses": {"201": _json("IncomingLetter", "The registered letter."), "400": _ERRORS,
                               "401": _ERRORS, "403": _ERRORS, "404": _ERRORS, "409": _ERRORS, "413": _ERRORS,
                               "415": _ERRORS, "503": _ERRORS}},
    },
    "/api/v1/pending-registrations/{pending_id}/discard": {
        "post": {"operationId": "discardPendingRegistration", "tags": ["incoming"], "parameters": [_PENDING_ID],
                 "summary": "Discard an intake, saying why (audited).",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "required": ["reason"],
                     "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": 1000}}}}}},
                 "responses": {"200": _json("PendingRegistration", "The discarded intake."), "400": _ERRORS,
                               "401": _ERRORS, "403": _ERRORS, "404": _ERRORS, "409": _ERRORS}},
    },
})
SPEC["components"]["schemas"].update({
    "PendingRegistration": {"type": "object", "required": ["id", "state", "channel", "prefilled"], "properties": {
        "id": {"type": "integer"}, "unit_id": {"type": "integer"},
        "channel": {"type": "string", "enum": ["mail", "folder"]},
        "state": {"type": "string", "enum": _PENDING_STATES},
        "sender": {"type": "string"}, "sender_address": {"type": "string"}, "subject": {"type": "string"},
        "received_at": _TIME, "filename": {"type": "string"}, "mime_type": {"type": "string"},
        "size": {"type": ["integer", "null"]},
        "reason": {"type": ["string", "null"], "description": "Why it could not be read (failed)."},
        "letter_id": {"type": ["integer", "null"]}, "discard_reason": {"type": ["string", "null"]},
        "file_url": {"type": ["string", "null"], "description": "The file it would register (none if unreadable)."},
        "original_url": {"type": ["string", "null"], "description": "What arrived, as it arrived (.eml or file)."},
        "prefilled": {"type": "object", "properties": {
            "sender": {"type": "string"}, "subject": {"type": "string"}, "received_on": {"type": "string"}}}}},
    "PendingRegistrationPage": _page_of("PendingRegistration"),
})


# Drafting (docflow/drafting): letter templates per document type and unit, and drafts started from them.
SPEC["paths"]["/api/v1/templates"] = {
    "get": {
        "operationId": "listTemplates",
        "summary": "List the active letter templates (DOCX with fields such as ${nomor}, ${ttd}), by document type.",
        "parameters": [_query("document_type", {"type": "string"}, "Only templates of this type."),
                       _query("unit_id", _ID, "Only the city's templates and this unit's.")],
        "responses": {"200": _json("TemplateList", "The templates."), "400": _ERRORS, "401": _ERRORS},
    },
}
SPEC["paths"]["/api/v1/documents/from-template"] = {
    "post": {
        "operationId": "createDocumentFromTemplate",
        "summary": "Start a draft from a template: its header fields and body are filled now; the number, the date "
                   "and the signature block (with the QR code) when it is signed.",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["template", "title"],
            "properties": {
                "template": {**_ID, "description": "A template's id (GET /api/v1/templates)."},
                "title": {"type": "string", "maxLength": 500, "description": "Hal (subject)."},
                "body": {"type": "string", "maxLength": 100000,
                         "description": "The body: one paragraph a line, blank lines ignored."},
                "position_id": {**_ID, "description": "The drafter's desk, when the drafter holds several."},
                "classification_code": {"type": "string", "default": "000", "pattern": r"^\d{3}(\.\d{1,3})*$"},
                "security_class": {"$ref": "#/components/schemas/SecurityClass"},
                "urgency": {"$ref": "#/components/schemas/Urgency"},
                "deadline": _DEADLINE,
                "lampiran": {"type": "string", "maxLength": 300, "description": "Lampiran (enclosures); default -."},
                "tempat": {"type": "string", "maxLength": 300,
                           "description": "Where the letter is written (default: the city, from the unit tree)."},
                "tempat_tujuan": {"type": "string", "maxLength": 300,
                                  "description": "The addressee's place (di ...); default Tempat."},
                "recipients": {"type": "array", "maxItems": 100,
                               "items": {"$ref": "#/components/schemas/RecipientSpec"},
                               "description": "Yth. (kind to) and Tembusan (kind cc), filled into the header."},
            }}}}},
        "responses": {"201": _json("Document", "The new draft (a DOCX version)."), "400": _ERRORS, "401": _ERRORS,
                      "403": _ERRORS, "404": _ERRORS, "409": _ERRORS, "503": _ERRORS, "507": _ERRORS},
    },
}
SPEC["components"]["schemas"].update({
    "Template": {"type": "object", "required": ["id", "document_type", "unit", "name"], "properties": {
        "id": {"type": "integer"}, "document_type": {"type": "string"},
        "unit": {"type": ["string", "null"], "description": "The unit's code; null for the whole city."},
        "name": {"type": "string"}, "builtin": {"type": "boolean", "description": "A default shipped with Docflow."},
        "active": {"type": "boolean"}}},
    "TemplateList": {"type": "object", "required": ["results"], "properties": {
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Template"}}}},
})


# Export packages (docflow/export): a ZIP of a BagIt bag, streamed; `python -m docflow verify-package` checks it.
_PACKAGE = {"description": "A ZIP holding one BagIt bag (RFC 8493): per letter every version's file, metadata.json, "
                           "ringkasan.txt (an Indonesian summary), audit.json (its audit records with their hashes) and "
                           "signature-report.json; the CA certificates and CRLs under data/trust/; SHA-256 manifests. "
                           "Streamed: X-Package-Documents and X-Package-Estimated-Bytes tell the size ahead.",
            "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}
SPEC["paths"]["/api/v1/documents/{document_id}/package"] = {
    "get": {
        "operationId": "getDocumentPackage",
        "summary": "Download one letter's export package (a ZIP of a BagIt bag).",
        "parameters": [_DOCUMENT_ID],
        "responses": {"200": _PACKAGE, "401": _ERRORS, "404": _ERRORS, "503": _ERRORS},
    },
}
SPEC["paths"]["/api/v1/packages"] = {
    "post": {
        "operationId": "createPackage",
        "summary": "Download the export package of a selection of letters or of a search result.",
        "description": "Send either `ids` (every one must be a letter you may read, else 404 naming it) or `search` "
                       "(the parameters of GET /search; the letters matching the whole query that you may read, "
                       "at most 10,000).",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "properties": {
                "ids": {"type": "array", "minItems": 1, "maxItems": 10000, "items": _ID},
                "search": {"type": "object", "additionalProperties": {"type": "string"},
                           "properties": {"q": {"type": "string", "maxLength": 500}}}}}}}},
        "responses": {"200": _PACKAGE, "400": _ERRORS, "401": _ERRORS, "404": _ERRORS, "503": _ERRORS},
    },
}
SPEC["paths"]["/api/v1/retention/batches/{batch_id}/package"] = {
    "get": {
        "operationId": "getHandoverPackage",
        "summary": "Download a carried-out hand-over's export package: its letters and the signed berita acara "
                   "penyerahan in one BagIt bag, as stored when the berita acara was signed (audited).",
        "parameters": [_BATCH_ID],
        "responses": {"200": {"description": "A ZIP holding one BagIt bag, as for a letter's package; bag-info.txt "
                                             "names the batch and its berita acara.",
                              "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}},
                      "401": _ERRORS, "404": _ERRORS, "503": _ERRORS},
    },
}


@bp.get("/openapi.json")
def openapi():
    """Serve the OpenAPI description."""
    return jsonify(SPEC)
