"""The package of a hand-over (penyerahan), written by the worker once its berita acara is signed.

The letters and the signed berita acara go into one BagIt bag (docflow/export), streamed to a
scratch file and stored as an object under its SHA-256 key; then the batch claims it (upload, then
claim: a run that dies between the two leaves an orphan the sweep removes).
"""
from __future__ import annotations

import logging
import os
from datetime import datetime

from docflow.config import ca_key_secret
from docflow.export.package import package_stream
from docflow.retention.models import BatchKind, BatchState, RetentionBatch
from docflow.retention.operations import record_handover_package
from docflow.services import Services
from storage import make_scratch_file

logger = logging.getLogger(__name__)


def _trust(services: Services, session) -> tuple[str, list[bytes]] | None:
    from docflow.signing.operations import trust_material

    try:
        return trust_material(session, secret_key=ca_key_secret(services.settings), now=services.now())
    except Exception:  # noqa: BLE001 - a package whose signature report says "not checked" beats none
        logger.exception("hand-over package: no certificates and CRLs for the signature report")
        return None


def write_handover_package(services: Services, batch_id: int) -> str | None:
    """Write and store the package of a carried-out hand-over; return its key (None if there is nothing to do)."""
    with services.db.transaction() as session:
        batch = session.get(RetentionBatch, batch_id)
        if batch is None or batch.kind != BatchKind.HANDOVER or batch.state != BatchState.DONE:
            return None
        if batch.package_key is not None:
            return batch.package_key
        ids = [item.document_id for item in batch.kept_items]
        ba = batch.berita_acara
        info = {"Docflow-Handover-Batch": str(batch.id),
                "Docflow-Berita-Acara": f"{ba.id} {ba.number or ''}".strip() if ba else "-"}
        if ba is not None:
            ids.append(ba.id)
        description = f"Penyerahan arsip statis #{batch.id}: {len(batch.kept_items)} naskah dinas" + (
            f", berita acara {ba.number}" if ba is not None and ba.number else "")
        trust = _trust(services, session)
    stamp = datetime.now(services.timezone).strftime("%Y%m%d")
    fd, path = make_scratch_file(services.spool_dir, "handover", f"-{stamp}.zip")
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in package_stream(services.db, services.store, ids, tz=services.timezone, trust=trust,
                                        source=services.settings.server.public_url or "Docflow",
                                        description=description, info=info):
                out.write(chunk)
        with open(path, "rb") as stored:
            found = services.store.put(stored)
    finally:
        os.unlink(path)
    with services.db.transaction() as session:
        record_handover_package(session, batch_id=batch_id, key=found.key, sha256=found.sha256, size=found.size)
    return found.key
