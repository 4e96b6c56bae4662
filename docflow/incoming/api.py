"""JSON API of incoming letters and disposisi: register, the incoming book, give and act on disposisi."""
from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from docflow.api.body import request_body, text_field
from docflow.api.params import MAX_PAGE, int_param, optional_id, optional_int
from docflow.auth.access import api_login_required, api_user
from docflow.auth.models import Role
from docflow.context import acting_positions, db_session, end_transaction, held_positions, services
from docflow.documents.intake import receive_upload
from docflow.errors import N_, PermissionDenied, ValidationFailed
from docflow.incoming.files import send_follow_up_file
from docflow.incoming.operations import (
    DEFAULT_DOC_TYPE,
    act_on_disposition,
    forward_letter,
    start_reply,
    store_follow_up_file,
    give_disposition,
    mark_letter_read,
    register_incoming_letter,
    register_internal_letter,
    validate_disposition_fields,
    validate_incoming_fields,
    validate_position_ids,
)
from docflow.incoming.queries import (
    get_follow_up_attachment,
    get_readable_disposition,
    get_readable_letter,
    incoming_book,
    instructions,
    internal_letter_to_register,
    internal_letters_to_register,
    my_dispositions,
    replies_of,
)
from docflow.incoming.schemas import disposition_json, instruction_json, letter_json, reply_json
from docflow.incoming.states import DispositionAction, DispositionState, LetterState
from docflow.workflow.queries import document_type_codes

bp = Blueprint("incoming_api", __name__, url_prefix="/api/v1")


def _listed(value: object) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _state_param(allowed: type) -> str | None:
    state = request.args.get("state") or None
    if state is not None and state not in allowed.__members__.values():
        raise ValidationFailed(N_("expected one of %(choices)s"), field="state", choices=", ".join(allowed))
    return state


@bp.get("/disposition-instructions")
@api_login_required
def list_instructions():
    """List the city's disposisi instructions (their ids go into a disposisi)."""
    return jsonify(results=[instruction_json(i) for i in instructions(db_session())])


@bp.get("/incoming-letters")
@api_login_required
def list_letters():
    """List one page of the unit's incoming book (the caller's unit unless unit_id is given)."""
    user = api_user()
    unit_id = optional_id(request.args, "unit_id") or user.unit_id
    if unit_id is None:
        raise ValidationFailed(N_("your account belongs to no unit; say which unit's book (unit_id)"),
                               field="unit_id")
    if unit_id != user.unit_id and not user.roles & {Role.ARCHIVIST, Role.ADMIN}:
        raise PermissionDenied(N_("only archivists and administrators read another unit's incoming book"),
                               field="unit_id")
    positions = acting_positions(user)
    page = incoming_book(db_session(), user, unit_id, positions=positions, state=_state_param(LetterState),
                         page=int_param(request.args, "page", 1, maximum=MAX_PAGE),
                         per_page=int_param(request.args, "per_page", 20, maximum=100))
    return jsonify(results=[letter_json(letter, user, positions) for letter in page.items], total=page.total,
                   total_capped=page.capped, page=page.page, per_page=page.per_page)


@bp.post("/incoming-letters")
@api_login_required
def register():
    """Register an incoming letter (multipart: file, sender, sender_number, sender_date, subject, addressees ...)."""
    user = api_user()
    session = db_session()
    svc = services()
    fields = validate_incoming_fields(request.form, request.form.getlist("addressees"),
                                      document_type_codes(session), on=svc.today())
    end_transaction()  # spooling and storing the file hold no database lock
    file = request.files.get("file")
    with receive_upload(file.stream if file else None, file.filename if file else None,
                        max_bytes=svc.settings.max_upload_bytes, allowed_types=svc.settings.uploads.allowed_types,
                        spool_dir=svc.spool_dir) as upload:
        letter = register_incoming_letter(session, svc.store, actor=user, fields=fields, upload=upload,
                                          on=svc.today(), before_store=end_transaction,
                                          held_positions=held_positions(user))
    response = jsonify(letter_json(letter, user, acting_positions(user)))
    response.status_code = 201
    response.headers["Location"] = url_for(".show_letter", letter_id=letter.id)
    return response


@bp.get("/incoming-letters/internal")
@api_login_required
def list_internal():
    """List letters other units signed and sent to desks of my unit that its book does not hold yet (clerks)."""
    from docflow.incoming.access import can_register

    user = api_user()
    if not can_register(user):
        raise PermissionDenied(N_("only a records clerk of a unit registers incoming letters"))
    documents = internal_letters_to_register(db_session(), user.unit_id)
    return jsonify(results=[{"document_id": d.id, "number": d.number, "title": d.title, "unit": d.unit.code,
                             "signed_at": d.signed_at.isoformat() if d.signed_at else None} for d in documents])


