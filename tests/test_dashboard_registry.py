"""The start page's registry and the hooks: features contribute, the registry and the workflow import no feature."""
from __future__ import annotations

import ast
from datetime import date, datetime
from pathlib import Path

import pytest

from docflow.dashboard import Dashboard, DashboardContext, Item, Items
from docflow.hooks import Hook

DOCFLOW = Path(__file__).resolve().parent.parent / "docflow"


def _context(user="u", positions=frozenset({1})) -> DashboardContext:
    return DashboardContext(session=None, user=user, positions=positions, now=datetime(2026, 3, 2, 9),
                            today=date(2026, 3, 2))


def test_sections_in_order_sources_merged_overdue_first_and_hidden_when_not_hers():
    dashboard = Dashboard()
    dashboard.add_section("b", "B", order=20)
    dashboard.add_section("a", "A", order=10, empty="nothing")
    dashboard.add_section("clerk", "Clerk", order=30)
    dashboard.contribute("b", lambda c: Items([Item("late", "/1", overdue=False), Item("later", "/2")], 5))
    dashboard.contribute("b", lambda c: Items([Item("overdue", "/3", overdue=True)], 1))
    dashboard.contribute("a", lambda c: Items([], 0))
    dashboard.contribute("clerk", lambda c: None if c.user != "clerk" else Items([Item("x", "/x")], 1))
    shown = dashboard.shown_to(_context())
    assert [(s.section.key, [i.label for i in s.items], s.total) for s in shown] == [
        ("a", [], 0), ("b", ["overdue", "late", "later"], 6)]
    assert [s.section.key for s in dashboard.shown_to(_context("clerk"), keys=["clerk"])] == ["clerk"]
    # A second app in one process declares the same sections: nothing doubles.
    dashboard.add_section("a", "A again", order=99)
    source = dashboard.sections[0].sources[0]
    dashboard.contribute("a", source)
    assert [(s.key, s.title, len(s.sources)) for s in dashboard.sections][:1] == [("a", "A", 1)]
    with pytest.raises(KeyError):
        dashboard.contribute("undeclared", source)


def test_hook_calls_each_handler_once_in_order():
    calls = []
    hook = Hook("test")

    def first(**kw):
        calls.append(("first", kw))

    def second(**kw):
        calls.append(("second", kw))

    for handler in (first, second, first):
        hook.connect(handler)
    hook.fire(n=1)
    hook.disconnect(first)
    hook.fire(n=2)
    assert calls == [("first", {"n": 1}), ("second", {"n": 1}), ("second", {"n": 2})]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


@pytest.mark.parametrize("path", [*sorted((DOCFLOW / "workflow").glob("*.py")), DOCFLOW / "dashboard.py",
                                  DOCFLOW / "hooks.py"], ids=lambda p: p.name)
def test_lower_rooms_do_not_import_the_incoming_feature(path):
    """Does the workflow (and the registry, and the hooks) leave the incoming and dispatch features alone?"""
    assert not {m for m in _imports(path) if m.startswith(("docflow.incoming", "docflow.dispatch"))}


def test_the_app_connects_the_reply_handler_and_fills_the_sections(app):
    from docflow.hooks import document_signed
    from docflow.incoming.operations import record_reply_signed

    assert record_reply_signed in document_signed._handlers
    assert {s.key for s in app.extensions["dashboard"].sections} >= {"to_register", "to_send", "to_file"}
