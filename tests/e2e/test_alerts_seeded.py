"""On the generated network (``bot.seed``): every planted event raises its alert, and the alerts
nothing planted explains (false alarms) are counted and reported."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timezone

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.alerts.config import AlertSettings
from bot.alerts.evaluate import run_alerts
from bot.alerts.model import Finding
from bot.orgconfig import OrgConfig
from storage.db import make_engine, make_session_factory, session_scope

seed = pytest.importorskip("bot.seed")


def _matches(event, clinic: str, f: Finding) -> bool:  # type: ignore[no-untyped-def]
    d = event.detail
    if event.kind == "denial_spike":
        return f.rule == "denial_spike" and clinic == event.clinic_key and f.subject in (
            f"payer:{d['payer_key']}", f"category:{d['category']}", f"payer:{d['payer_key']}/category:{d['category']}")
    if event.kind == "supply_rundown":
        return f.rule == "low_stock" and clinic == event.clinic_key and f"({d['sku']})" in f.title
    if event.kind == "lot_expiry":
        return f.rule == "expiring_lots" and clinic == event.clinic_key and d["lot_number"] in f.title
    if event.kind in ("compliance_due", "compliance_overdue"):
        return f.rule == "compliance" and clinic == event.clinic_key and f.subject == f"item:{d['key']}"
    if event.kind == "feed_stopped":
        return f.rule == "stale_data" and f.subject == f"feed:{d['feed']}"
    return False


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from storage.migrate import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('seeded') / 'net.db'}"
    upgrade(url)
    sessions = make_session_factory(make_engine(url))
    # end today so the seed's feed-load times (stamped with the real clock) line up with p.now
    params = seed.SeedParams(clinics=6, days=120, seed=1, end_date=datetime.now(timezone.utc).date())
    with session_scope(sessions) as s:
        report = seed.seed_database(s, params, pseudonym_key="test-key", refresh_rollups=False)
    return sessions, report


def test_each_planted_event_raises_its_alert_and_false_alarms_are_few(seeded) -> None:  # type: ignore[no-untyped-def]
    sessions, report = seeded
    params = report.params
    with session_scope(sessions) as s:
        run = run_alerts(s, OrgConfig(), AlertSettings(), params.now)
    findings = [(r.clinic_key, f) for r in run.results for f in r.findings]
    missed = [e.kind for e in report.planted if not any(_matches(e, c, f) for c, f in findings)]
    assert missed == [], f"planted events without an alert: {missed}"
    unexplained = Counter(f.rule for c, f in findings if not any(_matches(e, c, f) for e in report.planted)
                          and not (f.rule == "denial_spike" and f.subject == "clinic"
                                   and c == report.event("denial_spike").clinic_key))
    print(f"\nplanted events: {len(report.planted)}; alerts: {len(findings)}; "
          f"not explained by a planted event: {dict(unexplained)}")
    # denial charts and feeds must be silent where nothing was planted
    assert unexplained["denial_spike"] == 0 and unexplained["stale_data"] == 0
