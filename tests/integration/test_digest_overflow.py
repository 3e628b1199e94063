"""A network with many alerts, ideas and deadlines: the digest stays within Slack's limits (50
blocks, ~12,000 characters of blocks, 3,000 per section) with the overflow posted as replies in
the head message's thread, nothing lost, paced so the stand-in's 1/s per-channel limit never
answers 429. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from sqlalchemy import select

from bot.alerts.config import AlertSettings
from bot.delivery import make_delivery_client
from bot.digest.commands import parse_digest
from bot.digest.subscriptions import subscribe
from bot.orgconfig import OrgConfig
from bot.views.limits import MESSAGE_BLOCKS, MESSAGE_BLOCKS_CHARS, SECTION_TEXT
from devtools.standin import SlackStandIn
from jobs.runner import JobContext, run_job
from storage.db import session_scope
from storage.models import AlertIncident, Clinic, ComplianceItem, DigestRun, Idea

N_ALERTS, N_IDEAS, N_ITEMS = 90, 120, 25
NOW = datetime(2026, 3, 2, 12, 30)  # 07:30 EST in New York


def _seed(sessions) -> OrgConfig:  # type: ignore[no-untyped-def]
    org = OrgConfig.model_validate({
        "clinics": [{"key": "north", "name": "North Family Practice", "timezone": "America/New_York",
                     "owner": "U0OWNER"}],
        "digest": {"max_items": 500}})
    with session_scope(sessions) as s:
        c = Clinic(key="north", name="North Family Practice", name_folded="north family practice",
                   timezone="America/New_York")
        s.add(c)
        s.flush()
        for i in range(N_ALERTS):
            s.add(AlertIncident(open_key=f"low_stock|north|item:{i}", rule="low_stock", clinic_key="north",
                                subject=f"item:{i}", state="open", severity="warning",
                                title=f"Low stock: supply item number {i:03d} below its reorder point",
                                detail={}, root_key=f"low_stock/north/item:{i}/2026-03-01", version=1,
                                opened_at=NOW - timedelta(hours=i), last_seen_at=NOW, period="2026-03-01"))
        for i in range(N_IDEAS):
            s.add(Idea(clinic_id=c.id, title=f"Idea {i:03d}: move the front-desk check-in to tablets & kiosks",
                       title_folded=f"idea {i:03d}", problem="p", proposed_change="c", category="patient_flow",
                       state="new" if i % 2 else "under_review", created_date=date(2026, 2, 1)))
        for i in range(N_ITEMS):
            s.add(ComplianceItem(clinic_id=c.id, key=f"item-{i}", kind="training", title=f"Training {i:02d}",
                                 due_date=date(2026, 3, 2) + timedelta(days=i % 15), status="open"))
        subscribe(s, org, "C0NORTH", parse_digest("subscribe north at 07:30"), "U0LEAD", NOW - timedelta(days=1))
    return org


def test_big_digest_stays_within_limits_with_overflow_in_thread(sessions) -> None:  # type: ignore[no-untyped-def]
    org = _seed(sessions)
    with SlackStandIn(rate_limit_per_channel=1.0) as standin:
        ctx = JobContext(org=org, alerts=AlertSettings(), sessions=sessions,
                         client_factory=lambda: make_delivery_client("xoxb-test", standin.base_url, timeout=5))
        outcome = run_job(ctx, "digest", None, NOW)
        assert outcome.ok, outcome.error
        again = run_job(ctx, "digest", None, NOW + timedelta(minutes=5))
        posts = standin.calls_to("chat.postMessage")
    assert again.summary["queued"] == 0
    assert all(p.status == 200 for p in posts), [p.status for p in posts]  # paced: no 429
    head, *thread = posts
    assert thread, "the overflow should go to the thread"
    assert "thread_ts" not in head.params and head.params["channel"] == "C0NORTH"
    head_ts = standin.messages.messages("C0NORTH")[0]["ts"]
    assert all(p.params["thread_ts"] == head_ts for p in thread)
    texts = []
    for p in posts:
        blocks = p.params["blocks"]
        assert len(blocks) <= MESSAGE_BLOCKS
        assert len(json.dumps(blocks, ensure_ascii=False)) <= MESSAGE_BLOCKS_CHARS
        for b in blocks:
            if b["type"] == "section":
                assert len(b["text"]["text"]) <= SECTION_TEXT
                texts.append(b["text"]["text"])
    everything = "\n".join(texts)
    # nothing is lost: every alert and idea appears exactly once across head and thread
    for i in range(N_ALERTS):
        assert everything.count(f"supply item number {i:03d} below") == 1
    for i in range(N_IDEAS):
        assert everything.count(f"Idea {i:03d}: move the front-desk check-in to tablets &amp; kiosks") == 1
    # deadlines within 14 days (due days 0..14 relative to 2 Mar): all 25 items
    assert everything.count("Training ") == N_ITEMS
    assert "Continued in the thread" in json.dumps(head.params["blocks"])
    with session_scope(sessions) as s:
        run = s.scalars(select(DigestRun)).one()
    assert (run.status, run.parts, run.local_date) == ("sent", len(posts), date(2026, 3, 2))