@bp.post("/incoming-letters/internal")
@api_login_required
def register_internal():
    """Register a letter another unit signed and sent to my unit's desks: {"document_id": N} (no retyping)."""
    from docflow.documents.queries import get_readable_document

    user = api_user()
    session = db_session()
    svc = services()
    document_id = optional_id(request_body(), "document_id")
    if document_id is None:
        raise ValidationFailed(N_("say which letter: document_id"), field="document_id")
    document = _internal_document(session, user, document_id, get_readable_document)
    letter = register_internal_letter(session, actor=user, document=document, on=svc.today(),
                                      timezone=svc.timezone)
    response = jsonify(letter_json(letter, user, acting_positions(user)))
    response.status_code = 201
    response.headers["Location"] = url_for(".show_letter", letter_id=letter.id)
    return response


def _internal_document(session, user, document_id, get_readable_document):
    # The clerk may not read another unit's letter yet: it is enough that it was sent to her unit's desks.
    document = internal_letter_to_register(session, user.unit_id, document_id) if user.unit_id else None
    return document or get_readable_document(session, user, document_id, acting_positions(user))


@bp.get("/incoming-letters/<id:letter_id>")
@api_login_required
def show_letter(letter_id: int):
    """Show one incoming letter with its disposisi (a flat list; parent_id makes the tree); an addressee reads it."""
    user = api_user()
    positions = acting_positions(user)
    letter = get_readable_letter(db_session(), user, letter_id, positions)
    mark_letter_read(db_session(), actor=user, letter=letter, positions=positions, now=services().now())
    from docflow.incoming.queries import disposition_tree

    flat = []
    stack = list(reversed(disposition_tree(db_session(), letter)))
    while stack:
        item = stack.pop()
        flat.append(disposition_json(item.node, positions))
        stack.extend(reversed(item.children))
    return jsonify({**letter_json(letter, user, positions), "dispositions": flat})


@bp.post("/incoming-letters/<id:letter_id>/dispositions")
@api_login_required
def dispose(letter_id: int):
    """Give a disposisi: {"recipients": [position ids], "instructions": [ids], "note", "due_on", "priority"}."""
    user = api_user()
    session = db_session()
    svc = services()
    positions = acting_positions(user)
    letter = get_readable_letter(session, user, letter_id, positions)
    data = request_body()
    fields = validate_disposition_fields(data, _listed(data.get("recipients")), _listed(data.get("instructions")),
                                         on=svc.today())
    nodes = give_disposition(session, actor=user, letter=letter, fields=fields, on=svc.today(), now=svc.now(),
                             positions=positions, from_position_id=optional_id(data, "position_id"))
    response = jsonify(letter_id=letter.id, letter_state=letter.state,
                       dispositions=[disposition_json(n, positions) for n in nodes])
    response.status_code = 201
    return response


@bp.get("/dispositions")
@api_login_required
def list_mine():
    """List one page of the disposisi given to my desks (held or acted for today), open ones first."""
    user = api_user()
    positions = acting_positions(user)
    page = my_dispositions(db_session(), positions, state=_state_param(DispositionState),
                           page=int_param(request.args, "page", 1, maximum=MAX_PAGE),
                           per_page=int_param(request.args, "per_page", 20, maximum=100))
    return jsonify(results=[disposition_json(n, positions) for n in page.items], total=page.total,
                   page=page.page, per_page=page.per_page)


@bp.get("/dispositions/<id:disposition_id>")
@api_login_required
def show_disposition(disposition_id: int):
    """Show one disposisi node."""
    user = api_user()
    positions = acting_positions(user)
    return jsonify(disposition_json(get_readable_disposition(db_session(), user, disposition_id, positions),
                                    positions))


