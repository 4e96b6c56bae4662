"""Request-scoped access to the services and the one database session of a request."""
from __future__ import annotations

from flask import current_app, g
from sqlalchemy.orm import Session

from docflow.services import Services


def services() -> Services:
    """Return the services the application was created with."""
    return current_app.extensions["docflow"]


def db_session() -> Session:
    """Return this request's session; it is committed once, after the view, by the app."""
    if "db_session" not in g:
        g.db_session = services().db.session()
    return g.db_session


def end_transaction() -> None:
    """Commit the request's work so far, so that the slow file work next holds no database lock.

    For upload views only. On SQLite every transaction holds the one write lock from its first
    statement to its end, so receiving and storing a file inside it would make every other
    writer wait for that file's fsyncs. The session stays usable: its next statement begins a
    new transaction, which the app commits after the view as usual.
    """
    session = g.get("db_session")
    if session is not None:
        session.commit()


def held_positions(user) -> frozenset[int]:
    """Return the desks the user holds today (once per request)."""
    from docflow.org.queries import held_position_ids

    cache = g.setdefault("held_positions", {})
    if user.id not in cache:
        cache[user.id] = frozenset(held_position_ids(db_session(), user.id, services().today()))
    return cache[user.id]


def acting_positions(user) -> frozenset[int]:
    """Return the desks the user holds or acts for (Plt./Plh.) today (once per request)."""
    from docflow.org.queries import delegated_position_ids

    cache = g.setdefault("acting_positions", {})
    if user.id not in cache:
        cache[user.id] = held_positions(user) | delegated_position_ids(db_session(), user.id, services().today())
    return cache[user.id]
