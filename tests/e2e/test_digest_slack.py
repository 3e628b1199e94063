"""``/digest`` end to end: signed slash commands through the real Bolt app (``create_app``),
replies over the response_url and Web API calls answered by the Slack stand-in, both databases.
Then the scheduled job posts the subscribed channel's digest to the stand-in at local 07:30."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.settings import load_settings
from devtools.asking import LocalSlack
from storage.db import session_scope
from storage.models import AlertIncident, Clinic, ComplianceItem, DigestSubscription, utcnow

pytestmark = pytest.mark.e2e
ORG = """
clinics:
  - {key: north, name: North Family Practice, timezone: America/New_York, owner: U0OWNER,
     channels: {digest: C0NORTH}}
  - {key: south, name: South Clinic, timezone: America/Chicago}
roles: {manager: {"*": [U0LEAD]}}   # issue 8: changing digest subscriptions needs a manager
"""


def _text(reply: dict) -> str:
    parts = [reply.get("text") or ""]
    for b in reply.get("blocks") or []:
        t = b.get("text")
        parts.append(t.get("text", "") if isinstance(t, dict) else "")
        parts += [e.get("text", "") for e in b.get("elements") or [] if isinstance(e, dict)]
    return "\n".join(parts)


@pytest.fixture
def seeded(sessions):  # type: ignore[no-untyped-def]
    today = datetime.now(ZoneInfo("America/New_York")).date()  # north's own calendar day (not UTC's)
    with session_scope(sessions) as s:
        north = Clinic(key="north", name="North Family Practice", name_folded="north family practice",
                       timezone="America/New_York")
        s.add_all([north, Clinic(key="south", name="South Clinic", name_folded="south clinic",
                                 timezone="America/Chicago")])
        s.flush()
        s.add(ComplianceItem(clinic_id=north.id, key="clia", kind="clia_certificate", title="CLIA certificate renewal",
                             due_date=today + timedelta(days=6), status="open"))
        s.add(AlertIncident(open_key="low_stock|north|item:1", rule="low_stock", clinic_key="north",
                            subject="item:1", state="open", severity="warning", title="Low stock: nitrile gloves (M)",
                            detail={}, root_key="low_stock/north/item:1/x", version=1, opened_at=utcnow(),
                            last_seen_at=utcnow(), period="x"))
    return sessions


def test_digest_commands_over_slack(engine, seeded, tmp_path) -> None:  # type: ignore[no-untyped-def]
    org = tmp_path / "org.yml"
    org.write_text(ORG)
    settings = load_settings(OPSBOT_CONFIG=str(org), DATABASE_URL="sqlite://")
    with LocalSlack(settings, engine, seeded, user_id="U0LEAD", channel_id="C0NORTH") as local:
        sub = local.command("/digest subscribe at 07:30 weekdays")
        assert sub.ack_status == 200
        [reply] = sub.replies
        text = _text(reply)
        assert reply["response_type"] == "ephemeral"
        # no clinic named: the clinic whose org-config digest channel is this one
        assert "north at 07:30 weekdays (America/New_York" in text
        assert any(f" 07:30 E{x}T" in text for x in "SD") and any(d in text for d in ("Mon", "Tue", "Wed", "Thu", "Fri"))

        more = local.command("/digest subscribe south daily always")
        assert "north, south at 07:30 daily (America/New_York; posts even when empty)" in _text(more.replies[0])

        listed = _text(local.command("/digest list").replies[0])
        assert "<#C0NORTH>: north, south at 07:30 daily" in listed

        preview = local.command("/digest preview")
        [shown] = preview.replies
        assert shown["via"] == "response_url" and shown["response_type"] == "ephemeral"
        assert shown["blocks"][0]["text"]["text"] == "Preview — Daily digest · 2 clinics"
        body = _text(shown)
        assert "Low stock: nitrile gloves (M)" in body and "CLIA certificate renewal" in body
        assert "(in 6 days)" in body
        assert not local.standin.calls_to("chat.postMessage")  # a preview posts nothing to the channel

        bad = local.command("/digest subscribe atlantis")
        assert "Unknown clinic 'atlantis'" in _text(bad.replies[0])
        helped = _text(local.command("/digest").replies[0])
        assert "/digest subscribe" in helped and "/digest preview" in helped

        gone = local.command("/digest unsubscribe south")
        assert "now covers north" in _text(gone.replies[0])
        local.command("/digest unsubscribe")
    with session_scope(seeded) as s:
        assert s.scalars(select(DigestSubscription)).all() == []


def test_scheduled_digest_posts_to_the_channel(engine, seeded, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.alerts.config import AlertSettings
    from bot.delivery import make_delivery_client
    from bot.orgconfig import load_org_config
    from jobs.runner import JobContext, run_job

    org = tmp_path / "org.yml"
    org.write_text(ORG)
    settings = load_settings(OPSBOT_CONFIG=str(org), DATABASE_URL="sqlite://")
    with LocalSlack(settings, engine, seeded, user_id="U0LEAD", channel_id="C0NORTH") as local:
        local.command("/digest subscribe north at 07:30 daily")
        # the next local 07:30 in New York after the subscription (EST −5 / EDT −4: try both)
        now = utcnow()
        start = datetime(now.year, now.month, now.day) + timedelta(days=1)
        candidates = [start + timedelta(hours=h, minutes=30) for h in (11, 12)]
        ctx = JobContext(org=load_org_config(org), alerts=AlertSettings(), sessions=seeded,
                         client_factory=lambda: make_delivery_client("xoxb-t", local.standin.base_url))
        posted = []
        for at in candidates:
            run_job(ctx, "digest", None, at - timedelta(minutes=1))
            run_job(ctx, "digest", None, at)
            posted = local.standin.calls_to("chat.postMessage")
            if posted:
                break
        [post] = posted
        assert post.params["channel"] == "C0NORTH"
        assert post.params["metadata"]["event_payload"]["delivery_key"].startswith("digest/C0NORTH/")
        assert "Low stock: nitrile gloves (M)" in json.dumps(post.params["blocks"])
        assert date.fromisoformat(post.params["metadata"]["event_payload"]["delivery_key"].rsplit("/", 1)[1]) \
            == (at - timedelta(hours=6)).date()  # the New York date of that 07:30
