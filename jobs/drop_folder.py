"""Job ``drop_folder``: import every file a practice drops into ``OPSBOT_DROP_DIR`` (issue 13).

A file's feed is recognised by its name (``<feed>[-_. ]…``, e.g. ``appointments-2026-12-05.csv``,
``supply-items_monday.csv``; ``*.835``/``*.x12``/``*.edi`` are remittances) or, failing that, by its
header (exactly one feed's columns). Each file is imported in its own transaction and moved to
``done/`` (rejects file beside it; "imported with N rejected" when some rows were) or ``failed/``
(with ``<name>.error.txt`` saying why: also when rows were rejected and none imported, its
rejects file beside it). Every message, the error file and the feed load name the files where
they end up, after the move (the retention job deletes a rejects file by that name), owner-only
(files 0600, created folders 0700: they hold patient data; ``jobs.drop_storage``); ``done/`` is
purged of files older than ``OPSBOT_DROP_DONE_RETENTION_DAYS`` (30) on each run. The
outcome is a ``drop_files`` row, shown by ``/opsbot status`` and ``opsbot status``. Hidden files
and ``*.part``/``*.tmp`` are left alone; files still being written (modified in the last
``SETTLE_S`` seconds) are left for the next run and said so, by name, in the run's summary
(``still_being_written``: what ``opsbot jobs run drop_folder`` prints and the job's INFO line).
The feed loads it produces are what the ``stale_data`` alert watches,
so when files stop arriving the alert fires.
"""

from __future__ import annotations

import csv
import logging
import re
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy.orm import Session

from bot.errors import OpsBotError
from bot.ingest.base import ImportSummary
from bot.ingest.registry import CSV_FEEDS, feed_of_header, make_importer
from bot.phi_labels import guard_of
from jobs.context import JobContext, JobSpec
from jobs.drop_storage import (
    DEFAULT_DONE_RETENTION_DAYS,
    private_move,
    purge_done,
    rejects_name,
    settle_files,
    write_private,
)
from storage.db import session_scope
from storage.models import DropFile, FeedLoad

log = logging.getLogger(__name__)
JOB_ID = "drop_folder"
SETTLE_S = 5.0
X12_SUFFIXES = {".835", ".x12", ".edi"}


def recognise(path: Path) -> str:
    """The feed of a dropped file.

    Raises:
        OpsBotError: neither its name nor its header says which feed it is (with what to do).
    """
    stem = path.name.lower().replace("_", "-")
    if path.suffix.lower() in X12_SUFFIXES:
        return "remittances"
    for name in sorted(CSV_FEEDS, key=len, reverse=True):
        if re.match(rf"{re.escape(name)}(?:$|[-. ])", stem):
            return name
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        header = []
    found = feed_of_header(header)
    if len(found) == 1:
        return found[0]
    names = ", ".join(CSV_FEEDS)
    raise OpsBotError(f"{path.name}: cannot tell which feed this is "
                      f"({'its header fits ' + ', '.join(found) if found else 'its header fits no feed'}). "
                      f"Start the file name with the feed: {names} (e.g. appointments-2026-12-05.csv), "
                      "or use *.835 for remittances.")


def _import(ctx: JobContext, feed: str, path: Path, rejects: Path) -> Any:
    from bot.ingest.remittances import import_remittance_file
    from bot.ingest.runner import run_import

    secret = ctx.extra.get("pseudonym_key")  # a SecretStr: never in a repr or a log line
    key = secret.get_secret_value() if isinstance(secret, SecretStr) else str(secret or "")
    with session_scope(ctx.sessions) as s:
        if feed == "remittances":
            return import_remittance_file(s, path, rejects_path=rejects, guard=guard_of(ctx.org))
        importer = make_importer(feed, pseudonym_key=key, timezones={c.key: c.timezone for c in ctx.org.clinics},
                                 clinic_names={c.key: c.name for c in ctx.org.clinics})
        return run_import(s, importer, path, rejects_path=rejects, progress=False, guard=guard_of(ctx.org))


def outcome_of(summary: ImportSummary) -> str:
    """``failed`` when nothing was stored and something was rejected (the file is unusable as
    sent), ``partial`` when some of it was rejected, else ``imported``."""
    stored = summary.imported + summary.updated + summary.unchanged
    if summary.rejected and not stored:
        return "failed"
    return "partial" if summary.rejected else "imported"


def judge(summary: ImportSummary) -> tuple[str, str]:
    """(outcome, message) of an import that ran (``outcome_of``); the message starts with what
    status shows: the report's headline, what the run did in words ("Imported 1,204 appointments
    from x.csv; 3 rows rejected (see …)"); a failure adds the rest of the report after " — ".
    Called once the files are in their final folder (``settle_files``), so every path it names is
    where that file now is."""
    outcome = outcome_of(summary)
    if outcome == "failed":
        return "failed", summary.headline() + " — " + "; ".join(summary.lines()[1:])
    return outcome, summary.headline()


