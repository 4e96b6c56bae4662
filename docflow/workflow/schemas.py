"""JSON shapes of routes, inbox items and audit records."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import url_for

from docflow.audit.models import AuditEvent
from docflow.dashboard import Item, Shown
from docflow.workflow.models import RouteStep
from docflow.workflow.queries import InboxItem


def step_json(step: RouteStep) -> dict[str, Any]:
    """Return the API form of a route step."""
    return {
        "order": step.order,
        "kind": step.kind,
        "position_id": step.position_id,
        "position": step.position.title,
        "mode": step.mode,
        "on_behalf_position_id": step.on_behalf_position_id,
        "state": step.state,
        "due_at": step.due_at.isoformat() if step.due_at else None,
        "acted_by_user_id": step.acted_by_user_id,
        "acted_via": step.acted_via,
        "acted_at": step.acted_at.isoformat() if step.acted_at else None,
    }


def event_json(event: AuditEvent) -> dict[str, Any]:
    """Return the API form of an audit record."""
    return {
        "id": event.id,
        "action": event.action,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "actor": event.actor_name,
        "actor_user_id": event.actor_user_id,
        "position": event.actor_position_title,
        "on_behalf_of": event.on_behalf_title or None,
        "delegation": event.delegation_kind,
        "comment": event.comment,
        "revision": event.document_revision,
        "file_sha256": event.file_sha256,
        "at": event.created_at.isoformat(),
        "hash": event.hash,
    }


def inbox_json(item: InboxItem, now: datetime) -> dict[str, Any]:
    """Return the API form of an inbox item."""
    document = item.document
    return {
        "document_id": document.id,
        "title": document.title,
        "task": item.task,
        "state": document.state,
        "urgency": document.urgency,
        "due_at": item.due_at.isoformat() if item.due_at else None,
        "overdue": item.overdue(now),
        "deadline": document.deadline.isoformat() if document.deadline else None,
        "revision": document.revision,
        "url": url_for("documents_api.show", document_id=document.id),
    }


def _item_json(item: Item) -> dict[str, Any]:
    when = item.when.isoformat() if isinstance(item.when, date) else None  # a datetime is a date too
    return {"label": str(item.label), "url": item.url, "detail": str(item.detail), "when": when,
            "overdue": item.overdue}


def section_json(shown: Shown) -> dict[str, Any]:
    """Return the API form of a start-page section as one person sees it: its count and first items."""
    section = shown.section
    return {"key": section.key, "title": str(section.title), "total": shown.total, "total_capped": shown.capped,
            "items": [_item_json(i) for i in shown.items],
            "all_url": url_for(section.all_url) if section.all_url else None}
