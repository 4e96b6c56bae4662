"""The report's snapshots: a period's figures counted ahead by the worker, served to readers as they are."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from docflow.db import Base
from docflow.incoming.models import Disposition


class ReportSnapshot(Base):
    """The city's report of one period (every unit, its totals), as counted at `computed_at`."""

    __tablename__ = "report_snapshots"
    __table_args__ = (UniqueConstraint("period_start", "period_end", "timezone"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    timezone: Mapped[str] = mapped_column(String(64))
    computed_at: Mapped[datetime]
    # Seconds the counting took (the worker's cost of keeping this period current).
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)


# The report counts disposisi given and followed up in a period: by time, without reading every node.
Index("ix_dispositions_created_at", Disposition.created_at)
Index("ix_dispositions_followed_up_at", Disposition.followed_up_at)
