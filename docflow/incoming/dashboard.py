"""The incoming feature's sections of the start page, and its reaction to a signed reply (wired at app setup)."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from docflow.dashboard import Dashboard, DashboardContext, Item, Items
from docflow.hooks import document_signed
from docflow.incoming.access import can_register
from docflow.incoming.models import IncomingLetter
from docflow.incoming.operations import record_reply_signed
from docflow.incoming.queries import (
    internal_letters_to_register,
    letters_without_disposition,
    my_dispositions,
    pending_registrations,
    unread_letters,
)
from docflow.incoming.states import DispositionState

LIMIT = 10


def _letter_item(letter: IncomingLetter) -> Item:
    return Item(label=f"{letter.agenda_label} · {letter.subject}", url=url_for("incoming.show", letter_id=letter.id),
                detail=letter.sender_institution, when=letter.received_on)


def unread_letters_items(context: DashboardContext) -> Items | None:
    """Letters addressed to my desks that nobody there has opened."""
    if not context.positions:
        return None
    letters, total, capped = unread_letters(context.session, context.positions, limit=LIMIT)
    return Items([_letter_item(letter) for letter in letters], total, capped)


def _nodes(context: DashboardContext, state: str) -> Items | None:
    if not context.positions:
        return None
    page = my_dispositions(context.session, context.positions, state=state, per_page=LIMIT)
    items = [Item(label=f"{n.letter.agenda_label} · {n.letter.subject}",
                  url=url_for("incoming.show", letter_id=n.letter_id, _anchor=f"node-{n.id}"),
                  detail=f"{n.from_position.title} → {n.to_position.title}", when=n.due_on,
                  overdue=n.due_on is not None and n.due_on < context.today) for n in page.items]
    return Items(items, page.total)


def unread_dispositions_items(context: DashboardContext) -> Items | None:
    """Disposisi given to my desks and not read yet."""
    return _nodes(context, DispositionState.UNREAD)


def open_dispositions_items(context: DashboardContext) -> Items | None:
    """Disposisi read but not yet followed up, overdue first."""
    return _nodes(context, DispositionState.READ)


def without_disposition_items(context: DashboardContext) -> Items | None:
    """Letters still waiting for a disposisi: addressed to my desks, or (a clerk) in my unit's book."""
    clerk = can_register(context.user)
    if not context.positions and not clerk:
        return None
    letters, total, capped = letters_without_disposition(context.session, context.user, context.positions, clerk=clerk,
                                                 limit=LIMIT)
    return Items([_letter_item(letter) for letter in letters], total, capped)


def internal_to_register_items(context: DashboardContext) -> Items | None:
    """Letters other units of the city signed and sent to my unit's desks, not yet in its book (clerks)."""
    if not can_register(context.user):
        return None
    documents = internal_letters_to_register(context.session, context.user.unit_id, limit=LIMIT + 1)
    items = [Item(label=f"{d.number} · {d.title}", url=url_for("incoming.book") + "#internal", detail=d.unit.name,
                  when=d.signed_at) for d in documents[:LIMIT]]
    return Items(items, len(documents))


def pending_intake_items(context: DashboardContext) -> Items | None:
    """Letters that arrived by e-mail or from a scanner's folder and wait for the clerk to register them."""
    if not can_register(context.user) or context.user.unit_id is None:
        return None
    page = pending_registrations(context.session, context.user.unit_id, per_page=LIMIT)
    items = [Item(label=row.subject or row.filename or _l("(no subject)"),
                  url=url_for("pending.show", pending_id=row.id),
                  detail=_l("could not be read") if row.state == "failed" else row.sender,
                  when=row.received_at) for row in page.items]
    return Items(items, page.total)


def init_dashboard(dashboard: Dashboard) -> None:
    """Declare and feed the incoming sections; `to_register` takes more sources (the pending e-mail/folder intake)."""
    dashboard.add_section("incoming_unread", _l("Incoming letters unread"), order=10,
                          empty=_l("No unread letter."), all_url="incoming.book")
    dashboard.contribute("incoming_unread", unread_letters_items)
    dashboard.add_section("dispositions_unread", _l("Disposisi unread"), order=20,
                          empty=_l("No unread disposisi."), all_url="incoming.mine")
    dashboard.contribute("dispositions_unread", unread_dispositions_items)
    dashboard.add_section("dispositions_open", _l("Disposisi not yet followed up"), order=30,
                          empty=_l("Every disposisi you read is followed up."), all_url="incoming.mine")
    dashboard.contribute("dispositions_open", open_dispositions_items)
    dashboard.add_section("without_disposition", _l("Incoming letters without a disposisi"), order=40,
                          empty=_l("Every letter has its disposisi."), all_url="incoming.book")
    dashboard.contribute("without_disposition", without_disposition_items)
    dashboard.add_section("to_register", _l("To register"), order=50, empty=_l("Nothing to register."),
                          all_url="incoming.book")
    dashboard.contribute("to_register", internal_to_register_items)
    dashboard.contribute("to_register", pending_intake_items)


def init_hooks() -> None:
    """Connect the incoming feature's handlers to the hooks of lower features."""
    document_signed.connect(record_reply_signed)
