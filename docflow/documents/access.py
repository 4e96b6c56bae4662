"""Who may do what to a document: one rule, used by pages, the API and the search filter."""
from __future__ import annotations

import enum
from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, exists, false, or_, select

from docflow.auth.models import Role, User
from docflow.documents.models import (
    Document,
    DocumentDeskGrant,
    DocumentGrant,
    DocumentRecipient,
    DocumentState,
    SecurityClass,
)

_OPEN_CLASSES = (SecurityClass.BIASA, SecurityClass.TERBATAS)
_OFFICIAL_ROLES = (Role.VERIFIER, Role.SIGNER)
EDITABLE_STATES = (DocumentState.DRAFT, DocumentState.RETURNED)
# From sending on, the letter's internal recipients (their desks) read it.
DELIVERED_STATES = (DocumentState.SENT, DocumentState.FILED)


class Permission(enum.StrEnum):
    READ = "read"
    ADD_VERSION = "add_version"


def reader_principals(document: Document) -> tuple[str, ...]:
    """Return the principal tokens that may read the document (stored in the search index).

    Biasa letters are open to their unit; Terbatas ones to the unit's officials (verifiers and
    signers); Rahasia and Sangat Rahasia only to the author and people explicitly granted. The
    desks on the letter's route (and whoever acts for them) read it whatever its class, and so do the
    desks it is addressed or copied to once it is sent, and desks granted it (an incoming letter's
    addressees and disposisi). The
    archives unit reads Biasa and Terbatas everywhere; administrators read Biasa everywhere.
    """
    tokens = {f"user:{document.author_id}"}
    tokens.update(f"pos:{step.position_id}" for step in document.steps)
    if document.author_position_id is not None:
        tokens.add(f"pos:{document.author_position_id}")
    tokens.update(f"user:{grant.user_id}" for grant in document.grants)
    tokens.update(f"pos:{grant.position_id}" for grant in document.desk_grants)
    if document.state in DELIVERED_STATES:
        tokens.update(f"pos:{r.position_id}" for r in document.recipients if r.position_id is not None)
    if document.security_class == SecurityClass.BIASA:
        tokens.update({f"unit:{document.unit_id}", f"role:{Role.ARCHIVIST}", f"role:{Role.ADMIN}"})
    elif document.security_class == SecurityClass.TERBATAS:
        tokens.update({f"unit:{document.unit_id}:official", f"role:{Role.ARCHIVIST}"})
    return tuple(sorted(tokens))


def user_principals(user: User, positions: Iterable[int] = ()) -> tuple[str, ...]:
    """Return the principal tokens a user holds (with the desks they hold or act for today)."""
    tokens = {f"user:{user.id}"}
    tokens.update(f"pos:{p}" for p in positions)
    tokens.update(f"role:{role}" for role in user.roles)
    if user.unit_id is not None:
        tokens.add(f"unit:{user.unit_id}")
        if user.roles & set(_OFFICIAL_ROLES):
            tokens.add(f"unit:{user.unit_id}:official")
    return tuple(sorted(tokens))


def can_read(user: User, document: Document, positions: Iterable[int] = ()) -> bool:
    """Tell whether the user may read the document."""
    return user.is_active and bool(set(user_principals(user, positions)) & set(reader_principals(document)))


def is_drafter(user: User, document: Document, positions: Iterable[int] = ()) -> bool:
    """Tell whether the user drafts the letter: holds (or acts for) its drafter's desk, or wrote it."""
    if document.author_position_id is not None:
        return document.author_position_id in set(positions)
    return document.author_id == user.id


def permissions(user: User, document: Document, positions: Iterable[int] = ()) -> frozenset[Permission]:
    """Return what the user may do to the document."""
    positions = frozenset(positions)
    if not can_read(user, document, positions):
        return frozenset()
    granted = {Permission.READ}
    if is_drafter(user, document, positions) and document.state in EDITABLE_STATES:
        granted.add(Permission.ADD_VERSION)
    return frozenset(granted)


def readable_clause(user: User, positions: Iterable[int] = ()) -> ColumnElement[bool]:
    """Return a SQL condition on Document equal to `can_read` (a test checks they agree)."""
    from docflow.workflow.models import RouteStep

    roles = user.roles
    positions = sorted(set(positions))
    clauses: list[ColumnElement[bool]] = [
        Document.author_id == user.id,
        exists(select(DocumentGrant.id).where(
            DocumentGrant.document_id == Document.id, DocumentGrant.user_id == user.id
        )),
    ]
    if positions:
        clauses.append(Document.author_position_id.in_(positions))
        clauses.append(exists(select(RouteStep.id).where(RouteStep.document_id == Document.id,
                                                         RouteStep.position_id.in_(positions))))
        clauses.append(exists(select(DocumentDeskGrant.id).where(
            DocumentDeskGrant.document_id == Document.id, DocumentDeskGrant.position_id.in_(positions))))
        clauses.append(and_(Document.state.in_(DELIVERED_STATES), exists(select(DocumentRecipient.id).where(
            DocumentRecipient.document_id == Document.id, DocumentRecipient.position_id.in_(positions)))))
    if Role.ARCHIVIST in roles:
        clauses.append(Document.security_class.in_(_OPEN_CLASSES))
    if Role.ADMIN in roles:
        clauses.append(Document.security_class == SecurityClass.BIASA)
    if user.unit_id is not None:
        clauses.append(and_(Document.unit_id == user.unit_id, Document.security_class == SecurityClass.BIASA))
        if roles & set(_OFFICIAL_ROLES):
            clauses.append(and_(Document.unit_id == user.unit_id,
                                Document.security_class == SecurityClass.TERBATAS))
    if not user.is_active:
        return false()
    return or_(*clauses)
