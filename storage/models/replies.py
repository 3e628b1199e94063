"""Work promised by an acknowledgement and not yet done (issue 14): one row per reply owed.

The row is written in the request's guard transaction (``bot.slack.middleware.guard``), i.e. committed
before Slack gets its acknowledgement, and deleted once the reply has gone. ``claimed_by`` /
``claimed_until`` (naive UTC) say which ``opsbot serve`` process is doing it; a process renews
its claims while alive (``bot.replies.sweeper``), so a row whose claim has lapsed belongs to a
process that died, and another one (or the same after restart) does the work.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


class PendingReply(Base):
    __tablename__ = "pending_replies"
    __table_args__ = (Index("ix_pending_replies_claimed_until", "claimed_until"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # "kpi.answer", "kpi.share", "kpi.chart", ...
    payload: Mapped[str] = mapped_column(Text)  # JSON: what the work needs (text, response_url, ids)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)  # the acknowledgement
    claimed_by: Mapped[str] = mapped_column(String(128))  # host:pid:random of the serving process
    claimed_until: Mapped[datetime] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
