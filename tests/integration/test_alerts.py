"""Alerts end to end on a real database (SQLite and PostgreSQL): incidents open once, update in
place, follow up in their thread, resolve themselves, and record every action."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.alerts import actions
from bot.alerts.config import AlertSettings, QuietHours
from bot.alerts.evaluate import run_alerts
from bot.alerts.targets import target_for
from bot.delivery import deliver_pending
from bot.orgconfig import OrgConfig
from storage.db import session_scope
from storage.models import (
    AlertAction,
    AlertIncident,
    Clinic,
    ComplianceItem,
    Delivery,
    InventoryTransaction,
    Payer,
    Remittance,
    StockCount,
    SupplyItem,
)
from tests.integration.test_delivery import client_for, slack  # noqa: F401  (fixture)

ORG = OrgConfig.model_validate({"clinics": [{"key": "north", "name": "North Family Practice",
                                             "timezone": "America/New_York", "owner": "U0OWNER",
                                             "channels": {"alerts": "C0ALERTS"}}]})
ONLY = ["compliance"]
NOW = datetime(2026, 3, 2, 14, 0)  # 09:00 in New York
TODAY = date(2026, 3, 2)


def _clinic(s: Session) -> Clinic:
    c = Clinic(key="north", name="North Family Practice", name_folded="north family practice",
               timezone="America/New_York")
    s.add(c)
    s.flush()
    return c


def _compliance(sessions: sessionmaker[Session], due: date) -> None:
    with session_scope(sessions) as s:
        c = _clinic(s)
        s.add(ComplianceItem(clinic_id=c.id, key="hipaa", kind="hipaa_risk_assessment",
                             title="HIPAA risk assessment", owner="U0MGR", due_date=due,
                             recurrence_months=12, status="open"))


def _run(sessions: sessionmaker[Session], now: datetime, rules: list[str] = ONLY,
         settings: AlertSettings | None = None) -> list[str]:
    with session_scope(sessions) as s:
        return run_alerts(s, ORG, settings or AlertSettings(), now, rules=rules).queued


def _incidents(sessions: sessionmaker[Session]) -> list[AlertIncident]:
    with session_scope(sessions) as s:
        return list(s.scalars(select(AlertIncident).order_by(AlertIncident.id)))


def test_compliance_incident_lifecycle(sessions: sessionmaker[Session], slack) -> None:  # type: ignore[no-untyped-def]  # noqa: F811  (the pytest fixture imported above)
    standin, landed = slack
    client = client_for(standin)
    _compliance(sessions, TODAY + timedelta(days=10))
    _run(sessions, NOW)
    deliver_pending(sessions, client, NOW)
    [root] = landed.posts
    assert root["channel"] == "C0ALERTS" and "HIPAA risk assessment" in root["text"]
    buttons = [e.get("action_id") for b in root["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == ["alert_ack", "alert_snooze", "alert_assign", "alert_mark_done", "alert_not_useful"]

    # same day again: nothing new (one incident, one message)
    assert _run(sessions, NOW + timedelta(hours=1)) == []
    # four days later: 6 days left → the 7-day reminder in the thread, message updated in place
    later = NOW + timedelta(days=4)
    _run(sessions, later)
    deliver_pending(sessions, client, later)
    assert len(landed.posts) == 2 and landed.posts[1]["thread_ts"] == root["ts"]
    assert "reminder (7 days)" in landed.posts[1]["text"]
    [update] = standin.calls_to("chat.update")
    assert update.params["ts"] == root["ts"] and "6 days" in str(update.params["blocks"])

    [inc] = _incidents(sessions)
    with session_scope(sessions) as s:
        target = target_for(ORG, AlertSettings(), "north", "North", "America/New_York")
        keys = actions.acknowledge(s, inc.id, "U0NURSE", later, target)
    deliver_pending(sessions, client, later, keys=keys)
    ack_update = standin.calls_to("chat.update")[-1]
    assert "acknowledged by <@U0NURSE>" in str(ack_update.params["blocks"])

    with session_scope(sessions) as s:
        keys = actions.mark_done(s, inc.id, "U0NURSE", later.date(), later, target)
    deliver_pending(sessions, client, later)
    with session_scope(sessions) as s:
        item = s.scalars(select(ComplianceItem)).one()
        assert item.due_date == date(2027, 3, 12) and item.completed_date == later.date()
        acts = [a.action for a in s.scalars(select(AlertAction).order_by(AlertAction.id))]
        assert acts == ["acknowledge", "mark_done"]
    [inc] = _incidents(sessions)
    assert inc.state == "resolved" and inc.open_key is None
    final = standin.calls_to("chat.update")[-1]
    assert "Resolved" in final.params["text"] and not any(b["type"] == "actions" for b in final.params["blocks"])
    assert _run(sessions, later + timedelta(days=1)) == []  # rolled forward a year: quiet
    assert landed.keys().most_common(1)[0][1] == 1  # no key posted twice


def test_snoozed_incident_gets_no_follow_ups_until_snooze_ends(sessions: sessionmaker[Session]) -> None:
    _compliance(sessions, TODAY + timedelta(days=10))
    _run(sessions, NOW)
    [inc] = _incidents(sessions)
    target = target_for(ORG, AlertSettings(), "north", "North", "America/New_York")
    with session_scope(sessions) as s:
        actions.snooze(s, inc.id, "U0NURSE", NOW + timedelta(days=5), "waiting for the auditor", NOW, target)
    assert not any("/step:" in k for k in _run(sessions, NOW + timedelta(days=4)))  # 7-day step, snoozed
    [inc] = _incidents(sessions)
    assert inc.state == "snoozed"
    _run(sessions, NOW + timedelta(days=6))
    [inc] = _incidents(sessions)
    assert inc.state == "open"
    with session_scope(sessions) as s:
        snooze = s.scalars(select(AlertAction)).one()
        assert snooze.action == "snooze" and "waiting for the auditor" in snooze.detail


def _stock(sessions: sessionmaker[Session], on_hand: float) -> int:
    with session_scope(sessions) as s:
        c = _clinic(s)
        item = SupplyItem(clinic_id=c.id, sku="GLV", name="Gloves", unit="box", unit_cost_cents=900,
                          lead_time_days=7, lead_time_sd_days=0, service_level=0.95, critical=False)
        s.add(item)
        s.flush()
        s.add(StockCount(item_id=item.id, count_date=TODAY - timedelta(days=60), on_hand=on_hand + 60 * 10))
        for k in range(60, 0, -1):
            s.add(InventoryTransaction(source="t", external_id=f"u{k}", item_id=item.id,
                                       tx_date=TODAY - timedelta(days=k - 1) - timedelta(days=1),
                                       kind="usage", quantity=10 + (k % 2)))
        return item.id


def test_low_stock_resolves_itself_when_stock_arrives(sessions: sessionmaker[Session], slack) -> None:  # type: ignore[no-untyped-def]  # noqa: F811  (the pytest fixture imported above)
    standin, landed = slack
    item_id = _stock(sessions, on_hand=40)  # ROP ≈ 7·10.5 + SS ≫ 40
    _run(sessions, NOW, ["low_stock"])
    deliver_pending(sessions, client_for(standin), NOW)
    [inc] = _incidents(sessions)
    assert inc.rule == "low_stock" and inc.state == "open"
    with session_scope(sessions) as s:
        s.add(InventoryTransaction(source="t", external_id="r1", item_id=item_id, tx_date=TODAY,
                                   kind="receipt", quantity=500))
    _run(sessions, NOW + timedelta(hours=2), ["low_stock"])
    deliver_pending(sessions, client_for(standin), NOW + timedelta(hours=2))
    [inc] = _incidents(sessions)
    assert inc.state == "resolved"
    assert "Resolved" in standin.calls_to("chat.update")[-1].params["text"]
    assert [p["text"].split(": ")[-1] for p in landed.posts[1:]] == ["resolved — the condition no longer holds"]


def test_denial_rule_without_latest_remittances_reports_no_data_and_keeps_incident(
        sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as s:
        c = _clinic(s)
        p = Payer(key="acme", name="Acme", name_folded="acme")
        s.add(p)
        s.flush()
        for w in range(3, 20):  # remittances stopped two weeks ago
            for i in range(40):
                s.add(Remittance(natural_key=f"{w}-{i}", clinic_id=c.id, payer_id=p.id,
                                 patient_control_number=f"P{w}{i}", claim_status_code="1",
                                 remit_date=TODAY - timedelta(weeks=w), charge_cents=100, paid_cents=0 if i < 3 else 100,
                                 is_first=True, excluded=False, is_denial=i < 3,
                                 denial_category="authorization" if i < 3 else None))
        s.add(AlertIncident(open_key="denial_spike|north|payer:acme", rule="denial_spike", clinic_key="north",
                            subject="payer:acme", severity="warning", title="Denial spike: payer Acme",
                            detail={}, period="2026-02-09", version=1, opened_at=NOW, last_seen_at=NOW))
    _run(sessions, NOW, ["denial_spike"])
    incs = {i.subject: i for i in _incidents(sessions)}
    assert incs["no-data"].severity == "no_data" and incs["no-data"].state == "open"
    assert incs["payer:acme"].state == "open"  # missing data never resolves (never an all-clear)


def test_two_evaluations_at_once_open_one_incident_and_one_post(sessions: sessionmaker[Session], slack) -> None:  # type: ignore[no-untyped-def]  # noqa: F811  (the pytest fixture imported above)
    standin, landed = slack
    _compliance(sessions, TODAY + timedelta(days=3))
    barrier, errors = threading.Barrier(4), []

    def scheduler_process(i: int) -> None:
        try:
            barrier.wait()
            _run(sessions, NOW)
            deliver_pending(sessions, client_for(standin, timeout=10), NOW, worker=f"sched{i}")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=scheduler_process, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len(_incidents(sessions)) == 1
    assert landed.keys() == Counter({"compliance/north/item:hipaa/2026-03-05": 1})


def test_quiet_hours_hold_the_post_until_morning(sessions: sessionmaker[Session], slack) -> None:  # type: ignore[no-untyped-def]  # noqa: F811  (the pytest fixture imported above)
    standin, landed = slack
    _compliance(sessions, TODAY + timedelta(days=3))
    settings = AlertSettings(quiet_hours=QuietHours(start=time(20), end=time(7)))
    night = datetime(2026, 3, 3, 3, 0)  # 22:00 in New York
    _run(sessions, night, settings=settings)
    assert deliver_pending(sessions, client_for(standin), night + timedelta(hours=8)).sent == 0
    with session_scope(sessions) as s:
        row = s.scalars(select(Delivery)).one()
        assert row.next_attempt_at == datetime(2026, 3, 3, 12, 0)  # 07:00 EST
    assert deliver_pending(sessions, client_for(standin), datetime(2026, 3, 3, 12, 0)).sent == 1
    with session_scope(sessions) as s:
        assert s.scalar(select(func.count(Delivery.id))) == 1
