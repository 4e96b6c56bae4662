"""The read rule has two forms (Python for one document, SQL for lists); they must agree."""
from __future__ import annotations

import itertools

from sqlalchemy import select

from docflow.auth.models import Role
from docflow.documents.access import can_read, readable_clause, reader_principals, user_principals
from docflow.documents.models import Document, DocumentGrant, SecurityClass


def test_sql_rule_agrees_with_python_rule_for_every_combination(db, make_unit, make_user):
    units = [make_unit(), make_unit()]
    role_sets = [(Role.DRAFTER,), (Role.VERIFIER,), (Role.SIGNER,), (Role.ARCHIVIST,), (Role.ADMIN,), ()]
    users = [make_user(roles=roles, unit=unit) for unit, roles in itertools.product(units, role_sets)]
    outsider = make_user(roles=(Role.DRAFTER,), unit=units[0])
    documents = []
    for author, security in itertools.product(users[:3] + users[6:9], SecurityClass):
        doc = Document(title="t", doc_type="nota_dinas", security_class=security, unit_id=author.unit_id,
                       author_id=author.id)
        db.add(doc)
        documents.append(doc)
    db.flush()
    db.add(DocumentGrant(document_id=documents[3].id, user_id=outsider.id))  # a Sangat Rahasia grant
    db.commit()
    for doc in documents:
        db.refresh(doc)
    checked = 0
    for user in users + [outsider]:
        by_sql = set(db.scalars(select(Document.id).where(readable_clause(user))))
        by_python = {d.id for d in documents if can_read(user, d)}
        assert by_sql == by_python, user.username
        checked += len(documents)
    assert checked > 100
    assert can_read(outsider, documents[3])


def test_principals_follow_the_security_class(make_unit, make_user, db):
    unit = make_unit()
    drafter = make_user(unit=unit)
    signer = make_user(unit=unit, roles=(Role.SIGNER,))
    doc = Document(title="t", doc_type="nota_dinas", security_class=SecurityClass.TERBATAS, unit_id=unit.id,
                   author_id=drafter.id)
    db.add(doc)
    db.commit()
    assert f"unit:{unit.id}:official" in reader_principals(doc)
    assert f"unit:{unit.id}:official" in user_principals(signer)
    assert f"unit:{unit.id}:official" not in user_principals(drafter)
    other = make_user(unit=unit)
    assert not can_read(other, doc)
    assert can_read(signer, doc) and can_read(drafter, doc)


def test_inactive_user_reads_nothing(make_user, db):
    user = make_user()
    doc = Document(title="t", doc_type="nota_dinas", unit_id=user.unit_id, author_id=user.id)
    db.add(doc)
    user.is_active = False
    db.commit()
    assert db.scalars(select(Document.id).where(readable_clause(user))).all() == []
