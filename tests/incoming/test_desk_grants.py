"""A desk grant lets whoever holds or acts for the desk read a document, in both forms of the read rule."""
from __future__ import annotations

from sqlalchemy import select

from docflow.documents.access import can_read, readable_clause, reader_principals
from docflow.documents.models import Document, DocumentDeskGrant, SecurityClass
from tests.workflow.helpers import build_office


def test_desk_grant_agrees_in_python_and_sql(db):
    o = build_office(db, "GRANT")
    documents = []
    for security in SecurityClass:
        doc = Document(title="t", doc_type="nota_dinas", security_class=security, unit_id=o.unit.id,
                       author_id=o.clerk.id, desk_grants=[DocumentDeskGrant(position_id=o.secretary.id)])
        other = Document(title="u", doc_type="nota_dinas", security_class=security, unit_id=o.unit.id,
                         author_id=o.clerk.id)
        db.add_all([doc, other])
        documents += [doc, other]
    db.commit()
    for positions in ((), (o.secretary.id,), (o.subhead.id,), (o.secretary.id, o.subhead.id)):
        for user in (o.secretary_user, o.subhead_user, o.drafter):
            by_sql = set(db.scalars(select(Document.id).where(readable_clause(user, positions),
                                                              Document.id.in_([d.id for d in documents]))))
            by_python = {d.id for d in documents if can_read(user, d, positions)}
            assert by_sql == by_python, (user.username, positions)
    secret = next(d for d in documents if d.security_class == SecurityClass.SANGAT_RAHASIA and d.desk_grants)
    assert f"pos:{o.secretary.id}" in reader_principals(secret)
    assert can_read(o.subhead_user, secret, [o.secretary.id])  # e.g. her Plh. today
    assert not can_read(o.secretary_user, secret, [])
