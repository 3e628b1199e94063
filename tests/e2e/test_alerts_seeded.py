"""On the generated network (``devtools.seed``): every planted event raises its alert, and the alerts
nothing planted explains (false alarms) are counted and reported; a quiet network
(``plant_events=False``) raises none from the rules whose data the generator controls.

The denial-spike rule reads SPC charts (Anhøj runs rules, sigma limits) on stationary generated
denial rates: a signal there without a planted spike is the chart's own false-alarm rate, which
is reported and bounded rather than expected to be zero."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from bot.alerts.config import AlertSettings
from bot.alerts.evaluate import run_alerts
from bot.alerts.model import Finding
from bot.orgconfig import OrgConfig
from storage.db import make_engine, make_session_factory, session_scope

seed = pytest.importorskip("devtools.seed")


def _matches(event, clinic: str, f: Finding) -> bool:  # type: ignore[no-untyped-def]
    d = event.detail
    if event.kind == "denial_spike":  # one finding per clinic-week, its slices in the facts
        return f.rule == "denial_spike" and clinic == event.clinic_key and bool({
            f"payer:{d['payer_key']}", f"category:{d['category']}",
            f"payer:{d['payer_key']}/category:{d['category']}"} & set(f.facts.get("slices", ())))
    if event.kind == "supply_rundown":
        return f.rule == "low_stock" and clinic == event.clinic_key and f"({d['sku']})" in f.title
    if event.kind == "lot_expiry":
        return f.rule == "expiring_lots" and clinic == event.clinic_key and d["lot_number"] in f.title
    if event.kind in ("compliance_due", "compliance_overdue"):
        return f.rule == "compliance" and clinic == event.clinic_key and f.subject == f"item:{d['key']}"
    if event.kind == "feed_stopped":  # one organisation-wide finding lists every overdue feed
        return f.rule == "stale_data" and d["feed"] in f.facts.get("feeds", ())
    return False


QUIET_SEEDS = (1, 2)
GENERATOR_RULES = ("low_stock", "expiring_lots", "compliance", "stale_data")


def _seed(tmp_path_factory: pytest.TempPathFactory, **kw):  # type: ignore[no-untyped-def]
    from storage.migrate import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('seeded') / 'net.db'}"
    upgrade(url)
    sessions = make_session_factory(make_engine(url))
    # end today so the seed's feed-load times (stamped with the real clock) line up with p.now
    params = seed.SeedParams(clinics=6, days=120, end_date=datetime.now(UTC).date(), **kw)
    with session_scope(sessions) as s:
        report = seed.seed_database(s, params, pseudonym_key="test-key", refresh_rollups=False, validate_rows=0)
    with session_scope(sessions) as s:
        run = run_alerts(s, OrgConfig(), AlertSettings(), params.now)
    return report, run


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return _seed(tmp_path_factory, seed=1)


@pytest.fixture(scope="module")
def quiet(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return [_seed(tmp_path_factory, seed=n, plant_events=False) for n in QUIET_SEEDS]


def test_each_planted_event_raises_its_alert_and_nothing_else_from_generated_data(seeded) -> None:  # type: ignore[no-untyped-def]
    report, run = seeded
    findings = [(r.clinic_key, f) for r in run.results for f in r.findings]
    missed = [e.kind for e in report.planted if not any(_matches(e, c, f) for c, f in findings)]
    assert missed == [], f"planted events without an alert: {missed}"
    unexplained = Counter(f.rule for c, f in findings if not any(_matches(e, c, f) for e in report.planted)
                          )
    print(f"\nplanted events: {len(report.planted)}; alerts: {len(findings)}; "
          f"not explained by a planted event: {dict(unexplained)}")
    # stock, expiry, compliance and feeds are silent where nothing was planted; so is the denial
    # chart of this network (seed 1)
    assert {rule: unexplained[rule] for rule in (*GENERATOR_RULES, "denial_spike")} == dict.fromkeys(
        (*GENERATOR_RULES, "denial_spike"), 0)


def test_a_quiet_network_raises_no_alert(quiet) -> None:  # type: ignore[no-untyped-def]
    found: Counter[str] = Counter()
    charts = 0
    for report, run in quiet:
        assert report.planted == []
        found.update(f.rule for r in run.results for f in r.findings)
        charts += sum(r.charts_evaluated for r in run.results if r.rule == "denial_spike")
    print(f"\nquiet networks: {len(quiet)} (6 clinics × 120 days, seeds {QUIET_SEEDS}); "
          f"false alarms: {sum(found.values())} {dict(found)}; denial charts evaluated: {charts}")
    assert {rule: found[rule] for rule in GENERATOR_RULES} == dict.fromkeys(GENERATOR_RULES, 0)
    # SPC on stationary rates: a few percent of charts may signal by chance (spc.md), no more
    assert found["denial_spike"] <= 0.05 * charts
