"""The bot's state for an operator, as plain lines: ``/opsbot status`` and ``opsbot status``.

Database and migrations, the organisation file (clinics, a refused reload), Slack revocations,
each feed's latest load with its counts, and the drop folder (files waiting, the latest files
taken and what became of them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.ingest.headline import ROWS, headline
from bot.ingest.registry import noun_of_feed
from bot.ingest.remittances import CLAIM_PAYMENTS
from bot.phi_guard import Guard
from bot.phi_labels import file_names_shown, shown_file_name
from storage.db import session_scope
from storage.models import AuditEvent, Clinic, DropFile, FeedLoad, SlackRevocation

RECENT_DROPS = 5


def _feed_lines(s: Session, guard: Guard | None) -> list[str]:
    latest = (select(FeedLoad.feed, func.max(FeedLoad.id).label("id")).where(FeedLoad.finished_at.is_not(None))
              .group_by(FeedLoad.feed).subquery())
    rows = s.scalars(select(FeedLoad).join(latest, FeedLoad.id == latest.c.id).order_by(FeedLoad.feed)).all()
    return [f"Feed {r.feed}: last loaded {r.finished_at:%Y-%m-%d %H:%M} UTC — " + _said(r, guard) for r in rows] or [
        "No data feeds loaded yet."]


def _said(load: FeedLoad, guard: Guard | None) -> str:
    """The load's import headline in words, from its stored counts (its report's first line without
    the rejects file: the retention job may have deleted it since)."""
    noun = noun_of_feed(load.feed)
    name = Path(load.source_name).name
    return headline(name if guard is None else shown_file_name(name, guard), read=load.rows_read, imported=load.rows_imported,
                    updated=load.rows_updated, unchanged=load.rows_unchanged, rejected=load.rows_rejected,
                    warned=load.rows_warned, noun=noun, rows=CLAIM_PAYMENTS if noun == CLAIM_PAYMENTS else ROWS)


def _drop_lines(s: Session, drop_dir: Path | None, guard: Guard | None) -> list[str]:
    if drop_dir is None:
        return ["Drop folder: not set (OPSBOT_DROP_DIR)."]
    waiting = (sum(1 for p in drop_dir.iterdir() if p.is_file() and not p.name.startswith("."))
               if drop_dir.is_dir() else None)
    lines = [f"Drop folder {drop_dir}: " + ("missing!" if waiting is None else f"{waiting} file(s) waiting.")]
    for d in s.scalars(select(DropFile).order_by(DropFile.id.desc()).limit(RECENT_DROPS)):
        what = (d.message or "").splitlines()[0] if d.message else ""
        name = d.name
        if guard is not None:  # before the cut: a name cut short would no longer be found
            name, what = shown_file_name(d.name, guard), file_names_shown(what, d.name, guard)
        what = what[:300]
        if d.outcome in ("partial", "imported") and what:  # the import's headline: "Imported … from …; …"
            lines.append(f"• {d.at:%Y-%m-%d %H:%M} {name}: {what}")
        else:
            lines.append(f"• {d.at:%Y-%m-%d %H:%M} {name}: {d.outcome}" + (f": {what}" if what else ""))
    return lines


def _clinic_line(clinics: int, org_path: Path | None, in_database: int) -> str:
    """How many clinics the organisation file configures, which file that is (or that none is
    set: then 0 is expected, not a fault) and how many clinics the database holds data for."""
    source = f"in {org_path}" if org_path is not None else "no organisation file: OPSBOT_CONFIG is not set"
    return f"Clinics configured: {clinics} ({source}); clinics in the database: {in_database:,}."


def status_lines(engine: Engine, sessions: sessionmaker[Session], *, clinics: int, drop_dir: Path | None = None,
                 org_error: str | None = None, org_path: Path | None = None, guard: Guard | None = None) -> list[str]:
    """What an operator needs to know about the bot now (no patient data).

    ``guard``: for Slack, the organisation's identifier guard: every file name is shown through
    :func:`bot.phi_labels.shown_file_name`; None (the admin's own terminal): file names as they are.

    ``clinics``: clinics in the organisation file in force (``len(org.clinics)``); ``org_path``:
    that file (``Settings.opsbot_config``), None when none is configured."""
    from storage.migrate import is_at_head

    at_head = is_at_head(engine)
    lines = [f"Database: reachable, migrations {'at head' if at_head else 'behind (run `opsbot db upgrade`)'}."]
    with session_scope(sessions) as s:
        audit_rows = s.scalar(select(func.count()).select_from(AuditEvent)) or 0
        in_database = s.scalar(select(func.count()).select_from(Clinic)) or 0
        lines.append(_clinic_line(clinics, org_path, in_database))
        lines.append(f"Audit rows: {audit_rows:,}.")
        if org_error:
            lines.append(f"Organisation file: the last edit was refused, the previous one is in force — {org_error}")
        revoked: Any = s.scalars(select(SlackRevocation).order_by(SlackRevocation.id.desc()).limit(1)).first()
        if revoked is not None:
            lines.append(f"Slack: {revoked.event} received {revoked.at:%Y-%m-%d %H:%M} UTC — reinstall the app and set "
                         "the new SLACK_BOT_TOKEN if you have not since.")
        lines += _feed_lines(s, guard)
        lines += _drop_lines(s, drop_dir, guard)
    return lines