def _explain_failure(moved: Path, summary: ImportSummary) -> None:
    """``<name>.error.txt`` beside a file nothing could be imported from: the whole import report
    (counts and reasons by line), naming the file and its rejects where they now are."""
    text = "\n".join(summary.lines()) + "\n"
    write_private(moved.with_name(moved.name + ".error.txt"), text)
    log.warning("drop folder: %s failed: nothing imported, %d rejected; moved to %s (why: %s.error.txt)",
                moved.name, summary.rejected, moved, moved.name)


def _record_rejects_path(session: Session, summary: ImportSummary) -> None:
    """The feed load names its rejects file where the move left it: the retention job deletes it
    by that name (``jobs.retention.purge_rejects_files``)."""
    load = session.get(FeedLoad, summary.feed_load_id) if summary.feed_load_id else None
    if load is not None and summary.rejects_path is not None:
        load.rejects_path = str(summary.rejects_path)


def pending(folder: Path, now_s: float) -> tuple[list[Path], list[Path]]:
    """(files ready to import, oldest first; files still being written: changed less than
    ``SETTLE_S`` seconds before ``now_s`` (epoch seconds), by name). Hidden files and
    ``*.part``/``*.tmp`` are in neither: they are declared unfinished by their writer."""
    files = [(p.stat().st_mtime, p) for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
             and p.suffix.lower() not in (".part", ".tmp")]  # one stat per file
    ready = sorted(((mtime, p) for mtime, p in files if now_s - mtime >= SETTLE_S), key=lambda mp: (mp[0], mp[1].name))
    settling = sorted((p for mtime, p in files if now_s - mtime < SETTLE_S), key=lambda p: p.name)
    return [p for _, p in ready], settling


def settling_note(names: list[str]) -> str:
    """What the operator is told of files left because they were still being written ('' for none):
    names only (a file name is the practice's label, never its contents)."""
    if not names:
        return ""
    what = "1 file skipped" if len(names) == 1 else f"{len(names)} files skipped"
    return (f"{what}: still being written (changed less than {SETTLE_S:g} s ago); "
            f"{'it' if len(names) == 1 else 'they'} will be imported on the next run: {', '.join(names)}")


def run(ctx: JobContext, _clinic: str | None, now: datetime) -> dict[str, Any]:
    folder = ctx.extra.get("drop_dir")
    if not folder:
        return {"skipped": "no OPSBOT_DROP_DIR"}
    folder = Path(folder)
    if not folder.is_dir():
        raise OpsBotError(f"OPSBOT_DROP_DIR {folder} is not a folder")
    days = int(ctx.extra.get("drop_done_retention_days") or DEFAULT_DONE_RETENTION_DAYS)
    rejects_days = ctx.org.rejects_retention_days
    purged = len(purge_done(folder / "done", now, days))
    done = failed = 0
    ready, settling = pending(folder, time.time())
    for path in ready:
        feed, load_id, message = None, None, None
        summary: ImportSummary | None = None
        try:
            feed = recognise(path)
            rejects = rejects_name(folder, now, path)
            summary = _import(ctx, feed, path, rejects)
            load_id = summary.feed_load_id
            moved = settle_files(path, folder, now, outcome_of(summary), summary, rejects_days, days)
            outcome, message = judge(summary)
            if outcome == "failed":
                _explain_failure(moved, summary)
                failed += 1
            else:
                done += 1
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
            message = exc.user_message if isinstance(exc, OpsBotError) else f"{type(exc).__name__}: {exc}"
            moved, outcome = private_move(path, folder / "failed", now), "failed"
            write_private(moved.with_name(moved.name + ".error.txt"), message + "\n")
            log.warning("drop folder: %s failed: %s; moved to %s (why: %s.error.txt)", path.name, message, moved,
                        moved.name)
            failed += 1
        with session_scope(ctx.sessions) as s:
            if summary is not None:
                _record_rejects_path(s, summary)
            s.add(DropFile(name=path.name[:300], feed=feed, outcome=outcome, feed_load_id=load_id or None,
                           message=message, moved_to=str(moved), at=now))
    result: dict[str, Any] = {"imported": done, "failed": failed, "purged": purged}
    if settling:
        result["still_being_written"] = settling_note([p.name for p in settling])
    return result


SPECS = (JobSpec(JOB_ID, run, "import files from the drop folder (OPSBOT_DROP_DIR)"),)
