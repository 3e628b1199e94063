"""The races and faults issue 14 found in the exactly-once delivery log, reproduced against a real
database (SQLite and PostgreSQL) and the stand-in Slack (which pages history as Slack does and
enforces ~1 message per second per channel).

Expected counts come from the definition: every key reaches the channel exactly once (counted
from what the stand-in stored, by the delivery key in each message's metadata), or waits in a
visible state with a reason; never twice.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.cli import cli
from bot.delivery import DeliveryPolicy, deliver_pending, enqueue, make_delivery_client
from bot.delivery.history import delivery_key_of
from bot.digest.gather import _dead
from bot.orgconfig import OrgConfig
from devtools.standin import SlackStandIn
from storage.db import session_scope
from storage.models import Delivery

T0 = datetime(2026, 3, 2, 12, 0)  # before the stand-in's (real-time) message ts, as in production
LEASE = timedelta(seconds=120)


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn(rate_limit_per_channel=1.0) as slack:  # Slack: ~1 message/s/channel
        yield slack


def posted(standin: SlackStandIn, channels: list[str]) -> Counter[str | None]:
    """Delivery keys of the messages the stand-in actually holds, across ``channels``."""
    return Counter(delivery_key_of(m) for ch in channels for m in standin.messages.messages(ch))


def states(sessions: sessionmaker[Session]) -> dict[str, Delivery]:
    with session_scope(sessions) as s:
        return {d.key: d for d in s.scalars(select(Delivery))}


def queue(sessions: sessionmaker[Session], keys_channels: list[tuple[str, str]], **kw) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        for key, channel in keys_channels:
            enqueue(s, key, channel, {"text": key}, now=T0, **kw)


def client(standin: SlackStandIn, timeout: int = 10):  # type: ignore[no-untyped-def]
    return make_delivery_client("xoxb-test", standin.base_url, timeout=timeout)


class SlowClient(WebClient):
    """A sender on a slow link: every call takes ``delay`` seconds longer (a slow Slack)."""

    delay = 0.05

    def api_call(self, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        time.sleep(self.delay)
        return super().api_call(*args, **kwargs)


def test_two_senders_drain_a_backlog_while_a_batch_outlives_its_lease(sessions: sessionmaker[Session],
                                                                      standin: SlackStandIn) -> None:
    """1,000 rows; sender A (on a slow link) claims batches of 500; sender B runs with a clock
    past A's lease (as when A's batch outlives it) and re-claims A's rows while A is still
    posting them, overtaking A: A must notice at each send that the row is no longer its own."""
    channels = [f"C{i:03d}" for i in range(125)]
    keys = [(f"backlog/{i}", channels[i % len(channels)]) for i in range(1000)]
    queue(sessions, keys)
    reports = {}

    def sender(name: str, now: datetime, batch: int) -> None:
        chat = SlowClient(token="xoxb-test", base_url=standin.base_url, timeout=10, retry_handlers=[]) \
            if name == "A" else client(standin)
        reports[name] = deliver_pending(sessions, chat, now, worker=name,
                                        policy=DeliveryPolicy(batch=batch, lease_s=LEASE.total_seconds()))

    a = threading.Thread(target=sender, args=("A", T0, 500))
    a.start()
    standin.wait_for("chat.postMessage", 40, timeout=60)
    b = threading.Thread(target=sender, args=("B", T0 + LEASE + timedelta(seconds=5), 50))
    b.start()
    a.join(600)
    b.join(600)
    deliver_pending(sessions, client(standin), T0 + 2 * LEASE + timedelta(hours=1))  # anything left
    assert posted(standin, channels) == Counter({k: 1 for k, _ in keys})
    assert {d.state for d in states(sessions).values()} == {"sent"}
    assert reports["B"].sent > 0 and reports["A"].claims_lost > 0  # the race did happen


def test_504_after_landing_is_settled_by_history_not_resent(sessions: sessionmaker[Session],
                                                            standin: SlackStandIn) -> None:
    keys = [(f"gw/{i}", f"C{i % 3}") for i in range(15)]
    queue(sessions, keys)
    standin.inject("chat.postMessage", status=504, landed=True, times=5)
    deliver_pending(sessions, client(standin), T0)
    mid = states(sessions)
    assert sum(d.state == "failed" and d.ambiguous == 1 for d in mid.values()) == 5
    deliver_pending(sessions, client(standin), T0 + timedelta(hours=1))
    assert posted(standin, ["C0", "C1", "C2"]) == Counter({k: 1 for k, _ in keys})
    final = states(sessions)
    assert {d.state for d in final.values()} == {"sent"}
    stored = {m["ts"] for ch in ("C0", "C1", "C2") for m in standin.messages.messages(ch)}
    assert {d.message_ts for d in final.values()} == stored  # the landed message's ts was recorded


def test_timeout_after_landing_is_not_posted_twice(sessions: sessionmaker[Session], standin: SlackStandIn) -> None:
    queue(sessions, [("slow/1", "C1"), ("slow/2", "C2")])
    standin.inject("chat.postMessage", delay=2.0, times=2)  # answered after the client gave up
    deliver_pending(sessions, client(standin, timeout=1), T0)
    standin.wait_until_quiet(idle=2.5, timeout=15)
    deliver_pending(sessions, client(standin, timeout=1), T0 + timedelta(hours=1))
    assert posted(standin, ["C1", "C2"]) == Counter({"slow/1": 1, "slow/2": 1})
    assert {d.state for d in states(sessions).values()} == {"sent"}


def test_history_failing_holds_the_row_visibly_then_settles(sessions: sessionmaker[Session],
                                                            standin: SlackStandIn, db_url: str) -> None:
    keys = [(f"hist/{i}", "C1") for i in range(5)]
    queue(sessions, keys, fallback_user="UOWNER")
    standin.inject("chat.postMessage", status=504, landed=True, times=5)
    deliver_pending(sessions, client(standin), T0)
    standin.inject("conversations.history", status=500, times=1000)
    for hour in (1, 2, 3):  # three searches that cannot answer: held, never re-posted
        deliver_pending(sessions, client(standin), T0 + timedelta(hours=hour))
    held = states(sessions)
    assert all(held[k].state == "unconfirmed" for k, _ in keys)
    assert all("unconfirmed: conversations.history: http_500" in held[k].last_error for k, _ in keys)
    assert all(held[k].checks == 3 for k, _ in keys)
    assert posted(standin, ["C1"]) == Counter({k: 1 for k, _ in keys})
    # the alert about the bot itself: one DM to the owner per held row, through the log itself
    alerts = [d for d in held.values() if d.kind == "bot_health"]
    assert len(alerts) == 5 and {d.channel for d in alerts} == {"UOWNER"}
    shown = CliRunner().invoke(cli, ["alerts", "log", "--state", "unconfirmed", "--database", db_url])
    assert shown.exit_code == 0, shown.output
    assert {line.split()[6] for line in shown.output.splitlines() if " unconfirmed " in line[:25]} \
        == {k for k, _ in keys}
    assert "! 5 deliveries unconfirmed" in shown.output
    with session_scope(sessions) as s:  # the digest's "could not deliver" section lists them too
        lines = _dead(s, OrgConfig(), "C1", [], T0, "UTC")
    assert sorted(line.what for line in lines) == sorted(f"alert {k}" for k, _ in keys)
    assert all("held, not re-sent" in line.error for line in lines)
    standin.faults.clear()
    deliver_pending(sessions, client(standin), T0 + timedelta(hours=5))
    final = states(sessions)
    assert all(final[k].state == "sent" for k, _ in keys)
    assert posted(standin, ["C1"]) == Counter({k: 1 for k, _ in keys})


def test_history_rate_limited_waits_for_retry_after(sessions: sessionmaker[Session], standin: SlackStandIn) -> None:
    queue(sessions, [("hist429", "C1")])
    standin.inject("chat.postMessage", status=504, landed=True)
    deliver_pending(sessions, client(standin), T0)
    standin.inject("conversations.history", status=429, retry_after=600)
    deliver_pending(sessions, client(standin), T0 + timedelta(hours=1))
    row = states(sessions)["hist429"]
    assert row.state == "unconfirmed" and "ratelimited" in row.last_error
    assert row.next_attempt_at >= T0 + timedelta(hours=1, seconds=600)
    assert posted(standin, ["C1"]) == Counter({"hist429": 1})


def test_200_newer_messages_do_not_hide_the_first_post(sessions: sessionmaker[Session], standin: SlackStandIn) -> None:
    standin.set_rate_limit(None)
    keys = [(f"buried/{i}", "C1") for i in range(5)]
    queue(sessions, keys)
    standin.inject("chat.postMessage", status=504, landed=True, times=5)
    deliver_pending(sessions, client(standin), T0, policy=DeliveryPolicy(spacing_s=0.0))
    chat = client(standin)
    for i in range(200):
        chat.api_call("chat.postMessage", json={"channel": "C1", "text": f"chatter {i}"})
    standin.messages.max_limit = 15  # a non-Marketplace app's page size (May 2025)
    deliver_pending(sessions, client(standin), T0 + timedelta(hours=1), policy=DeliveryPolicy(spacing_s=0.0))
    got = posted(standin, ["C1"])
    assert {k: got[k] for k, _ in keys} == {k: 1 for k, _ in keys}
    assert {states(sessions)[k].state for k, _ in keys} == {"sent"}
    pages = [c for c in standin.calls_to("conversations.history") if c.params.get("cursor")]
    assert pages  # the search followed next_cursor


def test_one_channel_is_paced_and_a_429_holds_the_channel(sessions: sessionmaker[Session],
                                                           standin: SlackStandIn) -> None:
    keys = [(f"paced/{i}", "C1") for i in range(13)]
    queue(sessions, keys)
    deliver_pending(sessions, client(standin), T0)
    calls = standin.calls_to("chat.postMessage")
    assert [c.status for c in calls] == [200] * 13  # 13 alerts to one channel, none met a 429
    assert posted(standin, ["C1"]) == Counter({k: 1 for k, _ in keys})

    more = [(f"held/{i}", "C2") for i in range(3)]
    queue(sessions, more)
    standin.inject("chat.postMessage", status=429, retry_after=30)
    report = deliver_pending(sessions, client(standin), T0 + timedelta(minutes=1))
    assert report.sent == 0 and report.failed == 1 and report.deferred == 2  # the channel, not the row
    rows = states(sessions)
    assert all(rows[k].next_attempt_at >= T0 + timedelta(minutes=1, seconds=29) for k, _ in more)
    assert posted(standin, ["C2"]) == Counter()
