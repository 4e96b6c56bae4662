"""Read a unit's IMAP mailbox: each message with a file becomes a pending registration for its clerk.

A message is marked (\\Seen and the $DocflowTaken keyword) only after the row that records it is
committed; a crash in between reads it again, and the row's unique (unit, UIDVALIDITY:UID) key, or
the Message-ID, finds it already taken. A message that cannot be read is recorded as failed, with
the whole message kept in the object store; one too large to fetch stays in the mailbox.
"""
from __future__ import annotations

import email
import email.policy
import email.utils
import imaplib
import io
import logging
import re
import socket
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError

from docflow.errors import N_, DocflowError, Message
from docflow.incoming.intake import (
    Arrival,
    already_taken,
    receive_file,
    record_pending,
    record_source_health,
    store_bytes,
    store_upload,
    unit_by_code,
)
from docflow.incoming.sources import MailboxSource

logger = logging.getLogger(__name__)

TAKEN = "$DocflowTaken"
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")
_DATE = re.compile(rb'INTERNALDATE "([^"]+)"')


class MailboxUnavailable(Exception):
    """The mailbox could not be reached, logged into or read; nothing was taken from it."""


@dataclass
class MailboxRound:
    """What one reading of a mailbox did."""

    taken: int = 0
    failed: int = 0
    duplicates: int = 0
    error: str | None = None


def connect(source: MailboxSource, *, timeout: float) -> imaplib.IMAP4:
    """Log into the mailbox over TLS, STARTTLS or (loopback tests only) plain IMAP and select its folder."""
    context = ssl.create_default_context(cafile=source.ca_file or None)
    conn: imaplib.IMAP4 | None = None
    try:
        if source.security == "tls":
            conn = imaplib.IMAP4_SSL(source.host, source.port, ssl_context=context, timeout=timeout)
        else:
            conn = imaplib.IMAP4(source.host, source.port, timeout=timeout)
            if source.security == "starttls":
                conn.starttls(ssl_context=context)
        conn.login(source.username, source.password)
        status, data = conn.select(_quoted(source.folder))
        if status != "OK":
            raise MailboxUnavailable(f"cannot open folder {source.folder}: {_text(data)}")
    except (OSError, imaplib.IMAP4.error, ssl.SSLError, MailboxUnavailable) as exc:
        if conn is not None:
            try:
                conn.shutdown()
            except OSError:
                pass
        if isinstance(exc, MailboxUnavailable):
            raise
        raise MailboxUnavailable(f"{source.host}:{source.port}: {type(exc).__name__}: {exc}") from exc
    return conn


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text(data: object) -> str:
    if isinstance(data, list):
        return " ".join(_text(d) for d in data)
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return str(data)


def _check(status: str, data: object, what: str) -> None:
    if status != "OK":
        raise MailboxUnavailable(f"{what}: {status} {_text(data)}")


def poll_mailbox(services, source: MailboxSource) -> MailboxRound:
    """Take in every message not yet taken; record the mailbox's health either way (never raises for it)."""
    settings = services.settings.intake
    result = MailboxRound()
    with services.db.transaction() as session:
        unit = unit_by_code(session, source.unit)
        unit_id = unit.id if unit is not None else None
    if unit_id is None:
        result.error = f"unit {source.unit} (mailbox {source.name}) does not exist"
        logger.error("intake mailbox %s: %s", source.name, result.error)
        return result
    conn = None
    try:
        conn = connect(source, timeout=settings.timeout_seconds)
        _, data = conn.response("UIDVALIDITY")
        uidvalidity = _text(data[0] if data and data[0] else b"0")
        status, data = conn.uid("SEARCH", None, "UNKEYWORD", TAKEN, "UNDELETED")
        _check(status, data, "search")
        uids = [u for u in _text(data[0] if data and data[0] else b"").split() if u]
        for uid in uids:
            _take_message(services, conn, source, unit_id, uidvalidity, uid, result)
    except (MailboxUnavailable, OSError, imaplib.IMAP4.error, ssl.SSLError, socket.timeout) as exc:
        result.error = str(exc) if isinstance(exc, MailboxUnavailable) else f"{type(exc).__name__}: {exc}"
        logger.error("intake mailbox %s (%s:%s) is unavailable, retrying at the next round: %s", source.name,
                     source.host, source.port, result.error)
    finally:
        if conn is not None:
            try:
                conn.logout()
            except (OSError, imaplib.IMAP4.error):
                pass
    with services.db.transaction() as session:
        record_source_health(session, name=source.key, unit_id=unit_id, now=services.now(), error=result.error)
    if result.taken or result.failed:
        logger.info("intake mailbox %s: %d taken in, %d failed, %d duplicates", source.name, result.taken,
                    result.failed, result.duplicates)
    return result


def _mark_taken(conn: imaplib.IMAP4, uid: str) -> None:
    status, data = conn.uid("STORE", uid, "+FLAGS", f"(\\Seen {TAKEN})")
    _check(status, data, f"marking message {uid}")


