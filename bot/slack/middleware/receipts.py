"""Event dedup and interaction replay protection: one ``request_receipts`` row per delivery.

Key: ``e:<event_id>`` for Events API deliveries; ``h:<sha256 of the raw body>`` for slash
commands and interactions over HTTP. A replay must repeat the signed body byte for byte (any change
breaks the signature), and a new click, submit or command always differs (new ``trigger_id``,
``action_ts``, values), so the body hash names "this interaction" exactly. In Socket Mode Bolt
hands the listener an EMPTY raw body (``BoltRequest(mode="socket_mode", body=req.payload)``,
slack_bolt/adapter/socket_mode/internals.py), so the key there is ``p:<sha256 of the payload as
canonical JSON>``: the payload carries the same ``trigger_id``/``action_ts``/values that make
each delivery distinct (issue 13: keying on the empty body dropped every command after the first). The row is inserted on receipt, before any listener runs, in the
caller's transaction: a second delivery with the same key (a Slack retry of an event we already
received, or a replayed signed body) finds it and is not processed again. A retry of an event
that never reached us has no row and is processed normally (slack.md: never drop every retry).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.db import rows_affected
from storage.models import RequestReceipt

KEEP = timedelta(hours=1)  # signed requests older than 5 minutes are refused anyway


def receipt_key(body: dict[str, Any], raw_body: str | bytes) -> str:
    if body.get("type") == "event_callback" and body.get("event_id"):
        key = f"e:{body['event_id']}"
        return key if len(key) <= 120 else "e:" + hashlib.sha256(key.encode()).hexdigest()
    raw = raw_body.encode() if isinstance(raw_body, str) else raw_body
    if not raw:  # Socket Mode: no raw body, only the parsed payload
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
        return "p:" + hashlib.sha256(canonical.encode()).hexdigest()
    return "h:" + hashlib.sha256(raw).hexdigest()


def seen(session: Session, key: str) -> bool:
    return session.scalar(select(RequestReceipt.key).where(RequestReceipt.key == key)) is not None


def claim(session: Session, key: str, now: datetime) -> None:
    """Insert the receipt (flushes; ``IntegrityError`` when a concurrent delivery won)."""
    session.add(RequestReceipt(key=key, received_at=now))
    session.flush()


def claim_once(session: Session, key: str, now: datetime) -> bool:
    """Insert the receipt unless ``key`` is already there; True if this call inserted it.

    One statement (``INSERT … ON CONFLICT (key) DO NOTHING RETURNING key``; PostgreSQL, SQLite ≥
    3.35) in the caller's transaction, instead of a look-up, an ORM flush and an
    ``IntegrityError`` that aborts the transaction. On PostgreSQL a concurrent uncommitted claim
    of the same key makes this wait for that transaction: if it commits, this returns False; if
    it rolls back, True. (``rowcount`` is not used: SQLAlchemy 2.1 reports -1 for this INSERT.)
    """
    stmt = _CLAIM.get(session.get_bind().dialect.name)
    if stmt is None:  # pragma: no cover - Settings accepts only SQLite and PostgreSQL
        raise ValueError("claim_once needs PostgreSQL or SQLite")
    return session.connection().execute(stmt, {"key": key, "received_at": now}).scalar() is not None


def _claim_statement(insert: Any) -> Any:
    # built once: executing it with parameters skips per-call statement building and cache keys
    return insert(RequestReceipt).on_conflict_do_nothing(index_elements=["key"]).returning(RequestReceipt.key)


_CLAIM = {"postgresql": _claim_statement(postgresql.insert), "sqlite": _claim_statement(sqlite.insert)}


def prune(session: Session, now: datetime) -> int:
    """Delete receipts older than :data:`KEEP`; returns how many."""
    return rows_affected(session.execute(delete(RequestReceipt).where(RequestReceipt.received_at < now - KEEP)))