@bp.post("/dispositions/<id:disposition_id>/actions/<action>")
@api_login_required
def act(disposition_id: int, action: str):
    """Act on a node: read, follow-up ({"note"}), done, cancel; forward takes a disposisi's body and answers 201."""
    user = api_user()
    session = db_session()
    svc = services()
    positions = acting_positions(user)
    node = get_readable_disposition(session, user, disposition_id, positions)
    data = request_body()
    if action == DispositionAction.FORWARD:
        fields = validate_disposition_fields(data, _listed(data.get("recipients")),
                                             _listed(data.get("instructions")), on=svc.today())
        nodes = give_disposition(session, actor=user, letter=node.letter, fields=fields, on=svc.today(),
                                 now=svc.now(), positions=positions, parent=node)
        response = jsonify(letter_id=node.letter_id, parent=disposition_json(node, positions),
                           dispositions=[disposition_json(n, positions) for n in nodes])
        response.status_code = 201
        return response
    note = data.get("note") or ""
    if not isinstance(note, str):
        raise ValidationFailed(N_("must be text"), field="note")
    revision = optional_int(data, "revision")
    file = request.files.get("file") if request.mimetype == "multipart/form-data" else None
    if file is None or not file.filename:
        node = act_on_disposition(session, actor=user, disposition_id=disposition_id, action=action,
                                  on=svc.today(), now=svc.now(), positions=positions, note=note,
                                  expected_revision=revision)
        return jsonify(disposition_json(node, positions))
    # The file is stored first, with no lock held; the report claims it under the node's lock.
    end_transaction()
    with receive_upload(file.stream, file.filename, max_bytes=svc.settings.max_upload_bytes,
                        allowed_types=svc.settings.uploads.allowed_types, spool_dir=svc.spool_dir) as upload:
        stored = store_follow_up_file(session, svc.store, actor=user, upload=upload)
    end_transaction()
    node = act_on_disposition(session, actor=user, disposition_id=disposition_id, action=action, on=svc.today(),
                              now=svc.now(), positions=positions, note=note, expected_revision=revision,
                              attachment=stored)
    return jsonify(disposition_json(node, positions))


def _reply_fields(data, letter, session):
    """Check a reply's describing fields; unset ones come from the letter it answers."""
    from docflow.documents.operations import validate_document_fields
    from docflow.incoming.operations import reply_title

    document = letter.document
    return validate_document_fields({
        "title": data.get("title") or reply_title(letter), "doc_type": data.get("doc_type") or DEFAULT_DOC_TYPE,
        "classification_code": data.get("classification_code") or document.classification_code,
        "security_class": data.get("security_class") or document.security_class,
        "urgency": data.get("urgency") or document.urgency, "deadline": data.get("deadline"),
    }, document_type_codes(session))


@bp.get("/incoming-letters/<id:letter_id>/replies")
@api_login_required
def list_replies(letter_id: int):
    """List the reply letters started for an incoming letter."""
    user = api_user()
    letter = get_readable_letter(db_session(), user, letter_id, acting_positions(user))
    return jsonify(results=[reply_json(r) for r in replies_of(db_session(), letter)])


@bp.post("/incoming-letters/<id:letter_id>/replies")
@api_login_required
def start_reply_letter(letter_id: int):
    """Start a reply letter (multipart: file; title, disposition_id ...): a draft to the sender, linked to the disposisi."""
    user = api_user()
    session = db_session()
    svc = services()
    positions = acting_positions(user)
    letter = get_readable_letter(session, user, letter_id, positions)
    fields = _reply_fields(request.form, letter, session)
    disposition_id = optional_id(request.form, "disposition_id")
    end_transaction()
    file = request.files.get("file")
    with receive_upload(file.stream if file else None, file.filename if file else None,
                        max_bytes=svc.settings.max_upload_bytes, allowed_types=svc.settings.uploads.allowed_types,
                        spool_dir=svc.spool_dir) as upload:
        letter = get_readable_letter(session, user, letter_id, positions)
        reply = start_reply(session, svc.store, actor=user, letter=letter, upload=upload, fields=fields,
                            on=svc.today(), positions=positions, disposition_id=disposition_id,
                            before_store=end_transaction, held_positions=held_positions(user))
    response = jsonify(reply_json(reply))
    response.status_code = 201
    response.headers["Location"] = url_for("documents_api.show", document_id=reply.document_id)
    return response


@bp.post("/incoming-letters/<id:letter_id>/actions/forward")
@api_login_required
def forward(letter_id: int):
    """Forward a letter registered at the wrong unit to the right unit's book: {"unit_id", "addressees", "note"}."""
    user = api_user()
    session = db_session()
    positions = acting_positions(user)
    letter = get_readable_letter(session, user, letter_id, positions)
    data = request_body()
    unit_id = optional_id(data, "unit_id")
    if unit_id is None:
        raise ValidationFailed(N_("say which unit the letter goes to: unit_id"), field="unit_id")
    addressees = validate_position_ids(_listed(data.get("addressees")), "addressees")
    moved = forward_letter(session, actor=user, letter=letter, unit_id=unit_id, addressee_ids=addressees,
                           note=text_field(data, "note"), on=services().today())
    response = jsonify({**letter_json(moved, user, positions), "forwarded_from": letter_json(letter, user, positions)})
    response.status_code = 201
    response.headers["Location"] = url_for(".show_letter", letter_id=moved.id)
    return response


@bp.get("/follow-up-files/<id:attachment_id>")
@api_login_required
def follow_up_file(attachment_id: int):
    """Download a file reported with a disposisi's follow-up."""
    user = api_user()
    attachment = get_follow_up_attachment(db_session(), user, attachment_id, acting_positions(user))
    return send_follow_up_file(attachment)
