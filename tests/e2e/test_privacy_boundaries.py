"""Issue 15: every free text a person types passes the one identifier guard before it is stored.

A snooze reason, an idea, an idea's status reason and a PDSA update each carrying an MRN, a name
with a title, an address or a date of birth are refused in the modal with the field named; the
database and the logs hold nothing of them and nothing is posted.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.alerts.config import AlertSettings
from bot.alerts.evaluate import run_alerts
from bot.ids import Callback
from bot.orgconfig import load_org_config
from bot.views import alerts as alert_views
from bot.views.ideas import IdeaField
from storage.db import session_scope
from storage.models import AlertAction, AlertIncident, Clinic, ComplianceItem, Idea, PdsaCycle, PdsaUpdate, utcnow
from tests.e2e.slack_payloads import InProcessBot, idea_values, pdsa_start_values, text_input
from tests.e2e.test_ideas_slack import body_json, bot  # noqa: F401  (fixture)

pytestmark = pytest.mark.e2e

# (text, what the refusal must name): values a front desk would type, one kind each
CASES = [
    ("Waiting on MRN 00482913 from records", "medical record number"),
    ("Mrs. Eleanor Whitfield asked us to wait", "person's name"),
    ("pt lives at 1420 Oak Street, Kingsport TN 37660", "street address"),
    ("dob 03/14/1962, chart pending", "date of birth"),
]


def _secret_parts(text: str) -> list[str]:
    return [w for w in ("00482913", "Whitfield", "1420 Oak", "03/14/1962") if w in text]


def _no_trace(caplog: pytest.LogCaptureFixture, text: str) -> None:
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for part in _secret_parts(text):
        assert part not in logged


def _incident(bot: InProcessBot) -> int:  # noqa: F811  (the pytest fixture imported above)
    """One open compliance alert for North (the org file gives U0MGR the manager role)."""
    now = utcnow()
    with session_scope(bot.sessions) as s:
        clinic = s.scalars(select(Clinic).where(Clinic.key == "north")).first()
        if clinic is None:
            clinic = Clinic(key="north", name="North Family Practice", name_folded="north family practice",
                            timezone="America/New_York")
            s.add(clinic)
            s.flush()
        s.add(ComplianceItem(clinic_id=clinic.id, key="clia", kind="clia_certificate", title="CLIA renewal",
                             due_date=now.date() + timedelta(days=5), status="open"))
    org = load_org_config(None)
    with session_scope(bot.sessions) as s:
        run_alerts(s, org, AlertSettings(), now, rules=["compliance"])
        return s.scalars(select(AlertIncident.id)).one()


@pytest.mark.parametrize("text,kind", CASES)
def test_snooze_reason_with_identifier_is_refused_in_the_modal(
        bot: InProcessBot, text: str, kind: str, caplog: pytest.LogCaptureFixture) -> None:  # noqa: F811  (the pytest fixture imported above)
    caplog.set_level(logging.DEBUG)
    iid = _incident(bot)
    values = {
        alert_views.SNOOZE_DURATION_BLOCK: {alert_views.SNOOZE_DURATION: {
            "type": "static_select", "selected_option": {"value": "1d"}}},
        alert_views.SNOOZE_REASON_BLOCK: {alert_views.SNOOZE_REASON: {"type": "plain_text_input", "value": text}},
    }
    out = body_json(bot.submit(Callback.ALERT_SNOOZE_MODAL, values, user_id="U0MGR", private_metadata=str(iid)))
    assert out["response_action"] == "errors"
    message = out["errors"][alert_views.SNOOZE_REASON_BLOCK]
    assert message.startswith("Snooze reason holds what looks like") and kind in message
    assert _secret_parts(message) == []
    with bot.sessions() as s:
        inc = s.get(AlertIncident, iid)
        assert inc is not None and inc.snooze_reason is None and inc.state != "snoozed"
        assert s.scalars(select(AlertAction)).all() == []
    assert bot.slack.calls_to("chat.update") == []
    _no_trace(caplog, text)


@pytest.mark.parametrize("text,kind", CASES)
def test_idea_with_identifier_is_refused_with_the_field_named(
        bot: InProcessBot, text: str, kind: str, caplog: pytest.LogCaptureFixture) -> None:  # noqa: F811  (the pytest fixture imported above)
    caplog.set_level(logging.DEBUG)
    out = body_json(bot.submit_idea(idea_values("Faster records", text, "Call records earlier")))
    message = out["errors"][IdeaField.PROBLEM]
    assert message.startswith("Problem holds what looks like") and kind in message
    assert _secret_parts(message) == []
    with bot.sessions() as s:
        assert s.scalars(select(Idea)).all() == []
    assert bot.slack.calls_to("chat.postMessage") == []
    _no_trace(caplog, text)


@pytest.mark.parametrize("text,kind", CASES)
def test_pdsa_update_with_identifier_is_refused_with_the_field_named(
        bot: InProcessBot, text: str, kind: str, caplog: pytest.LogCaptureFixture) -> None:  # noqa: F811  (the pytest fixture imported above)
    idea_id = bot.idea_stored(idea_values("Huddle at 8:00", "Late starts", "Daily huddle"))
    bot.submit(Callback.PDSA_START, pdsa_start_values(), user_id="U0OWNER",
               private_metadata=json.dumps({"idea_id": idea_id}))
    bot.slack.wait_until_quiet()
    with bot.sessions() as s:
        cycle_id = s.scalars(select(PdsaCycle.id)).one()
    caplog.set_level(logging.DEBUG)
    update = {"pdsa_observations": text_input(text), "pdsa_study": text_input("on time 4 of 5 days"),
              "pdsa_act": {"value": {"type": "radio_buttons", "selected_option": None}}}
    out = body_json(bot.submit(Callback.PDSA_UPDATE, update, user_id="U0OWNER",
                               private_metadata=json.dumps({"cycle_id": cycle_id})))
    message = out["errors"]["pdsa_observations"]
    assert message.startswith("Observations holds what looks like") and kind in message
    with bot.sessions() as s:
        assert s.scalars(select(PdsaUpdate)).all() == []
    _no_trace(caplog, text)


def test_known_provider_name_passes_and_a_patient_name_does_not(bot: InProcessBot) -> None:  # noqa: F811  (the pytest fixture imported above)
    with session_scope(bot.sessions) as s:
        from storage.models import Provider
        clinic = Clinic(key="north", name="North Family Practice", name_folded="north family practice",
                        timezone="America/New_York")
        s.add(clinic)
        s.flush()
        s.add(Provider(key="p1", clinic_id=clinic.id, name="Anita Okonkwo", name_folded="anita okonkwo"))
    from bot.staff_names import _cache
    _cache.clear()  # the guard reads the provider table at most every 5 minutes
    ok = body_json(bot.submit_idea(idea_values("Anita Okonkwo suggests same-day slots", "Long waits", "Hold 2 slots")))
    assert ok.get("response_action") != "errors"
    refused = body_json(bot.submit_idea(idea_values("Same-day slots", "Harold Briggs (age 67) waited 3 weeks", "Hold slots")))
    assert "person's name" in refused["errors"][IdeaField.PROBLEM]


def test_audit_trail_keeps_shapes_not_the_digits_typed(bot: InProcessBot) -> None:  # noqa: F811  (the pytest fixture imported above)
    from storage.models import AuditEvent

    idea_id = bot.idea_stored(idea_values("Huddle at 8:00", "Late starts", "Daily huddle"))
    for text in ("show 29872499824296", "show 2987249 9824296", f"show {idea_id}"):
        bot.slash("/idea", text, user_id="U0NAMED")
    bot.slack.wait_until_quiet()
    with bot.sessions() as s:
        rows = s.scalars(select(AuditEvent).where(AuditEvent.action == "/idea show").order_by(AuditEvent.id)).all()
        assert [r.target for r in rows] == ["idea:unknown id", "idea:unknown id", f"idea:{idea_id}"]
        stored = " ".join(str(getattr(r, c)) for r in s.scalars(select(AuditEvent)).all()
                          for c in ("target", "args", "reason", "action"))
    assert "2987249" not in stored and "9824296" not in stored
