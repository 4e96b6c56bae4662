"""E-mail notifications: who should hear about a letter, what to tell them, and sending over SMTP."""
from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from datetime import date
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from sqlalchemy.orm import Session

from docflow.auth.models import User
from docflow.config import MailSettings
from docflow.documents.models import Document
from docflow.org.queries import active_delegation, holders

logger = logging.getLogger(__name__)

SUBJECTS = {
    "to_act": "Menunggu tindakan Anda / Waiting for you: {title}",
    "returned": "Dikembalikan untuk perbaikan / Returned for revision: {title}",
    "signed": "Telah ditandatangani / Signed: {title} ({number})",
    "rejected": "Ditolak / Rejected: {title}",
    "received": "Naskah masuk / Incoming letter: {title} ({number})",
    "incoming": "Naskah masuk untuk Anda / An incoming letter for you: {title}",
    "disposition": "Disposisi untuk Anda / A disposisi for you: {title}",
}
BODIES = {
    "to_act": "Naskah \"{title}\" menunggu paraf atau tanda tangan Anda.\nThe letter \"{title}\" waits for "
              "your initials or signature.",
    "returned": "Naskah \"{title}\" dikembalikan untuk perbaikan.\nThe letter \"{title}\" was returned for "
                "revision.",
    "signed": "Naskah \"{title}\" telah ditandatangani dengan nomor {number}.\nThe letter \"{title}\" was signed "
              "as {number}.",
    "rejected": "Naskah \"{title}\" ditolak.\nThe letter \"{title}\" was rejected.",
    "received": "Naskah \"{title}\" nomor {number} dikirim kepada Anda.\nThe letter \"{title}\" ({number}) was "
                "sent to you.",
    "incoming": "Naskah masuk \"{title}\" telah diregistrasi dan ditujukan kepada Anda.\nThe incoming letter "
                "\"{title}\" was registered and is addressed to you.",
    "disposition": "Anda menerima disposisi tentang naskah masuk \"{title}\".\nYou received a disposisi about the "
                   "incoming letter \"{title}\".",
}


class MailUnavailable(Exception):
    """The SMTP server could not be reached or refused the message: try again later."""


def recipients(session: Session, *, position_ids: Iterable[int], user_ids: Iterable[int], on: date) -> list[User]:
    """Return the active people behind desks (holders and their Plt./Plh.) and named users, with e-mail."""
    people: dict[int, User] = {}
    for position_id in position_ids:
        for user in holders(session, position_id, on):
            people[user.id] = user
        delegation = active_delegation(session, position_id, on)
        if delegation is not None:
            delegate = session.get(User, delegation.delegate_user_id)
            if delegate is not None:
                people[delegate.id] = delegate
    for user_id in user_ids:
        user = session.get(User, user_id)
        if user is not None:
            people[user.id] = user
    return [u for u in people.values() if u.is_active and u.email]


def compose(document: Document, event: str, *, to: list[User], sender: str, link: str) -> EmailMessage:
    """Build the notification message for a letter event."""
    values = {"title": document.title, "number": document.number or "-"}
    message = EmailMessage()
    message["Subject"] = SUBJECTS.get(event, "Docflow: {title}").format(**values)
    message["From"] = sender
    message["To"] = ", ".join(f"{u.display_name} <{u.email}>" for u in to)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="docflow")
    body = BODIES.get(event, "{title}").format(**values)
    message.set_content(f"{body}\n\n{link}\n" if link else f"{body}\n")
    return message


def compose_unlock(user: User, *, link: str, sender: str) -> EmailMessage:
    """Build the message with a link that unlocks a person's logins (good once, for an hour)."""
    message = EmailMessage()
    message["Subject"] = "Buka kunci login Docflow / Unlock your Docflow login"
    message["From"] = sender
    message["To"] = f"{user.display_name} <{user.email}>"
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="docflow")
    message.set_content(
        f"Login akun {user.username} tertahan karena beberapa kata sandi salah. Buka tautan ini dalam satu jam "
        "untuk mencoba lagi segera. Abaikan surel ini jika Anda tidak memintanya.\n"
        f"Logins to the account {user.username} wait after several wrong passwords. Open this link within an "
        "hour to try again at once. Ignore this e-mail if you did not ask for it.\n\n"
        f"{link}\n")
    return message


def send(settings: MailSettings, message: EmailMessage) -> None:
    """Send one message over SMTP (STARTTLS and login when configured)."""
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds) as smtp:
            if settings.starttls:
                smtp.starttls()
            if settings.username:
                smtp.login(settings.username, settings.password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailUnavailable(f"SMTP {settings.host}:{settings.port}: {exc}") from exc
    logger.info("sent %r to %s", message["Subject"], message["To"])


def compose_letter(document: Document, *, to_name: str, to_address: str, sender: str, pdf: bytes,
                   filename: str) -> EmailMessage:
    """Build the message that carries a signed letter to an external addressee, its PDF attached."""
    message = EmailMessage()
    message["Subject"] = f"{document.number or '-'}: {document.title}"
    message["From"] = sender
    message["To"] = f"{to_name} <{to_address}>"
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="docflow")
    message.set_content(
        f"Yth. {to_name},\n\nTerlampir naskah dinas nomor {document.number or '-'} perihal \"{document.title}\", "
        "ditandatangani secara elektronik. Kode QR pada naskah menunjukkan halaman verifikasinya.\n\n"
        f"Attached is the official letter number {document.number or '-'}, \"{document.title}\", signed "
        "electronically. The QR code on the letter opens the page that verifies it.\n")
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=filename)
    return message
