"""Keep this process's claims alive and take over the work of processes that died (issue 14).

One daemon thread per ``opsbot serve``: every ``lease / 4`` seconds it renews this process's
claims on ``pending_replies`` (one UPDATE) and claims rows whose lease lapsed (their process stopped
renewing: killed, frozen, its host gone), handing each to the worker pool with a
:class:`~bot.replies.late.LateResponder`. A database that does not answer only delays the next
tick: the thread logs a line and carries on.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from bot.replies import Replies
from bot.replies.late import LateResponder
from storage import replies as store
from storage.db import session_scope
from storage.models import utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 4  # takeovers of one reply before it is given up (a request that kills its process)
ClientFor = Callable[[str | None], Any]  # team id -> a WebClient with that workspace's bot token


class Sweeper:
    def __init__(self, replies: Replies, workers: Executor, client_for: ClientFor, batch: int = 20) -> None:
        self.replies, self.workers, self.client_for, self.batch = replies, workers, client_for, batch
        self.interval = max(0.5, replies.lease.total_seconds() / 4)
        self.stopped = threading.Event()
        self.draining = False
        self.thread = threading.Thread(target=self._loop, name="opsbot-replies", daemon=True)

    def start(self) -> Sweeper:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()

    def drain(self) -> None:
        """Shutting down: keep renewing this process's claims, take over nothing new."""
        self.draining = True

    def _loop(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                self.tick()
            except Exception as exc:  # noqa: BLE001 - a database outage only delays the next tick
                log.warning("owed replies: tick failed (%s); retrying in %.1fs", type(exc).__name__, self.interval)

    def tick(self) -> int:
        """Renew, then take over lapsed rows; returns how many were taken over."""
        now = utcnow()
        until = now + self.replies.lease
        with session_scope(self.replies.sessions) as s:
            store.renew(s, self.replies.holder, self.replies.claims(), until)
            taken = [] if self.draining else store.claim_lapsed(s, self.replies.holder, now, until, self.batch)
        for owed in taken:
            log.info("owed reply %s (%s) taken over, attempt %s", owed.id, owed.kind, owed.attempts)
            with self.replies._lock:
                self.replies.active.add(owed.id)
            self.workers.submit(self._redo, owed, now)
        return len(taken)

    def _redo(self, owed: store.OwedReply, now: Any) -> None:
        try:
            payload = json.loads(owed.payload)
            if owed.kind not in self.replies.by_kind:
                raise KeyError(owed.kind)
        except (ValueError, KeyError):
            log.error("owed reply %s has an unknown kind or a bad payload: dropped", owed.id)
            self.replies.forget(owed.id)
            return
        client = self.client_for(payload.get("team_id"))
        if owed.attempts > MAX_ATTEMPTS:  # it took down (or outlived) every process that tried it
            log.error("owed reply %s (%s) given up after %s attempts", owed.id, owed.kind, owed.attempts - 1)
            self.replies.forget(owed.id)
            _tell_given_up(client, payload)
            return
        respond = LateResponder(payload.get("response_url"), owed.received_at, now, client,
                                payload.get("user_id"), payload.get("asked"))
        self.replies.run(owed.id, owed.kind, payload, respond, client)


def client_for_app(app: Any) -> ClientFor:
    """The app's client (one bot token), or in OAuth mode a client with the team's bot token."""
    store_ = getattr(app, "installation_store", None)

    def client_for(team_id: str | None) -> Any:
        if store_ is None or not team_id:
            return app.client
        bot = store_.find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or not bot.bot_token:
            return app.client
        from slack_sdk import WebClient

        return WebClient(token=bot.bot_token, base_url=app.client.base_url, timeout=app.client.timeout,
                         retry_handlers=app.client.retry_handlers)

    return client_for


def _tell_given_up(client: Any, payload: dict[str, Any]) -> None:
    user = payload.get("user_id")
    if not user:
        return
    asked = f" (`{payload['asked']}`)" if payload.get("asked") else ""
    try:
        client.chat_postMessage(channel=user, text=f"Sorry: the bot could not answer your request{asked} after "
                                                   "several restarts. Please try again; the team has been told.")
    except Exception as exc:  # noqa: BLE001 - telling must not raise
        log.warning("could not tell the person that their reply was given up (%s)", type(exc).__name__)
