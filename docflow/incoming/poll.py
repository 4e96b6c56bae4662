"""One intake round of the worker: every configured mailbox and scanner folder, each on its own."""
from __future__ import annotations

import logging

from docflow.incoming.folder import poll_folder
from docflow.incoming.intake import source_round
from docflow.incoming.mailbox import poll_mailbox
from docflow.incoming.sources import IntakeSources, load_sources

logger = logging.getLogger(__name__)

# A source's round when another worker was reading it (PostgreSQL): nothing was done, it is read next round.
SKIPPED = "skipped"


def configured_sources(settings) -> IntakeSources:
    """Return the sources named by intake.sources_file (none when it is empty)."""
    name = settings.intake.sources_file
    return load_sources(settings.instance_file(name) if name else None)


def poll_sources(services, sources: IntakeSources | None = None) -> dict[str, object]:
    """Read every mailbox and folder once, one worker at a time each; one that is down is logged, the others go on."""
    sources = configured_sources(services.settings) if sources is None else sources
    rounds: dict[str, object] = {}
    for source, poll in [*((m, poll_mailbox) for m in sources.mailboxes), *((f, poll_folder) for f in sources.folders)]:
        try:
            with source_round(services.db, source.key) as mine:
                if not mine:
                    logger.info("intake %s is being read by another worker; skipped this round", source.key)
                    rounds[source.key] = SKIPPED
                    continue
                rounds[source.key] = poll(services, source)
        except Exception:  # the database or the store failed mid-round: the source is read again next round
            logger.exception("intake %s failed this round; nothing was marked taken, it is read again later",
                             source.key)
            rounds[source.key] = None
    return rounds
