"""Hooks: a lower feature announces what happened; a higher one, connected at app setup, reacts.

The workflow announces that a letter was signed; the incoming feature records the follow-up of the
disposisi that asked for that reply. The workflow never imports incoming: the handler is passed in
by `create_app` (rooms that do not lean on each other in circles). Handlers run inside the caller's
transaction, so what they write commits or rolls back with the change that caused it.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)


class Hook:
    """A named event with the handlers connected to it, called in the order they were connected."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._handlers: list[Callable[..., None]] = []

    def connect(self, handler: Callable[..., None]) -> None:
        """Connect a handler once (building a second app connects nothing twice)."""
        if handler not in self._handlers:
            self._handlers.append(handler)

    def disconnect(self, handler: Callable[..., None]) -> None:
        """Disconnect a handler if it is connected."""
        if handler in self._handlers:
            self._handlers.remove(handler)

    def fire(self, **arguments: Any) -> None:
        """Call every handler with the event's arguments (keywords only)."""
        for handler in list(self._handlers):
            logger.debug("hook %s -> %s", self.name, getattr(handler, "__qualname__", handler))
            handler(**arguments)


# session, document, actor, now: a letter was signed (its number is allocated).
document_signed = Hook("document_signed")
