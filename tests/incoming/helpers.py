"""Builders for the incoming-letter tests: register through the API, give disposisi, act on nodes."""
from __future__ import annotations

import io
from typing import Any

from tests.fixtures import make_pdf


def register(client, headers: dict[str, str], *, addressees: list[int], subject: str = "Undangan rapat koordinasi",
             sender: str = "Kementerian Dalam Negeri", sender_number: str = "005/123/SJ",
             sender_date: str = "2026-03-01", text: str | None = None, **fields: Any):
    """POST a scanned letter to the incoming book (multipart, as a clerk's client does)."""
    form = {"sender": sender, "sender_number": sender_number, "sender_date": sender_date, "subject": subject,
            "addressees": [str(a) for a in addressees], **fields,
            "file": (io.BytesIO(make_pdf(text or f"{subject}\n{sender}\nNomor {sender_number}")), "scan.pdf")}
    return client.post("/api/v1/incoming-letters", data=form, headers=headers, content_type="multipart/form-data")


def dispose(client, headers: dict[str, str], letter_id: int, recipients: list[int], instructions: list[int],
            **extra: Any):
    """Give a disposisi about a letter through the API."""
    return client.post(f"/api/v1/incoming-letters/{letter_id}/dispositions",
                       json={"recipients": recipients, "instructions": instructions, **extra}, headers=headers)


def act(client, headers: dict[str, str], node_id: int, action: str, **body: Any):
    """Take an action on a disposisi node through the API."""
    return client.post(f"/api/v1/dispositions/{node_id}/actions/{action}", json=body, headers=headers)


def instruction_ids(client, headers: dict[str, str]) -> dict[str, int]:
    """Return the city's instructions by their text."""
    body = client.get("/api/v1/disposition-instructions", headers=headers).get_json()
    return {i["text"]: i["id"] for i in body["results"]}
