"""How many anonymous verification uploads one web process checks at once, in all and per client."""
from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from docflow.errors import N_, TooManyRequests

logger = logging.getLogger(__name__)


class UploadGate:
    """Admit at most `total` checks at once, and `per_client` of them from one client address.

    Refusing at once (429) instead of queueing keeps the web threads free for everyone else: a
    visitor who sends many files gets answers, not a stalled service. The counts live in this
    process; `python -m docflow serve` is one process with threads, so they cover the service.
    """

    def __init__(self, *, total: int, per_client: int, retry_after: int) -> None:
        self.total = total
        self.per_client = per_client
        self.retry_after = retry_after
        self._lock = threading.Lock()
        self._running = 0
        self._by_client: dict[str, int] = {}

    @property
    def running(self) -> int:
        """Return the number of checks admitted and not yet finished."""
        return self._running

    @contextmanager
    def admit(self, client: str) -> Iterator[None]:
        """Hold one place for the block, or raise TooManyRequests when none is free for this client."""
        with self._lock:
            if self._by_client.get(client, 0) >= self.per_client:
                logger.info("verification upload from %s refused: %d check(s) of it still running", client,
                            self._by_client[client])
                raise TooManyRequests(N_("A file you sent is still being checked; wait for its result, then "
                                         "try again."), field="file", retry_after=self.retry_after)
            if self._running >= self.total:
                logger.warning("verification upload from %s refused: %d checks running", client, self._running)
                raise TooManyRequests(N_("Too many files are being checked right now; try again in a minute."),
                                      field="file", retry_after=self.retry_after)
            self._running += 1
            self._by_client[client] = self._by_client.get(client, 0) + 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1
                left = self._by_client[client] - 1
                if left:
                    self._by_client[client] = left
                else:
                    del self._by_client[client]
