"""Issue 13 at health-system size: a 300-clinic network against the STRICT stand-in (every
message, view and response_url post checked with slack_sdk's Block Kit models and Slack's limits).

The network is built with minimal rows (300 clinics, one open alert each, a digest channel per
clinic plus one channel subscribed to all 300); the real Bolt app runs in-process. Expected values
come from the network itself (300 keys, 301 channels), never from the code under test.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.alerts.config import AlertSettings
from bot.delivery import make_delivery_client
from bot.digest.commands import parse_digest
from bot.digest.pacing import Pacer
from bot.digest.subscriptions import subscribe
from bot.ids import Action
from bot.orgconfig import OrgConfig
from bot.views.ideas import IdeaField
from devtools.signing import block_actions_payload, slash_command_body
from jobs.runner import JobContext, run_job
from storage.db import session_scope
from storage.models import AlertIncident, Clinic, DigestRun, Idea
from tests.e2e.slack_payloads import BOT_TOKEN, InProcessBot, idea_values, in_process_bot

pytestmark = pytest.mark.e2e
N = 300
ALL_CHANNEL = "C0ALLCLINICS"
NOW = datetime(2026, 3, 2, 12, 30)  # 07:30 in New York
ADMIN = "U0ADMIN"


def clinic_name(i: int) -> str:
    """Names as long as the organisation file allows (200), some with emoji and accents."""
    base = f"Saint Ærin Community Health Center {i:03d} — Pediatrics & Family Medicine 🏥"
    return (base + " · Outpatient Annex" * 10)[:200] if i % 7 == 0 else base


def key(i: int) -> str:
    return f"clinic-{i:03d}"


ORG = {
    "organisation": "Three Hundred Health",
    "clinics": [{"key": key(i), "name": clinic_name(i), "timezone": "America/New_York",
                 "channels": {"digest": f"C0DG{i:03d}", "improvement": f"C0IMP{i:03d}"}} for i in range(N)],
    "roles": {"admin": [ADMIN]},
    "digest": {"max_items": 500},
}


@dataclass
class Network(InProcessBot):
    org: OrgConfig = field(default_factory=lambda: OrgConfig.model_validate(ORG))

    def command(self, command: str, text: str, channel: str = ALL_CHANNEL, user: str = ADMIN) -> str:
        url = self.slack.new_response_url()
        resp = self.send(slash_command_body(command, text, user_id=user, channel_id=channel, response_url=url,
                                            trigger_id=f"1.2.{abs(hash((command, text)))}"))
        assert resp.status == 200, resp.body
        return url


@pytest.fixture
def network(tmp_path: Path, engine: Any, sessions: sessionmaker[Session]) -> Iterator[Network]:
    with session_scope(sessions) as s:
        s.add_all([Clinic(key=key(i), name=clinic_name(i), name_folded=clinic_name(i).casefold(),
                          timezone="America/New_York") for i in range(N)])
    with in_process_bot(yaml.safe_dump(ORG, allow_unicode=True), tmp_path, engine, sessions) as bot:
        yield Network(bot.app, bot.slack, bot.sessions)  # the stand-in is strict by default


def _subscribe_everyone(net: Network, channels: int = N) -> None:
    with session_scope(net.sessions) as s:
        for i in range(channels):
            subscribe(s, net.org, f"C0DG{i:03d}", parse_digest(f"subscribe {key(i)} at 07:30 daily always"),
                      ADMIN, NOW - timedelta(hours=2))


def _responses(net: Network, url: str, count: int = 1, timeout: float = 30.0) -> list[Any]:
    """The posts to ``url`` once ``count`` have arrived (work after ack runs on worker threads)."""
    path = "/" + url.split("/", 3)[-1]
    deadline = time.monotonic() + timeout
    while True:
        got = [c for c in net.slack.response_posts if c.headers.get("X-Path") == path]
        if len(got) >= count or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert len(got) >= count, f"{len(got)} replies to {path}"
    net.slack.wait_until_quiet(idle=0.3, timeout=30)  # a multi-part answer has all its parts
    return [c for c in net.slack.response_posts if c.headers.get("X-Path") == path]


def test_every_digest_of_a_300_clinic_network_is_delivered_without_invalid_blocks(network: Network) -> None:
    net = network
    with session_scope(net.sessions) as s:
        for i in range(N):
            s.add(AlertIncident(open_key=f"low_stock|{key(i)}|gloves", rule="low_stock", clinic_key=key(i),
                                subject="gloves", state="open", severity="warning",
                                title=f"Low stock at {clinic_name(i)}: nitrile gloves below reorder point",
                                detail={}, root_key=f"low_stock/{key(i)}/gloves/2026-03-01", version=1,
                                opened_at=NOW - timedelta(hours=3), last_seen_at=NOW, period="2026-03-01"))
    _subscribe_everyone(net)
    with session_scope(net.sessions) as s:
        subscribe(s, net.org, ALL_CHANNEL, parse_digest("subscribe all at 07:30 daily always"), ADMIN,
                  NOW - timedelta(hours=2))
    clock = [0.0]  # the pacer's clock advances by its own waits: pacing is decided, not slept (issue 11 owns speed)
    pacer = Pacer(clock=lambda: clock[0], sleep=lambda s: clock.__setitem__(0, clock[0] + s))
    ctx = JobContext(org=net.org, alerts=AlertSettings(), sessions=net.sessions,
                     client_factory=lambda: make_delivery_client(BOT_TOKEN, net.slack.base_url, timeout=10),
                     extra={"pacer": pacer})
    outcome = run_job(ctx, "digest", None, NOW)
    assert outcome.ok, outcome.error
    posts = net.slack.calls_to("chat.postMessage")
    assert [(c.error, c.problems[:2]) for c in net.slack.refused] == []
    heads = {c.params["channel"] for c in posts if "thread_ts" not in c.params}
    assert heads == {f"C0DG{i:03d}" for i in range(N)} | {ALL_CHANNEL}
    everything = json.dumps([c.params["blocks"] for c in posts if c.params["channel"] == ALL_CHANNEL],
                            ensure_ascii=False)
    for i in range(N):  # every clinic's alert reaches the all-clinics channel (head or thread)
        assert f"Low stock at {clinic_name(i)}" in everything.replace("&amp;", "&")
    with session_scope(net.sessions) as s:
        runs = s.scalars(select(DigestRun)).all()
        assert len(runs) == N + 1 and {r.status for r in runs} == {"sent"}


def test_digest_list_with_60_and_with_301_subscriptions_answers_in_pages(network: Network) -> None:
    net = network
    _subscribe_everyone(net, 60)
    url = net.command("/digest", "list")
    first = _responses(net, url)[0]
    assert first.status == 200 and first.error is None, first.problems
    assert all(f"C0DG{i:03d}" in json.dumps(first.params) for i in range(60)) or "Page 1 of" in json.dumps(
        first.params)

    _subscribe_everyone(net)
    url = net.command("/digest", "subscribe all", channel=ALL_CHANNEL)
    confirm = _responses(net, url)[0]
    assert confirm.error is None, confirm.problems
    assert "… and" in json.dumps(confirm.params, ensure_ascii=False)  # 300 clinics, summarised

    url = net.command("/digest", "list")
    reply = _responses(net, url)[0]
    assert reply.error is None, reply.problems
    seen = set(re.findall(r"<#(C0[A-Z0-9]+)>", json.dumps(reply.params)))
    pages = int(re.search(r"Page 1 of (\d+)", json.dumps(reply.params)).group(1))  # type: ignore[union-attr]
    assert pages > 1
    for page in range(2, pages + 1):
        button = next(e for b in reply.params["blocks"] if b["type"] == "actions" for e in b["elements"]
                      if e["action_id"].endswith(":next"))
        assert button["value"] == str(page)
        action_url = net.slack.new_response_url()
        net.interact(block_actions_payload(button["action_id"], button["value"], user_id=ADMIN,
                                           channel_id=ALL_CHANNEL, response_url=action_url, is_ephemeral=True))
        reply = _responses(net, action_url)[0]
        assert reply.error is None, reply.problems
        assert f"Page {page} of {pages}" in json.dumps(reply.params)
        assert reply.params.get("replace_original") is True
        seen |= set(re.findall(r"<#(C0[A-Z0-9]+)>", json.dumps(reply.params)))
    assert seen == {f"C0DG{i:03d}" for i in range(N)} | {ALL_CHANNEL}


def test_digest_preview_all_answers(network: Network) -> None:
    url = network.command("/digest", "preview all")
    replies = _responses(network, url)
    assert 1 <= len(replies) <= 5
    assert [r.error for r in replies] == [None] * len(replies)


def test_idea_form_lets_staff_of_each_of_300_clinics_pick_their_own(network: Network) -> None:
    net = network
    net.command("/idea", "", channel="C0IMP299", user="U0STAFF")
    call = net.slack.wait_for("views.open")[0]
    assert call.error is None, call.problems
    block = next(b for b in call.params["view"]["blocks"] if b.get("block_id") == IdeaField.CLINIC)
    element = block["element"]
    offered = [o["value"] for g in element.get("option_groups", []) for o in g["options"]] + [
        o["value"] for o in element.get("options", [])]
    assert sorted(offered) == sorted(key(i) for i in range(N))
    for i in (0, 150, 299):  # any clinic, including those past the first 100, can be submitted
        values = idea_values(f"Shorter check-in queue {i}", "Long queues at 8am", "Stagger arrivals",
                           category="scheduling", category_text="Scheduling",
                           clinic=key(i), clinic_text=clinic_name(i)[:75])
        resp = net.submit_idea(values, user="U0STAFF")
        assert resp.status == 200
    net.slack.wait_for("chat.postMessage", 3, timeout=15)
    deadline = time.monotonic() + 15
    while True:
        with net.sessions() as s:
            rows = s.execute(select(Idea.title, Clinic.key, Idea.channel_id)
                             .join(Clinic, Idea.clinic_id == Clinic.id).order_by(Idea.id)).all()
        if all(r[2] for r in rows) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert [(r[1], r[2]) for r in rows] == [(key(i), f"C0IMP{i:03d}") for i in (0, 150, 299)]
    assert net.slack.refused == []


_ = Action  # ids module imported for readers: the page buttons use Action.DIGEST_LIST_PAGE
