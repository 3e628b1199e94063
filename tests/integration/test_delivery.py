"""The exactly-once delivery log against a real database (SQLite and PostgreSQL) and the Slack
stand-in with injected faults: 429 + Retry-After, 5xx, timeouts, channel_not_found, crashes."""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.delivery import (
    DeliveryPolicy,
    claim_due,
    dead_letters,
    deliver_pending,
    enqueue,
    make_delivery_client,
)
from devtools.standin import SlackStandIn
from storage.db import session_scope
from storage.models import Delivery

T0 = datetime(2026, 3, 2, 12, 0)


class Landed:
    """Posts that Slack actually accepted (answered ok), keyed by their delivery metadata."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._ts = itertools.count(1)

    def post(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            ts = f"1772452800.{next(self._ts):06d}"
            msg = {"type": "message", "ts": ts, "text": params.get("text", ""),
                   "metadata": params.get("metadata"), "thread_ts": params.get("thread_ts")}
            self.posts.append({**params, "ts": ts})
        return {"ok": True, "channel": params.get("channel"), "ts": ts, "message": msg}

    def history(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            msgs = [{"ts": p["ts"], "metadata": p.get("metadata")} for p in self.posts
                    if p.get("channel") == params.get("channel")]
        return {"ok": True, "messages": msgs, "has_more": False}

    def keys(self) -> Counter[str]:
        with self._lock:
            return Counter(((p.get("metadata") or {}).get("event_payload") or {}).get("delivery_key")
                           for p in self.posts)


@pytest.fixture
def slack() -> Iterator[tuple[SlackStandIn, Landed]]:
    standin = SlackStandIn()
    standin.start()
    landed = Landed()
    standin.stub("chat.postMessage", landed.post)
    standin.stub("conversations.history", landed.history)
    standin.stub("conversations.replies", landed.history)
    yield standin, landed
    standin.stop()


def client_for(standin: SlackStandIn, timeout: int = 1):  # type: ignore[no-untyped-def]
    return make_delivery_client("xoxb-test", standin.base_url, timeout=timeout)


def rows(sessions: sessionmaker[Session]) -> dict[str, Delivery]:
    with session_scope(sessions) as s:
        return {d.key: d for d in s.scalars(select(Delivery))}


def drain(sessions: sessionmaker[Session], client, standin: SlackStandIn, *, rounds: int = 12,  # type: ignore[no-untyped-def]
          step: timedelta = timedelta(hours=2), policy: DeliveryPolicy | None = None,
          idle: float = 0.3) -> None:
    """Sweep repeatedly with the clock advanced past any backoff, letting slow requests land
    (``idle`` must exceed any injected delay), until nothing is left to send."""
    for i in range(rounds):
        deliver_pending(sessions, client, T0 + i * step, policy=policy)
        standin.wait_until_quiet(idle=idle, timeout=idle + 10)
        if all(d.state in ("sent", "fallback_sent", "dead") for d in rows(sessions).values()):
            return


def test_enqueue_inserts_each_key_once(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as s:
        first = enqueue(s, "low_stock/north/item:1/2026-03-02", "C1", {"text": "a"}, now=T0)
        again = enqueue(s, "low_stock/north/item:1/2026-03-02", "C1", {"text": "b"}, now=T0)
    assert first is not None and again is None
    [row] = rows(sessions).values()
    assert row.payload == {"text": "a"} and row.state == "pending"


def test_faults_then_every_alert_delivered_exactly_once(sessions: sessionmaker[Session], slack) -> None:  # type: ignore[no-untyped-def]
    standin, landed = slack
    keys = [f"rule/north/s{i}/2026-03-02" for i in range(6)]
    with session_scope(sessions) as s:
        for k in keys:
            enqueue(s, k, "C0ALERTS", {"text": k}, fallback_user="U0OWNER", now=T0)
    standin.inject("chat.postMessage", status=429, retry_after=1, times=2)
    standin.inject("chat.postMessage", status=503, times=1)
    standin.inject("chat.postMessage", delay=2.0, times=1)  # answered after the client gave up
    standin.inject("chat.postMessage", error="channel_not_found", times=1)
    drain(sessions, client_for(standin), standin, idle=2.5)
    assert landed.keys() == Counter({k: 1 for k in keys})
    states = Counter(d.state for d in rows(sessions).values())
    assert states == Counter({"sent": 5, "fallback_sent": 1})
    fallback = [d for d in rows(sessions).values() if d.state == "fallback_sent"][0]
    assert fallback.message_channel.startswith("D") and "channel_not_found" in fallback.last_error
    codes = Counter(c.status for c in standin.calls_to("chat.postMessage"))
    assert codes[429] == 2 and codes[503] == 1


def test_429_waits_for_retry_after_without_counting_a_failure(sessions: sessionmaker[Session], slack) -> None:  # type: ignore[no-untyped-def]
    standin, landed = slack
    with session_scope(sessions) as s:
        enqueue(s, "k429", "C1", {"text": "x"}, now=T0)
    standin.inject("chat.postMessage", status=429, retry_after=7)
    client = client_for(standin)
    report = deliver_pending(sessions, client, T0)
    row = rows(sessions)["k429"]
    assert report.failed == 1 and row.state == "failed" and row.failures == 0
    # Retry-After counts from the 429's arrival: the run's clock advanced by the time it took
    assert T0 + timedelta(seconds=7) <= row.next_attempt_at < T0 + timedelta(seconds=8)
    assert deliver_pending(sessions, client, T0 + timedelta(seconds=6)).sent == 0
    assert deliver_pending(sessions, client, T0 + timedelta(seconds=8)).sent == 1
    assert landed.keys() == Counter({"k429": 1})


def test_repeated_failures_end_dead_and_listed(sessions: sessionmaker[Session], slack) -> None:  # type: ignore[no-untyped-def]
    standin, landed = slack
    with session_scope(sessions) as s:
        enqueue(s, "doomed", "C1", {"text": "x"}, now=T0)
    standin.inject("chat.postMessage", status=500, times=10)
    drain(sessions, client_for(standin), standin, rounds=5, policy=DeliveryPolicy(max_failures=3))
    row = rows(sessions)["doomed"]
    assert (row.state, row.failures) == ("dead", 3)
    assert "gave up after 3" in row.last_error
    with session_scope(sessions) as s:
        assert [d.key for d in dead_letters(s, T0)] == ["doomed"]
    assert landed.keys() == Counter()


def test_permanent_errors_are_dead_at_once(sessions: sessionmaker[Session], slack) -> None:  # type: ignore[no-untyped-def]
    standin, _ = slack
    with session_scope(sessions) as s:
        enqueue(s, "bad-blocks", "C1", {"text": "x"}, now=T0)
        enqueue(s, "no-owner", "C2", {"text": "y"}, now=T0)  # no fallback user
    standin.inject("chat.postMessage", error="invalid_blocks")
    standin.inject("chat.postMessage", error="is_archived")
    deliver_pending(sessions, client_for(standin), T0)
    got = rows(sessions)
    assert got["bad-blocks"].state == "dead" and got["bad-blocks"].attempts == 1
    assert got["no-owner"].state == "dead" and "no fallback user" in got["no-owner"].last_error


def test_crashed_sender_row_is_retried_not_lost(sessions: sessionmaker[Session], slack) -> None:  # type: ignore[no-untyped-def]
    standin, landed = slack
    with session_scope(sessions) as s:
        enqueue(s, "crash-before-post", "C1", {"text": "x"}, now=T0)
    assert len(claim_due(sessions, "dead-worker", T0, lease=timedelta(seconds=60))) == 1  # then "dies"
    client = client_for(standin)
    assert deliver_pending(sessions, client, T0 + timedelta(seconds=30)).sent == 0  # lease still held
    assert deliver_pending(sessions, client, T0 + timedelta(seconds=61)).sent == 1
    assert landed.keys() == Counter({"crash-before-post": 1})


def test_crash_after_slack_accepted_is_not_posted_twice(sessions: sessionmaker[Session], slack) -> None:  # type: ignore[no-untyped-def]
    standin, landed = slack
    with session_scope(sessions) as s:
        enqueue(s, "crash-after-post", "C1", {"text": "x"}, now=T0)
    claim_due(sessions, "dead-worker", T0, lease=timedelta(seconds=60))
    # the dead worker's post reached Slack before it died
    client = client_for(standin)
    client.api_call("chat.postMessage", json={"channel": "C1", "text": "x", "metadata": {
        "event_type": "opsbot_delivery", "event_payload": {"delivery_key": "crash-after-post"}}})
    report = deliver_pending(sessions, client, T0 + timedelta(seconds=61))
    assert report.sent == 1
    assert landed.keys() == Counter({"crash-after-post": 1})
    row = rows(sessions)["crash-after-post"]
    assert row.state == "sent" and row.message_ts == landed.posts[0]["ts"]


def test_two_workers_at_once_send_each_row_once(sessions: sessionmaker[Session], slack) -> None:  # type: ignore[no-untyped-def]
    standin, landed = slack
    keys = [f"concurrent/{i}" for i in range(40)]
    with session_scope(sessions) as s:
        for k in keys:
            enqueue(s, k, f"C{int(k.split('/')[1]) % 3}", {"text": k}, now=T0)
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            barrier.wait()
            deliver_pending(sessions, client_for(standin, timeout=10), T0, worker=name,
                            policy=DeliveryPolicy(batch=5))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert landed.keys() == Counter({k: 1 for k in keys})
    assert {d.state for d in rows(sessions).values()} == {"sent"}


def test_update_and_thread_reply_wait_for_their_parent(sessions: sessionmaker[Session], slack) -> None:  # type: ignore[no-untyped-def]
    standin, landed = slack
    with session_scope(sessions) as s:
        enqueue(s, "root", "C1", {"text": "root"}, now=T0, not_before=T0 + timedelta(hours=1))
        enqueue(s, "root#v2", None, {"text": "updated"}, method="chat.update", parent_key="root", now=T0)
        enqueue(s, "root/reply", None, {"text": "reply"}, parent_key="root", now=T0)
    client = client_for(standin)
    first = deliver_pending(sessions, client, T0)
    assert first.sent == 0 and first.deferred == 2 and standin.calls_to("chat.update") == []
    deliver_pending(sessions, client, T0 + timedelta(hours=1, seconds=30))
    root = rows(sessions)["root"]
    [update] = standin.calls_to("chat.update")
    assert (update.params["channel"], update.params["ts"]) == ("C1", root.message_ts)
    reply = [p for p in landed.posts if p["text"] == "reply"][0]
    assert reply["thread_ts"] == root.message_ts and reply["channel"] == "C1"
