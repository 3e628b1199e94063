"""False-alarm budget of the alert rules on generated networks (issue 16).

Seeds ``--networks`` quiet networks (``plant_events=False``) and as many planted ones
(``devtools.seed.planted``: a denial spike, a supply run-down, two expiring lots, a compliance item
due and one overdue, a stopped feed), each ``--clinics`` clinics × ``--days`` days with its own
seed, runs every alert rule once at the seed's "now", and prints:

* quiet networks: stock / expiry / compliance / stale findings (budget: 0), and denial
  incidents ÷ denial charts evaluated (budget: ≤ 1 %);
* planted networks: for each planted event, how many findings and incidents it raised
  (budget: exactly 1 each), and findings nothing planted explains.

Usage::

    .venv/bin/python bench/bench_false_alarms.py [--networks 10] [--clinics 6] [--days 180]

Prints figures; never fails on them.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from bot.alerts.config import AlertSettings
from bot.alerts.evaluate import run_alerts
from bot.alerts.model import NO_DATA, Finding
from bot.orgconfig import OrgConfig
from devtools.seed import SeedParams, seed_database
from devtools.seed.planted import PlantedEvent
from storage import migrate
from storage.db import make_engine, make_session_factory, session_scope
from storage.models import AlertIncident

STOCK_RULES = ("low_stock", "expiring_lots", "compliance", "stale_data")


def matches(event: PlantedEvent, clinic: str, f: Finding) -> bool:
    """Whether finding ``f`` (of ``clinic``) is the alert the planted ``event`` should raise."""
    d = event.detail
    if event.kind == "denial_spike":
        return f.rule == "denial_spike" and clinic == event.clinic_key and bool({
            f"payer:{d['payer_key']}", f"category:{d['category']}",
            f"payer:{d['payer_key']}/category:{d['category']}"} & set(f.facts.get("slices", ())))
    if event.kind == "supply_rundown":
        return f.rule == "low_stock" and clinic == event.clinic_key and f"({d['sku']})" in f.title
    if event.kind == "lot_expiry":
        return f.rule == "expiring_lots" and clinic == event.clinic_key and d["lot_number"] in f.title
    if event.kind in ("compliance_due", "compliance_overdue"):
        return f.rule == "compliance" and clinic == event.clinic_key and f.subject == f"item:{d['key']}"
    if event.kind == "feed_stopped":
        return f.rule == "stale_data" and d["feed"] in f.facts.get("feeds", ())
    return False


def one_network(tmp: Path, seed: int, planted: bool, clinics: int, days: int):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp / f'net-{seed}-{int(planted)}.db'}"
    migrate.upgrade(url)
    sessions = make_session_factory(make_engine(url))
    params = SeedParams(clinics=clinics, days=days, seed=seed, plant_events=planted,
                        end_date=datetime.now(UTC).date())
    with session_scope(sessions) as s:
        report = seed_database(s, params, pseudonym_key="bench-key", refresh_rollups=True, validate_rows=0)
    with session_scope(sessions) as s:
        run = run_alerts(s, OrgConfig(), AlertSettings(), params.now)
        incidents = Counter(dict(s.execute(select(AlertIncident.rule, func.count()).group_by(AlertIncident.rule)).all()))
    findings = [(r.clinic_key, f) for r in run.results for f in r.findings]
    charts = sum(r.charts_evaluated for r in run.results if r.rule == "denial_spike")
    return report, findings, charts, incidents


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--networks", type=int, default=10)
    ap.add_argument("--clinics", type=int, default=6)
    ap.add_argument("--days", type=int, default=180)
    ap.add_argument("--first-seed", type=int, default=101)
    args = ap.parse_args()
    tmp_dir = tempfile.TemporaryDirectory(prefix="bench-alarms-")
    tmp = Path(tmp_dir.name)
    started = time.perf_counter()
    quiet_by_rule: Counter[str] = Counter()
    denial_incidents = charts_total = 0
    print(f"quiet networks ({args.clinics} clinics × {args.days} days):")
    for k in range(args.networks):
        seed = args.first_seed + k
        _, findings, charts, _ = one_network(tmp, seed, False, args.clinics, args.days)
        alerts = Counter(f.rule for _, f in findings if f.severity != NO_DATA)
        no_data = Counter(f.rule for _, f in findings if f.severity == NO_DATA)
        quiet_by_rule.update(alerts)
        quiet_by_rule.update({f"{r} (no data)": n for r, n in no_data.items()})
        denial_incidents += alerts["denial_spike"]
        charts_total += charts
        print(f"  seed {seed}: findings {dict(alerts) or '{}'}; no-data {dict(no_data) or '{}'}; "
              f"denial charts evaluated {charts}")
    stock = {r: quiet_by_rule[r] for r in STOCK_RULES}
    share = denial_incidents / charts_total if charts_total else 0.0
    print(f"QUIET: stock/expiry/compliance/stale findings {stock} (budget 0 each); denial incidents "
          f"{denial_incidents} of {charts_total} charts = {share:.2%} (budget ≤ 1 %)")
    print(f"planted networks ({args.clinics} clinics × {args.days} days):")
    exact = total_events = 0
    unexplained: Counter[str] = Counter()
    for k in range(args.networks):
        seed = args.first_seed + 100 + k
        report, findings, _, incidents = one_network(tmp, seed, True, args.clinics, args.days)
        per_event = [(e.kind, sum(matches(e, c, f) for c, f in findings)) for e in report.planted]
        total_events += len(per_event)
        exact += sum(n == 1 for _, n in per_event)
        extra = Counter(f.rule for c, f in findings if f.severity != NO_DATA
                        and not any(matches(e, c, f) for e in report.planted))
        unexplained.update(extra)
        print(f"  seed {seed}: events→findings {per_event}; incidents {dict(incidents)}; "
              f"not planted {dict(extra) or '{}'}")
    print(f"PLANTED: {exact} of {total_events} planted events raised exactly one finding; "
          f"findings nothing planted explains: {dict(unexplained) or '{}'}")
    print(f"elapsed {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
