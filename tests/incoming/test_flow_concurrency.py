"""On PostgreSQL, follow-ups of one node sent at once, each with a file: one report, one file claimed.

Each thread has its own Services (engine, sessions) and commits once, as a request does.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from docflow.audit.models import AuditEvent
from docflow.auth.models import User
from docflow.errors import InvalidTransition
from docflow.incoming.models import Disposition, FollowUpAttachment
from docflow.incoming.operations import (
    act_on_disposition,
    store_follow_up_file,
)
from docflow.org.queries import acting_position_ids
from docflow.services import Services
from tests.incoming.test_incoming_concurrency import ON, _in_threads, node_read_by_plh, pg_settings, pytestmark  # noqa: F401
from tests.workflow.helpers import NOW, pdf_upload


def test_concurrent_follow_ups_with_files_claim_one_file(pg_settings):  # noqa: F811
    """Do four follow-ups of one node at once (the desk's Plh. in several tabs), each with a notula, leave one
    report and one file row?"""
    node_id, plh_id = node_read_by_plh(pg_settings, "FILES", "Undangan rapat", 3)
    people = [plh_id] * 4

    def follow_up(n: int, user_id: int) -> Callable[[Services], str]:
        def job(services: Services) -> str:
            with pdf_upload(services, f"Notula rapat {n}") as upload, services.db.transaction() as session:
                actor = session.get(User, user_id)
                stored = store_follow_up_file(session, services.store, actor=actor, upload=upload)
                act_on_disposition(session, actor=actor, disposition_id=node_id, action="follow-up", on=ON, now=NOW,
                                   positions=acting_position_ids(session, user_id, ON), note=f"Notula {n}",
                                   attachment=stored)
                return stored.sha256
        return job

    results = _in_threads(pg_settings, [follow_up(n, u) for n, u in enumerate(people)])
    winners = [r for r in results if isinstance(r, str)]
    assert len(winners) == 1
    assert all(isinstance(r, InvalidTransition) for r in results if not isinstance(r, str))
    services = Services.from_settings(pg_settings)
    try:
        with services.db.transaction() as session:
            node = session.get(Disposition, node_id)
            assert node.state == "followed_up" and node.revision == 3
            (attachment,) = session.scalars(select(FollowUpAttachment).where(
                FollowUpAttachment.disposition_id == node_id)).all()
            assert attachment.sha256 == winners[0]
            with services.store.open(attachment.storage_key, verify=True) as reader:
                assert reader.read().startswith(b"%PDF")
            reports = select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "disposition_follow_up", AuditEvent.comment.contains(f"disposisi {node_id}:"))
            assert session.scalar(reports) == 1
    finally:
        services.close()
