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
# Secrecy follows the person: on these letters rights are personal, not the desk's.
PERSONAL_CLASSES = (SecurityClass.RAHASIA, SecurityClass.SANGAT_RAHASIA)
_OFFICIAL_ROLES = (Role.VERIFIER, Role.SIGNER)
EDITABLE_STATES = (DocumentState.DRAFT, DocumentState.RETURNED)
# From sending on, the letter's internal recipients (their desks) read it.
DELIVERED_STATES = (DocumentState.SENT, DocumentState.FILED)
# A signed letter is corrected by a new letter that replaces it.
SIGNED_STATES = (DocumentState.SIGNED, DocumentState.SENT, DocumentState.FILED)
_DONE = "done"  # workflow.models.StepState.DONE (documents sits below workflow)


class Permission(enum.StrEnum):
    READ = "read"
    ADD_VERSION = "add_version"
    CORRECT = "correct"  # start a correction (ralat): a new letter that replaces this signed one


def is_personal(document: Document) -> bool:
    """Tell whether the letter's rights are personal (Rahasia, Sangat Rahasia) rather than its desks'."""
    return document.security_class in PERSONAL_CLASSES


def reader_principals(document: Document) -> tuple[str, ...]:
    """Return the principal tokens that may read the document (stored in the search index).

    Biasa letters are open to their unit; Terbatas ones to the unit's officials (verifiers and
    signers); the archives unit reads Biasa and Terbatas everywhere; administrators read Biasa
    everywhere. On Biasa and Terbatas letters rights follow the desk: the drafter's desk, the desks
    on the route and, once it is sent, the desks it is addressed or copied to (with whoever acts for
    them). Rahasia and Sangat Rahasia letters are personal: the drafter in person, the person who
    acted at each completed step of the route, the desk of a step still to come (whoever acts there
    must read it), the people holding the addressed desks when it was sent (granted then), and the
    people explicitly granted; another holder of the same desk reads none of them.
    Desks granted a letter by name (an incoming letter's addressees and the desks of its disposisi
    tree) read it whatever its class: naming the desk is what gives the right.
    """
    personal = is_personal(document)
    tokens = {f"user:{document.author_id}"}
    for step in document.steps:
        if personal and step.state == _DONE and step.acted_by_user_id is not None:
            tokens.add(f"user:{step.acted_by_user_id}")
        else:
            tokens.add(f"pos:{step.position_id}")
    tokens.update(f"user:{grant.user_id}" for grant in document.grants)
    if not personal:
        if document.author_position_id is not None:
            tokens.add(f"pos:{document.author_position_id}")
        if document.state in DELIVERED_STATES:
            tokens.update(f"pos:{r.position_id}" for r in document.recipients if r.position_id is not None)
    tokens.update(f"pos:{grant.position_id}" for grant in document.desk_grants)
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
    """Tell whether the user drafts the letter: holds (or acts for, Plt./Plh.) its drafter's desk, or wrote it.

    A Rahasia or Sangat Rahasia letter is drafted by its author in person.
    """
    if document.author_position_id is not None and not is_personal(document):
        return document.author_position_id in set(positions)
    return document.author_id == user.id


def is_signer(user: User, document: Document, positions: Iterable[int] = ()) -> bool:
    """Tell whether the user stands at the letter's signing step: its desk now, or in person who signed a secret one."""
    step = next((s for s in document.steps if s.kind == "sign"), None)
    if step is None:
        return False
    if is_personal(document):
        return step.state == _DONE and step.acted_by_user_id == user.id
    return step.position_id in set(positions)


def may_correct(user: User, document: Document, positions: Iterable[int] = ()) -> bool:
    """Tell whether the user may start a correction of the signed letter (the rule, not the reading)."""
    if document.state not in SIGNED_STATES:
        return False
    if is_drafter(user, document, positions) or is_signer(user, document, positions):
        return True
    clerk = user.has_role(Role.RECORDS_CLERK) and user.unit_id == document.unit_id
    return clerk or user.has_role(Role.ADMIN)


def permissions(user: User, document: Document, positions: Iterable[int] = ()) -> frozenset[Permission]:
    """Return what the user may do to the document."""
    positions = frozenset(positions)
    if not can_read(user, document, positions):
        return frozenset()
    granted = {Permission.READ}
    if is_drafter(user, document, positions) and document.state in EDITABLE_STATES:
        granted.add(Permission.ADD_VERSION)
    if may_correct(user, document, positions):
        granted.add(Permission.CORRECT)
    return frozenset(granted)


def readable_clause(user: User, positions: Iterable[int] = ()) -> ColumnElement[bool]:
    """Return a SQL condition on Document equal to `can_read` (a test checks they agree)."""
    from docflow.workflow.models import RouteStep

    roles = user.roles
    positions = sorted(set(positions))
    # The cheap column tests first: PostgreSQL evaluates an OR left to right, and a unit's own
    # letters (most of a unit's book) then skip the EXISTS probes (bench/incoming.py: 270 -> 80 ms).
    clauses: list[ColumnElement[bool]] = []
    if user.is_active and user.unit_id is not None:
        clauses.append(and_(Document.unit_id == user.unit_id, Document.security_class == SecurityClass.BIASA))
        if roles & set(_OFFICIAL_ROLES):
            clauses.append(and_(Document.unit_id == user.unit_id,
                                Document.security_class == SecurityClass.TERBATAS))
    clauses += [
        Document.author_id == user.id,
        exists(select(DocumentGrant.id).where(
            DocumentGrant.document_id == Document.id, DocumentGrant.user_id == user.id
        )),
    ]
    personal = Document.security_class.in_(PERSONAL_CLASSES)
    clauses.append(and_(personal, exists(select(RouteStep.id).where(
        RouteStep.document_id == Document.id, RouteStep.state == _DONE, RouteStep.acted_by_user_id == user.id))))
    if positions:
        clauses.append(and_(~personal, Document.author_position_id.in_(positions)))
        clauses.append(exists(select(RouteStep.id).where(
            RouteStep.document_id == Document.id, RouteStep.position_id.in_(positions),
            or_(~personal, RouteStep.state != _DONE, RouteStep.acted_by_user_id.is_(None)))))
        addressed = exists(select(DocumentRecipient.id).where(DocumentRecipient.document_id == Document.id,
                                                              DocumentRecipient.position_id.in_(positions)))
        clauses.append(and_(~personal, Document.state.in_(DELIVERED_STATES), addressed))
        clauses.append(exists(select(DocumentDeskGrant.id).where(
            DocumentDeskGrant.document_id == Document.id, DocumentDeskGrant.position_id.in_(positions))))
    if Role.ARCHIVIST in roles:
        clauses.append(Document.security_class.in_(_OPEN_CLASSES))
    if Role.ADMIN in roles:
        clauses.append(Document.security_class == SecurityClass.BIASA)
    if not user.is_active:
        return false()
    return or_(*clauses)
