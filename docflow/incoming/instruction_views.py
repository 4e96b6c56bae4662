"""The administrators' page of the city's disposisi instructions."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from docflow.admin.access import admin_required
from docflow.auth.access import web_user
from docflow.context import db_session, refused_form
from docflow.documents.views import CsrfForm, require_fresh_form
from docflow.errors import DocflowError
from docflow.incoming.instructions import (
    add_instruction,
    all_instructions,
    delete_instruction,
    get_instruction,
    move_instruction,
    rename_instruction,
    set_instruction_active,
    usage_counts,
)

bp = Blueprint("instructions_admin", __name__, url_prefix="/admin/disposition-instructions")


def _page(status: int = 200):
    session = db_session()
    return render_template("incoming/instructions_admin.html", instructions=all_instructions(session),
                           used=usage_counts(session), form=CsrfForm()), status


@bp.get("")
@admin_required
def index():
    """List the city's disposisi instructions with their use, and the forms to change them."""
    return _page()


def _act(change, done: str):
    session = db_session()
    try:
        require_fresh_form()
        change(session, web_user())
    except DocflowError as exc:
        return refused_form(exc, url_for(".index"))
    flash(done, "success")
    return redirect(url_for(".index"))


@bp.post("")
@admin_required
def add():
    """Add an instruction at the end of the list."""
    return _act(lambda s, u: add_instruction(s, actor=u, text=request.form.get("text")),
                _("The instruction was added."))


@bp.post("/<id:instruction_id>/rename")
@admin_required
def rename(instruction_id: int):
    """Change an instruction's words."""
    return _act(lambda s, u: rename_instruction(s, actor=u, row=get_instruction(s, instruction_id),
                                                text=request.form.get("text")), _("The instruction was renamed."))


@bp.post("/<id:instruction_id>/move/<direction>")
@admin_required
def move(instruction_id: int, direction: str):
    """Move an instruction up or down the list."""
    return _act(lambda s, u: move_instruction(s, actor=u, row=get_instruction(s, instruction_id),
                                              direction=direction), _("The order was saved."))


@bp.post("/<id:instruction_id>/active")
@admin_required
def activate(instruction_id: int):
    """Offer an instruction again, or stop offering it on new disposisi."""
    active = request.form.get("active") == "1"
    return _act(lambda s, u: set_instruction_active(s, actor=u, row=get_instruction(s, instruction_id),
                                                    active=active),
                _("The instruction is offered again.") if active else _("The instruction is no longer offered."))


@bp.post("/<id:instruction_id>/delete")
@admin_required
def delete(instruction_id: int):
    """Delete an instruction that no disposisi chose."""
    return _act(lambda s, u: delete_instruction(s, actor=u, row=get_instruction(s, instruction_id)),
                _("The instruction was deleted."))
