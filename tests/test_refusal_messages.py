"""Every refusal the domain raises is an N_-marked message with an Indonesian translation, shown translated."""
from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from docflow import errors
from docflow.errors import N_, Conflict, Message, ValidationFailed
from docflow.i18n import translate, translate_errors
from docflow.workflow.states import ACTION_NAMES, STATE_NAMES, transition_for

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "docflow"
PO = PACKAGE / "translations" / "id" / "LC_MESSAGES" / "messages.po"
# Text extraction has its own error hierarchy; an organisation file's errors are written only to the terminal
# (`docflow org load`), in English.
NOT_DOMAIN_PACKAGE = "docflow/extraction"
TERMINAL_ONLY = {"docflow/admin/loader.py:OrganisationFileError"}


def _refusal_classes() -> set[str]:
    """Return the names of DocflowError and of every subclass of it defined in the package."""
    bases = {}
    for path in PACKAGE.rglob("*.py"):
        if not path.relative_to(ROOT).as_posix().startswith(NOT_DOMAIN_PACKAGE):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.ClassDef):
                    bases[node.name] = {b.id for b in node.bases if isinstance(b, ast.Name)}
    names = {"DocflowError"}
    while grown := {name for name, parents in bases.items() if parents & names} - names:
        names |= grown
    return names


def _marked_ids() -> dict[str, str]:
    found = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
            str(PACKAGE), method_map=[("**.py", "python")], keywords={"N_": None}):
        found[message] = filename
    return found


def test_every_marked_refusal_has_an_indonesian_translation():
    """Is every N_-marked message (every refusal) translated, keeping its placeholders?"""
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="id")
    marked = _marked_ids()
    assert len(marked) > 200  # the marker is really extracted
    missing = sorted(m for m in marked if not (catalog.get(m) and catalog.get(m).string and not catalog.get(m).fuzzy))
    assert missing == []
    placeholders = re.compile(r"%\(\w+\)[sr]")
    wrong = [m for m in marked if sorted(placeholders.findall(m)) != sorted(placeholders.findall(catalog.get(m).string))]
    assert wrong == []


def test_every_raise_site_raises_a_marked_message():
    """Does every `raise SomeRefusal(...)` in the package pass an N_-marked template (or a Message), never an
    English literal, f-string or a text already translated for one reader?"""
    classes = _refusal_classes()
    assert {"ValidationFailed", "Conflict", "CertificateProblem", "UnusablePdf"} <= classes
    unmarked = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(NOT_DOMAIN_PACKAGE):
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
                    and isinstance(node.exc.func, ast.Name) and node.exc.func.id in classes):
                continue
            if f"{relative}:{node.exc.func.id}" in TERMINAL_ONLY or not node.exc.args:
                continue
            first = node.exc.args[0]
            literal = isinstance(first, ast.JoinedStr | ast.Constant | ast.BinOp)
            translated_now = isinstance(first, ast.Call) and getattr(first.func, "id", "") in ("_", "gettext")
            if literal or translated_now:
                unmarked.append(f"{relative}:{node.lineno}")
    assert unmarked == []


def test_a_refusal_keeps_english_for_machines_and_its_template_for_pages():
    """Is `reason` the English text (logs, CLI, API) while the template and parameters stay for translation?"""
    exc = Conflict(N_("the register of %(type)s for %(year)s exists"), field="year", type="Nota Dinas", year=2026)
    assert exc.reason == "the register of Nota Dinas for 2026 exists"
    assert exc.reason.template == "the register of %(type)s for %(year)s exists"
    assert exc.as_errors() == [{"field": "year", "reason": "the register of Nota Dinas for 2026 exists"}]
    failed = ValidationFailed(N_("the deadline %(deadline)s has already passed; choose today or a later day"),
                              field="deadline", deadline=date(2026, 11, 27))
    assert str(failed) == "the deadline 2026-11-27 has already passed; choose today or a later day"
    assert failed.errors == [("deadline", failed.reason)]


def test_every_state_and_action_has_a_name():
    """Can every state and action appear by name in a refusal?"""
    from docflow.documents.models import DocumentState
    from docflow.workflow.states import Action

    assert set(STATE_NAMES) == set(DocumentState) and set(ACTION_NAMES) == set(Action)


@pytest.mark.parametrize(("lang", "expected"), [
    ("id", "naskah yang berstatus ditandatangani tidak dapat diberi tindakan “paraf”"),
    ("en", "a letter that is signed cannot be given the action “initial (paraf)”"),
])
def test_state_and_action_names_are_translated_inside_a_refusal(app, lang, expected):
    """Are the state and the action named in the reader's language inside a translated refusal?"""
    with pytest.raises(errors.InvalidTransition) as refused:
        transition_for("signed", "initial")
    with app.test_request_context("/", headers={"Cookie": f"lang={lang}"}):
        assert translate(refused.value.reason) == expected


def test_form_errors_are_translated_one_by_one(app):
    """Are the (field, reason) pairs of a refused form translated, and text typed by a person left alone?"""
    with app.test_request_context("/", headers={"Cookie": "lang=id"}):
        assert translate_errors([("title", Message(N_("a title is required"))), (None, "as typed")]) == [
            ("title", "perihal wajib diisi"), (None, "as typed")]
        assert translate(Message(N_("at most %(max)s characters"), max=500)) == "paling banyak 500 karakter"


def test_dates_are_written_as_the_reader_writes_them(app):
    """Is a date parameter written the Indonesian way on an Indonesian page?"""
    message = Message(N_("The deadline for this letter passed on %(date)s; the drafter can set a new deadline or "
                         "withdraw it"), date=date(2026, 8, 17))
    assert message == ("The deadline for this letter passed on 2026-08-17; the drafter can set a new deadline or "
                       "withdraw it")
    with app.test_request_context("/", headers={"Cookie": "lang=id"}):
        assert translate(message) == ("Batas waktu naskah ini telah lewat pada 17 Agustus 2026; konseptor dapat "
                                      "menetapkan batas waktu baru atau menarik kembali naskah ini")
