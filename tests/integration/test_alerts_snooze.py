"""A snooze on a real database (SQLite and PostgreSQL) with the Slack stand-in: a worsening
(overdue, stock-out) lifts it and notifies in the thread with a mention; its end re-notifies; each
of these is posted exactly once however many evaluations run, in sequence or at once.

Expected texts are the follow-up format (``bot.views.alerts.follow_up``: "<mention> <title>:
<line>") filled by hand from the rules' wording (``bot.alerts.rules``)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.alerts import actions
from bot.alerts.config import AlertSettings
from bot.alerts.targets import target_for
from bot.delivery import deliver_pending
from bot.digest.gather import _alerts
from storage.db import session_scope
from storage.models import AlertIncident, Clinic, StockCount
from tests.integration.test_alerts import NOW, ORG, TODAY, _compliance, _incidents, _run, _stock
from tests.integration.test_delivery import client_for, slack  # noqa: F401  (fixture)

TARGET = target_for(ORG, AlertSettings(), "north", "North", "America/New_York")


def _snooze(sessions: sessionmaker[Session], until: datetime, standin=None) -> None:  # type: ignore[no-untyped-def]
    """The snooze as the button stores it; with ``standin``, its message update delivered at once,
    as the click's own worker does (not left pending for the schedulers' race days later)."""
    [inc] = _incidents(sessions)
    with session_scope(sessions) as s:
        actions.snooze(s, inc.id, "U0NURSE", until, "waiting for the auditor", NOW, TARGET)
    if standin is not None:
        deliver_pending(sessions, client_for(standin), NOW)


def _race(sessions: sessionmaker[Session], standin, at: datetime, rules: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Four scheduler processes evaluating and delivering at once, then one more rerun."""
    barrier, errors = threading.Barrier(4), []

    def process(i: int) -> None:
        try:
            barrier.wait()
            _run(sessions, at, rules)
            deliver_pending(sessions, client_for(standin, timeout=10), at, worker=f"sched{i}")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=process, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    _run(sessions, at + timedelta(minutes=5), rules)
    deliver_pending(sessions, client_for(standin), at + timedelta(minutes=5))


def _thread_texts(landed) -> list[str]:  # type: ignore[no-untyped-def]
    return [p["text"] for p in landed.posts if p.get("thread_ts")]


def test_overdue_lifts_the_snooze_and_mentions_the_owner_once(sessions: sessionmaker[Session], slack) -> None:  # type: ignore[no-untyped-def]  # noqa: F811  (the pytest fixture imported above)
    standin, landed = slack
    _compliance(sessions, TODAY + timedelta(days=3))  # due 2026-03-05: a warning, 3 days left
    _run(sessions, NOW)
    deliver_pending(sessions, client_for(standin), NOW)
    _snooze(sessions, NOW + timedelta(days=7), standin)
    _race(sessions, standin, NOW + timedelta(days=4), ["compliance"])  # 2026-03-06: one day overdue
    assert _thread_texts(landed) == [
        "<@U0OWNER> Compliance: HIPAA risk assessment: overdue, snooze lifted — "
        "HIPAA risk assessment overdue by 1 day (2026-03-05)"]
    [inc] = _incidents(sessions)
    assert (inc.state, inc.snoozed_until, inc.severity) == ("open", None, "critical")
    assert "snoozed" not in str(standin.calls_to("chat.update")[-1].params["blocks"])
    assert max(landed.keys().values()) == 1


def test_a_deadline_getting_nearer_does_not_lift_the_snooze(sessions: sessionmaker[Session]) -> None:
    _compliance(sessions, TODAY + timedelta(days=10))  # info; 6 days left on day 4 is a warning
    _run(sessions, NOW)
    _snooze(sessions, NOW + timedelta(days=5))
    assert [k for k in _run(sessions, NOW + timedelta(days=4)) if "/step:" in k or "/snooze" in k] == []
    [inc] = _incidents(sessions)
    assert (inc.state, inc.severity) == ("snoozed", "warning")


def test_the_snooze_ending_renotifies_once(sessions: sessionmaker[Session], slack) -> None:  # type: ignore[no-untyped-def]  # noqa: F811  (the pytest fixture imported above)
    standin, landed = slack
    _compliance(sessions, TODAY + timedelta(days=20))  # due 2026-03-22: info, the 30-day step
    _run(sessions, NOW)
    _snooze(sessions, NOW + timedelta(days=2))
    assert [k for k in _run(sessions, NOW + timedelta(days=1)) if "#v" not in k] == []  # snoozed: edits only
    _race(sessions, standin, NOW + timedelta(days=3), ["compliance"])
    assert _thread_texts(landed) == [
        "<@U0OWNER> Compliance: HIPAA risk assessment: snooze ended, still holds — "
        "HIPAA risk assessment due in 17 days (2026-03-22)"]
    assert landed.keys()["compliance/north/item:hipaa/2026-03-22/snooze-end@20260304T1400"] == 1
    assert max(landed.keys().values()) == 1
    [inc] = _incidents(sessions)
    assert inc.state == "open"


def test_a_stock_out_lifts_the_snooze_of_a_low_stock_alert(sessions: sessionmaker[Session], slack) -> None:  # type: ignore[no-untyped-def]  # noqa: F811  (the pytest fixture imported above)
    standin, landed = slack
    item_id = _stock(sessions, on_hand=40)  # gloves, not a critical item: a warning, no mention
    _run(sessions, NOW, ["low_stock"])
    deliver_pending(sessions, client_for(standin), NOW)
    _snooze(sessions, NOW + timedelta(days=7), standin)
    with session_scope(sessions) as s:
        s.add(StockCount(item_id=item_id, count_date=TODAY, on_hand=0))
    _race(sessions, standin, NOW + timedelta(hours=2), ["low_stock"])
    [text] = _thread_texts(landed)  # the snooze silenced everyone: the owner is told
    assert text.startswith("<@U0OWNER> Out of stock: Gloves (GLV): stock-out, snooze lifted — On hand 0 box ≤ ")
    [inc] = _incidents(sessions)
    assert (inc.state, inc.title) == ("open", "Out of stock: Gloves (GLV)")
    assert max(landed.keys().values()) == 1
    with session_scope(sessions) as s:  # the stock-out is a milestone: reached once, not again
        assert s.scalars(select(StockCount).where(StockCount.count_date == TODAY)).one().on_hand == 0
    assert not [k for k in _run(sessions, NOW + timedelta(days=1), ["low_stock"]) if "/step:" in k]


def test_the_digest_keeps_a_snoozed_critical_alert_and_leaves_out_a_snoozed_warning(
        sessions: sessionmaker[Session]) -> None:
    _compliance(sessions, TODAY - timedelta(days=1))  # overdue: critical
    _run(sessions, NOW)
    _snooze(sessions, NOW + timedelta(days=7))  # until 2026-03-09 14:00 UTC = 10:00 EDT
    with session_scope(sessions) as s:
        clinics = list(s.scalars(select(Clinic)))
        [line] = _alerts(s, clinics, "America/New_York", NOW)
        assert (line.state, line.snoozed_until) == ("snoozed", "Mon 9 Mar 10:00 EDT")
        s.scalars(select(AlertIncident)).one().severity = "warning"
        s.flush()
        assert _alerts(s, clinics, "America/New_York", NOW) == []
