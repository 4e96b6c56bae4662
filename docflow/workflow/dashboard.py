"""The workflow's sections of the start page for the records clerk: signed letters to send, sent ones to file."""
from __future__ import annotations

from collections.abc import Iterable

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

from docflow.auth.models import Role
from docflow.context import db_session, services
from docflow.dashboard import Dashboard, DashboardContext, Item, Items, Shown
from docflow.documents.models import DocumentState
from docflow.workflow.queries import unit_letters_in_state

LIMIT = 10


def _unit_letters(context: DashboardContext, state: str) -> Items | None:
    user = context.user
    if not user.has_role(Role.RECORDS_CLERK) or user.unit_id is None:
        return None
    documents, total = unit_letters_in_state(context.session, user.unit_id, state, limit=LIMIT)
    return Items([Item(label=f"{d.number} · {d.title}", url=url_for("documents.show", document_id=d.id),
                       when=d.signed_at) for d in documents], total)


def to_send_items(context: DashboardContext) -> Items | None:
    """Letters of my unit signed and not yet sent (the clerk's)."""
    return _unit_letters(context, DocumentState.SIGNED)


def to_file_items(context: DashboardContext) -> Items | None:
    """Letters of my unit sent and not yet filed (the clerk's)."""
    return _unit_letters(context, DocumentState.SENT)


def init_dashboard(dashboard: Dashboard) -> None:
    """Declare and feed the clerk's outgoing sections."""
    dashboard.add_section("to_send", _l("Signed letters waiting to be sent"), order=60,
                          empty=_l("No signed letter waits to be sent."), all_url="dispatch.index")
    dashboard.contribute("to_send", to_send_items)
    dashboard.add_section("to_file", _l("Sent letters waiting to be filed"), order=70,
                          empty=_l("No sent letter waits to be filed."), all_url="dispatch.index")
    dashboard.contribute("to_file", to_file_items)


def shown_sections(user, positions: Iterable[int], keys: Iterable[str] | None = None) -> list[Shown]:
    """Return the start page's sections that concern this person (the page and the API show the same)."""
    svc = services()
    context = DashboardContext(session=db_session(), user=user, positions=frozenset(positions), now=svc.now(),
                               today=svc.today())
    return current_app.extensions["dashboard"].shown_to(context, keys)


def section_keys() -> list[str]:
    """Return the keys of every declared section, in their order."""
    return [section.key for section in current_app.extensions["dashboard"].sections]
