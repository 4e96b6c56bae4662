"""One intake round of the worker: every configured mailbox and scanner folder, each on its own."""
from __future__ import annotations

import logging

from docflow.incoming.folder import poll_folder
from docflow.incoming.mailbox import poll_mailbox
from docflow.incoming.sources import IntakeSources, load_sources

logger = logging.getLogger(__name__)


def configured_sources(settings) -> IntakeSources:
    """Return the sources named by intake.sources_file (none when it is empty)."""
    name = settings.intake.sources_file
    return load_sources(settings.instance_file(name) if name else None)


def poll_sources(services, sources: IntakeSources | None = None) -> dict[str, object]:
    """Read every mailbox and folder once; one that is down is logged and recorded, the others go on."""
    sources = configured_sources(services.settings) if sources is None else sources
    rounds: dict[str, object] = {}
    for source, poll in [*((m, poll_mailbox) for m in sources.mailboxes), *((f, poll_folder) for f in sources.folders)]:
        try:
            rounds[source.key] = poll(services, source)
        except Exception:  # the database or the store failed mid-round: the source is read again next round
            logger.exception("intake %s failed this round; nothing was marked taken, it is read again later",
                             source.key)
            rounds[source.key] = None
    return rounds
