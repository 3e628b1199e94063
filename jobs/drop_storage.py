"""Where the drop folder keeps what it took: ``done/`` and ``failed/`` hold patient data, so
files are moved in owner-only (0600) and folders created owner-only (0700); ``done/`` keeps a
file ``OPSBOT_DROP_DONE_RETENTION_DAYS`` days (default 30) after it was moved there.

A moved file's name starts with the UTC moment it was moved (``%Y%m%dT%H%M%S-``); that moment, not
the modification time (a move keeps the exporter's), is what the retention counts from. A file
without that prefix (put there by hand) is aged by its modification time. An imported file and
its rejects file end up side by side (``settle_files``), and what is said of them names them there.
"""

from __future__ import annotations

import os
import secrets
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.ingest.base import ImportSummary

STAMP = "%Y%m%dT%H%M%S"
DEFAULT_DONE_RETENTION_DAYS = 30


def private_dir(folder: Path) -> Path:
    """``folder`` created 0700 (with its missing parents); an existing folder is left as it is."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    for created in missing:
        os.chmod(created, 0o700)  # mkdir(mode=…) is filtered by the umask
    return folder


def private_move(path: Path, folder: Path, now: datetime) -> Path:
    """Move ``path`` into ``folder`` as ``<now stamp>-<name>``, mode 0600."""
    target = private_dir(folder) / f"{now:{STAMP}}-{path.name}"
    shutil.move(str(path), target)
    os.chmod(target, 0o600)
    return target


def write_private(path: Path, text: str) -> Path:
    """Create ``path`` 0600 from the start (never briefly world-readable) and write ``text``."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, 0o600)
    return path


def moved_at(path: Path) -> datetime:
    """When ``path`` was moved into ``done/`` (naive UTC): its name's stamp, else its mtime."""
    try:
        return datetime.strptime(path.name[:15], STAMP)
    except ValueError:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)


def purge_done(done: Path, now: datetime, days: int) -> list[Path]:
    """Delete the files of ``done`` moved there more than ``days`` days before ``now`` (naive
    UTC). Returns what was deleted. ``days`` < 1 is refused (ValueError): 0 would delete the
    file just imported."""
    if days < 1:
        raise ValueError(f"done/ retention must be at least 1 day, not {days}")
    if not done.is_dir():
        return []
    cutoff = now - timedelta(days=days)
    deleted = []
    for path in sorted(done.iterdir()):
        if path.is_file() and moved_at(path) < cutoff:
            path.unlink(missing_ok=True)
            deleted.append(path)
    return deleted


def rejects_name(folder: Path, now: datetime, path: Path) -> Path:
    """``done/<stamp>-<stem>.rejects.csv`` (moved to ``failed/`` with a failed file); a second
    file of the same stem in one run (``x.csv`` and ``x.835``) gets ``-<6 hex>`` more, so it
    never overwrites the first one's rejects in either folder."""
    done = private_dir(folder / "done")
    name = f"{now:{STAMP}}-{path.stem}.rejects.csv"
    while (done / name).exists() or (folder / "failed" / name).exists():
        name = f"{now:{STAMP}}-{path.stem}-{secrets.token_hex(3)}.rejects.csv"
    return done / name


def settle_files(path: Path, folder: Path, now: datetime, outcome: str, summary: ImportSummary,
                 rejects_days: int, done_days: int) -> Path:
    """Move the imported file to ``done/`` (``failed/`` when ``outcome`` is ``failed``), its
    rejects file beside it, and point ``summary`` at where both now are (``source_name``,
    ``rejects_path``; ``rejects_deleted_after``: the first of the rejects retention and, in
    ``done/``, the folder's own), so no message names a path the file has left. Returns the
    moved file."""
    moved = private_move(path, folder / ("failed" if outcome == "failed" else "done"), now)
    summary.source_name = str(moved)
    rejects = Path(summary.rejects_path) if summary.rejects_path is not None else None
    if rejects is not None and rejects.exists() and rejects.parent != moved.parent:
        rejects = rejects.rename(moved.parent / rejects.name)  # already stamped and 0600 (made in done/)
    if rejects is not None:
        summary.rejects_path = rejects
        days = rejects_days if outcome == "failed" else min(rejects_days, done_days)
        summary.rejects_deleted_after = now.date() + timedelta(days=days)
    return moved
