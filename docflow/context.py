"""Request-scoped access to the services and the one database session of a request."""
from __future__ import annotations

import ipaddress
from functools import lru_cache

from flask import Response, current_app, flash, g, redirect, request
from sqlalchemy.orm import Session

from docflow.errors import DocflowError
from docflow.i18n import translate
from docflow.services import Services


def services() -> Services:
    """Return the services the application was created with."""
    return current_app.extensions["docflow"]


def db_session() -> Session:
    """Return this request's session; it is committed once, after the view, by the app."""
    if "db_session" not in g:
        g.db_session = services().db.session()
    return g.db_session


def refused_form(exc: DocflowError, back: str) -> tuple[Response, int]:
    """Answer a refused form: undo the request's writes, flash why in the reader's language, go back (303)."""
    db_session().rollback()
    flash(translate(exc.reason), "error")
    return redirect(back), 303


@lru_cache(maxsize=16)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # An IPv4 peer seen through an IPv6 socket (::ffff:10.0.0.1) is the IPv4 address.
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def forwarded_client(peer: str, forwarded_for: list[str], trusted_proxies: tuple[str, ...]) -> str:
    """Return the client's address: the peer, or through trusted proxies the rightmost untrusted hop.

    X-Forwarded-For is read only when the direct peer is a trusted proxy; each proxy appends the
    address it saw, so the list is walked from the right while the hops are trusted. Whatever a
    client wrote itself stands to the left of that and is never reached.
    """
    networks = _networks(trusted_proxies)

    def trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address in network for network in networks)

    current = _address(peer)
    if current is None or not networks or not trusted(current):
        return str(current) if current is not None else peer
    hops = [hop for header in forwarded_for for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # a trusted proxy would not write this: keep the last hop we can vouch for
        current = address
        if not trusted(address):
            break
    return str(current)


def client_address() -> str:
    """Return the address of the person behind this request ([server] trusted_proxies decides whom to believe)."""
    if "client_address" not in g:
        g.client_address = forwarded_client(request.remote_addr or "", request.headers.getlist("X-Forwarded-For"),
                                            services().settings.server.trusted_proxies)
    return g.client_address


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
