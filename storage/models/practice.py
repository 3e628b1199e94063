"""What a practice running the bot needs to see (issue 13): revocations of the app's token and
the files taken from the drop folder.

``slack_revocations`` is append-only: one row per ``app_uninstalled`` / ``tokens_revoked`` event
(in single-token mode the bot cannot delete a token it was given in ``SLACK_BOT_TOKEN``; it
records that Slack revoked it, and ``opsbot status`` shows it). ``drop_files`` has one row per
file the ``drop_folder`` job took: the feed it was recognised as, the feed load it produced (its
counts are in ``feed_loads``), or why it failed, and where the file was moved.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


class SlackRevocation(Base):
    __tablename__ = "slack_revocations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event: Mapped[str] = mapped_column(String(32))  # app_uninstalled | tokens_revoked
    team_id: Mapped[str | None] = mapped_column(String(32))
    enterprise_id: Mapped[str | None] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class DropFile(Base):
    __tablename__ = "drop_files"
    __table_args__ = (Index("ix_drop_files_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    feed: Mapped[str | None] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(16))  # imported | partial (some rows rejected) | failed
    feed_load_id: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str | None] = mapped_column(Text)
    moved_to: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
