"""Driving the alert buttons through a real Bolt app over HTTP-shaped requests (signed), with
Web API calls going to the Slack stand-in: Acknowledge updates the message in place."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.alerts.config import AlertSettings
from bot.alerts.evaluate import run_alerts
from bot.app import create_app
from bot.delivery import deliver_pending
from bot.settings import load_settings
from devtools.signing import interactive_body
from storage.db import session_scope
from storage.models import AlertAction, AlertIncident, Clinic, ComplianceItem, utcnow
from tests.e2e.slack_payloads import signed_request
from tests.integration.test_delivery import client_for, slack  # noqa: F401  (fixture)

SECRET = "test-signing-secret"


def test_acknowledge_button_records_who_and_updates_message(engine, sessions: sessionmaker[Session], slack, tmp_path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811  (the pytest fixture imported above)
    standin, landed = slack
    org = tmp_path / "org.yml"
    org.write_text("clinics:\n  - {key: north, name: North, timezone: UTC, owner: U0OWNER, channels: {alerts: C0AL}}\n"
                   "roles: {manager: {north: [U0NURSE]}}\n")  # issue 8: acknowledging needs manager
    now = utcnow()
    with session_scope(sessions) as s:
        c = Clinic(key="north", name="North", name_folded="north", timezone="UTC")
        s.add(c)
        s.flush()
        s.add(ComplianceItem(clinic_id=c.id, key="clia", kind="clia_certificate", title="CLIA renewal",
                             due_date=now.date() + timedelta(days=5), status="open"))
    settings = load_settings(SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET,
                             SLACK_API_URL=standin.base_url, OPSBOT_CONFIG=str(org))
    from bot.orgconfig import load_org_config

    with session_scope(sessions) as s:
        run_alerts(s, load_org_config(org), AlertSettings(), now, rules=["compliance"])
    deliver_pending(sessions, client_for(standin), now)
    [root] = landed.posts
    with session_scope(sessions) as s:
        inc_id = s.scalars(select(AlertIncident.id)).one()
    app = create_app(settings, engine, sessions)
    payload = {"type": "block_actions", "user": {"id": "U0NURSE"}, "team": {"id": "T1"},
               "channel": {"id": "C0AL"}, "container": {"type": "message", "message_ts": root["ts"]},
               "trigger_id": "1.2", "response_url": standin.new_response_url(),
               "actions": [{"action_id": "alert_ack", "block_id": f"alert:{inc_id}", "value": str(inc_id),
                            "type": "button", "action_ts": "1"}]}
    resp = app.dispatch(signed_request(SECRET, interactive_body(payload)))
    assert resp.status == 200
    [update] = standin.wait_for("chat.update", 1, timeout=10)
    assert update.params["ts"] == root["ts"] and "acknowledged by <@U0NURSE>" in json.dumps(update.params["blocks"])
    with session_scope(sessions) as s:
        act = s.scalars(select(AlertAction)).one()
        assert (act.action, act.user_id) == ("acknowledge", "U0NURSE")
        assert s.get(AlertIncident, inc_id).state == "acknowledged"
