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
    for mailbox in sources.mailboxes:
        rounds[mailbox.key] = poll_mailbox(services, mailbox)
    for folder in sources.folders:
        rounds[folder.key] = poll_folder(services, folder)
    return rounds
