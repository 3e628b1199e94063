"""Acknowledged work that survives a crash (issue 14).

A listener whose work follows its acknowledgement (a ``/kpi`` answer, a share, a chart upload)
declares it here with :meth:`Replies.declare`. For such a request the guard middleware, in the
same transaction as the receipt and the audit row (so before the acknowledgement, at the cost of
one more INSERT), writes a ``pending_replies`` row: what the work needs, claimed by this process.
The listener acks and hands the work to the worker pool with the row's id; the row is deleted when
the reply has gone. Each process renews its claims every few seconds
(:mod:`bot.replies.sweeper`); a process that dies (``kill -9``, a lost host) stops renewing, its
rows lapse, and any other process — or the same one after restart — takes them and does the work.
A reply picked up after Slack's ``response_url`` has expired (30 minutes) goes to the person by DM
with an apology (:mod:`bot.replies.late`).

Delivery is at least once: a process that dies after replying and before deleting the row
causes a second reply. The replies concerned are ephemeral answers to the asker.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from storage import replies as store
from storage.db import session_scope

log = logging.getLogger(__name__)
OWED = "opsbot_owed_reply"  # Bolt context key: the id of the request's pending_replies row
Work = Callable[[dict[str, Any], Any, Any], None]  # (payload, respond, client) -> None
Extract = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Declared:
    kind: str
    extract: Extract  # request body -> JSON-able payload
    work: Work


def trigger_of(body: dict[str, Any]) -> str | None:
    """``command:/kpi`` or ``action:<action_id>`` (first action) for a request body."""
    if body.get("command"):
        return f"command:{body['command']}"
    if body.get("type") == "block_actions":
        actions = body.get("actions")
        if isinstance(actions, list) and actions and isinstance(actions[0], dict):
            return f"action:{actions[0].get('action_id')}"
    return None


class Replies:
    """The registry of durable work and this process's claim on it (see module doc)."""

    def __init__(self, sessions: sessionmaker[Session], lease: timedelta, holder: str | None = None) -> None:
        self.sessions, self.lease = sessions, lease
        self.holder = holder or f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.declared: dict[str, Declared] = {}
        self.by_kind: dict[str, Declared] = {}
        self.active: set[int] = set()  # rows this process is working on (renewed by the sweeper)
        self._lock = threading.Lock()

    def declare(self, trigger: str, kind: str, extract: Extract, work: Work) -> None:
        """Make requests matching ``trigger`` (see :func:`trigger_of`) owe a reply of ``kind``."""
        entry = Declared(kind, extract, work)
        self.declared[trigger] = entry
        self.by_kind[kind] = entry

    def owe(self, session: Session, body: dict[str, Any], now: datetime) -> int | None:
        """In the guard's transaction: record the reply ``body`` will owe; its id, or None when
        the request's listener declared no durable work."""
        trigger = trigger_of(body)
        entry = self.declared.get(trigger) if trigger else None
        if entry is None:
            return None
        try:
            payload = json.dumps(entry.extract(body), separators=(",", ":"))
        except Exception:  # noqa: BLE001 - an odd body: the work still runs, it just is not durable
            log.warning("could not record the reply owed for %s", entry.kind)
            return None
        return store.add(session, entry.kind, payload, self.holder, now, now + self.lease)

    def submit(self, workers: Executor, reply_id: int | None, kind: str, payload: dict[str, Any], respond: Any,
               client: Any) -> None:
        """Hand the work to ``workers``; the row stays claimed (renewed) while it runs."""
        if reply_id is not None:
            with self._lock:
                self.active.add(reply_id)
        workers.submit(self.run, reply_id, kind, payload, respond, client)

    def claims(self) -> list[int]:
        with self._lock:
            return sorted(self.active)

    def run(self, reply_id: int | None, kind: str, payload: dict[str, Any], respond: Any, client: Any) -> None:
        """Do the work (worker thread), then forget the row. A failure inside ``work`` is the
        work's to report (it answers the person); the row is forgotten either way, so a bug does
        not loop through every replica."""
        try:
            self.by_kind[kind].work(payload, respond, client)
        finally:
            if reply_id is not None:
                self.forget(reply_id)

    def forget(self, reply_id: int) -> None:
        with self._lock:
            self.active.discard(reply_id)
        try:
            with session_scope(self.sessions) as s:
                store.finish(s, reply_id)
        except Exception as exc:  # noqa: BLE001 - the reply went; the sweeper may redo it later
            log.warning("could not clear owed reply %s (%s): it may be sent again", reply_id, type(exc).__name__)


def owed_id(context: Any) -> int | None:
    """The owed-reply id the guard put in a request's Bolt context (None if none)."""
    value = context.get(OWED) if context is not None else None
    return value if isinstance(value, int) else None