def _take_message(services, conn: imaplib.IMAP4, source: MailboxSource, unit_id: int, uidvalidity: str, uid: str,
                  result: MailboxRound) -> None:
    settings = services.settings
    source_key = f"imap:{source.name}:{uidvalidity}:{uid}"
    status, data = conn.uid("FETCH", uid, "(RFC822.SIZE INTERNALDATE)")
    _check(status, data, f"fetching the size of message {uid}")
    head = b" ".join(d if isinstance(d, bytes) else d[0] for d in data if d)
    size_match, date_match = _SIZE.search(head), _DATE.search(head)
    size = int(size_match.group(1)) if size_match else 0
    internal = _internal_date(date_match.group(1).decode() if date_match else "")
    limit = int(settings.intake.max_message_mb * 1024 * 1024)
    with services.db.transaction() as session:
        if already_taken(session, unit_id, Arrival("mail", source_key)) is not None:
            result.duplicates += 1
            _mark_taken(conn, uid)  # committed before a crash: only the mark was missing
            return
    if size > limit:
        arrival = Arrival("mail", source_key, received_at=internal,
                          subject=_header_of(conn, uid, "Subject"), sender=_header_of(conn, uid, "From"))
        reason = Message(N_("the message is %(size)s MB, larger than the limit of %(limit)s MB; it stays in the "
                            "mailbox %(mailbox)s (UID %(uid)s)"),
                         size=round(size / 2**20, 1), limit=settings.intake.max_message_mb, mailbox=source.name,
                         uid=uid)
        with services.db.transaction() as session:
            record_pending(session, unit_id=unit_id, arrival=arrival, upload=None, file_key=None, original_key=None,
                           reason=reason)
        result.failed += 1
        _mark_taken(conn, uid)
        return
    status, data = conn.uid("FETCH", uid, "(BODY.PEEK[])")
    _check(status, data, f"fetching message {uid}")
    raw = next((d[1] for d in data if isinstance(d, tuple) and len(d) == 2), None)
    if raw is None:
        raise MailboxUnavailable(f"message {uid} came without its body")
    arrival = _arrival(raw, source_key, internal)
    with services.db.transaction() as session:
        if arrival.message_id and already_taken(session, unit_id, arrival) is not None:
            result.duplicates += 1
            logger.info("intake mailbox %s: message %s (%s) was delivered again; not taken twice", source.name,
                        uid, arrival.message_id)
            duplicate = True
        else:
            duplicate = False
    if duplicate:
        _mark_taken(conn, uid)
        return
    original_key = store_bytes(services.store, raw)
    upload, reason = _first_file(services, raw)
    try:
        file_key = store_upload(services.store, upload) if upload is not None else None
        with services.db.transaction() as session:
            record_pending(session, unit_id=unit_id, arrival=arrival, upload=upload, file_key=file_key,
                           original_key=original_key, reason=reason)
    except IntegrityError:  # another worker took the same message in at the same moment
        result.duplicates += 1
        _mark_taken(conn, uid)
        return
    finally:
        if upload is not None:
            upload.close()
    if upload is None:
        result.failed += 1
    else:
        result.taken += 1
    _mark_taken(conn, uid)


def _internal_date(value: str) -> datetime | None:
    try:
        parsed = email.utils.parsedate_to_datetime(value.replace("-", " ", 2)) if value else None
    except (TypeError, ValueError):
        return None
    return parsed.astimezone(UTC) if parsed and parsed.tzinfo else None


def _header_of(conn: imaplib.IMAP4, uid: str, name: str) -> str:
    try:
        status, data = conn.uid("FETCH", uid, f"(BODY.PEEK[HEADER.FIELDS ({name.upper()})])")
        raw = next((d[1] for d in data if isinstance(d, tuple) and len(d) == 2), b"")
        message = email.message_from_bytes(raw, policy=email.policy.default)
        return str(message.get(name, "") or "").strip()
    except Exception:  # a header is a courtesy here: the failed row is recorded without it
        return ""


def _arrival(raw: bytes, source_key: str, internal: datetime | None) -> Arrival:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    sender, address = "", ""
    try:
        addresses = message["From"].addresses if message["From"] is not None else ()
        if addresses:
            sender, address = addresses[0].display_name, addresses[0].addr_spec
    except (AttributeError, IndexError, TypeError, ValueError):
        sender = str(message.get("From", "") or "")
    try:
        subject = str(message.get("Subject", "") or "")
    except (TypeError, ValueError):
        subject = ""
    received = internal
    if received is None:
        try:
            sent = email.utils.parsedate_to_datetime(str(message.get("Date", "")))
            received = sent.astimezone(UTC) if sent.tzinfo else None
        except (TypeError, ValueError):
            received = None
    return Arrival("mail", source_key, sender=" ".join(sender.split()), sender_address=address,
                   subject=" ".join(subject.split()), received_at=received,
                   message_id=str(message.get("Message-ID", "") or "").strip())


def _first_file(services, raw: bytes):
    """Return the first attached file that passes the upload checks, or None and why none did."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    settings = services.settings
    refusals: list[Message] = []
    candidates = 0
    for part in message.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        if not filename and part.get_content_disposition() != "attachment" and part.get_content_maintype() in {
                "text", "multipart"}:
            continue  # the message's own text
        candidates += 1
        name = filename or f"lampiran.{part.get_content_subtype()}"
        try:
            payload = part.get_payload(decode=True) or b""
            return receive_file(io.BytesIO(payload), name, max_bytes=settings.max_upload_bytes,
                                allowed_types=settings.uploads.allowed_types, spool_dir=services.spool_dir), None
        except DocflowError as exc:
            refusals.append(Message(N_("%(name)s: %(reason)s"), name=name, reason=exc.reason))
    if not candidates:
        return None, Message(N_("the message has no attached file"))
    if len(refusals) == 1:
        return None, refusals[0]
    reasons = refusals[0]
    for refusal in refusals[1:]:  # nested, not joined as text, so each is shown in the reader's language
        reasons = Message(N_("%(first)s; %(next)s"), first=reasons, next=refusal)
    return None, Message(N_("no attached file could be taken in: %(reasons)s"), reasons=reasons)
