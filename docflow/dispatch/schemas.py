"""JSON shapes of the expedition book for the API."""
from __future__ import annotations

from typing import Any

from docflow.dispatch.models import Delivery


def delivery_json(delivery: Delivery) -> dict[str, Any]:
    """Return the API form of one line of the expedition book."""
    return {
        "id": delivery.id, "document_id": delivery.document_id, "recipient_id": delivery.recipient_id,
        "addressee": delivery.addressee, "method": delivery.method, "address": delivery.address,
        "delivered_on": delivery.delivered_on.isoformat() if delivery.delivered_on else None,
        "receiver": delivery.receiver, "reference": delivery.reference, "status": delivery.status,
        "detail": delivery.detail, "created_at": delivery.created_at.isoformat(),
        "sent_at": delivery.sent_at.isoformat() if delivery.sent_at else None,
    }
