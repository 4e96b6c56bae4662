"""The Whoosh schema and the mapping from IndexedDocument to indexed fields."""
from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from typing import Any

from whoosh.fields import DATETIME, ID, KEYWORD, TEXT, Schema

from search_index import boilerplate
from search_index.analysis import (
    name_analyzer,
    number_analyzer,
    pair_analyzer,
    spell_analyzer,
    text_analyzer,
)
from search_index.errors import SearchIndexError
from search_index.models import IndexedDocument

# Bump whenever fields or analysis change: an index built under another version refuses
# writes (IndexOutdatedError) until it is rebuilt, instead of mixing two analyses.
SCHEMA_VERSION = 4

# Fields the default query searches, with their weights (BM25F field boosts).
QUERY_FIELDS = ("title", "number", "body", "author", "recipients")
FIELD_BOOSTS = {"title": 3.0, "number": 2.0, "body": 1.0, "author": 1.0, "recipients": 1.0}
FACET_FIELDS = ("doc_type", "unit", "state", "security_class", "year")
# Prose fields with a companion field of adjacent term pairs, for fast phrases.
PAIR_FIELDS = {"title": "title_pairs", "body": "body_pairs"}


def build_schema() -> Schema:
    """Return a fresh schema (analyzers are built once per schema, not shared between indexes)."""
    prose = text_analyzer()
    names = name_analyzer()
    return Schema(
        id=ID(unique=True, stored=True, sortable=True),
        title=TEXT(analyzer=prose, stored=True),
        body=TEXT(analyzer=prose, stored=True),
        number=TEXT(analyzer=number_analyzer(), stored=True),
        author=TEXT(analyzer=names),
        recipients=TEXT(analyzer=prose),
        # Unstemmed title words for autocomplete: a half-typed word is a prefix of the word
        # as written, not of its Sastrawi root.
        title_ac=TEXT(analyzer=names, phrase=False),
        title_pairs=TEXT(analyzer=pair_analyzer(), phrase=False),
        body_pairs=TEXT(analyzer=pair_analyzer(), phrase=False),
        # Words as written, once per document, for "did you mean" (existence only, unscored).
        spell=ID(analyzer=spell_analyzer()),
        doc_type=ID(stored=True),
        unit=ID(stored=True),
        state=ID(stored=True),
        security_class=ID,
        classification=ID,
        year=ID,
        created=DATETIME(stored=True, sortable=True),
        readers=KEYWORD(scorable=False, commas=False, lowercase=False),
        fingerprint=ID(sortable=True),
    )


def to_naive_utc(moment: datetime) -> datetime:
    """Return an aware datetime as naive UTC, the form Whoosh's DATETIME field can store."""
    if moment.tzinfo is None:
        raise SearchIndexError("datetimes given to the index must be timezone-aware")
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def document_fields(doc: IndexedDocument, local_tz: tzinfo) -> dict[str, Any]:
    """Return the Whoosh field values for one document."""
    for token in doc.readers:
        if not token or any(ch.isspace() for ch in token):
            raise SearchIndexError(f"reader token {token!r} of document {doc.id} is empty or has spaces")
    # The body without the electronic signature footer that signed letters share (see boilerplate).
    body = boilerplate.strip(doc.body)
    fields: dict[str, Any] = {
        "id": str(doc.id),
        "title": doc.title,
        "title_ac": doc.title,
        "title_pairs": doc.title,
        "body": body,
        "body_pairs": body,
        "spell": f"{doc.title}\n{body}",
        "author": doc.author,
        "recipients": doc.recipients,
        "doc_type": doc.doc_type,
        "unit": doc.unit,
        "state": doc.state,
        "security_class": doc.security_class,
        "classification": doc.classification,
        "year": str(doc.created.astimezone(local_tz).year),
        "created": to_naive_utc(doc.created),
        "readers": " ".join(doc.readers),
        "fingerprint": doc.fingerprint,
    }
    if doc.number:
        fields["number"] = doc.number
    # An empty code would be indexed as the empty term; leave the field out instead.
    return {name: value for name, value in fields.items() if value != "" or name not in _CODE_FIELDS}


_CODE_FIELDS = frozenset({"doc_type", "unit", "state", "security_class", "classification"})
