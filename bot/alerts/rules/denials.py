"""Denial spike: weekly denial rates on p charts (Laney p′ when over-dispersed), Anhøj rules.

Per clinic, per payer and per root-cause category (denials.md): N = first remittances that are
denials (of that payer / in that category), D = first, non-excluded remittances (of that payer /
of the clinic), by week (Monday start) of ``remit_date``. The latest complete week is the
alerting point; the weeks before it are the baseline (spc.md "Alerting policy": a sigma signal on
the latest point or a runs signal that includes it, at least ``min_baseline`` baseline weeks and
``min_claims`` claims and ``min_expected`` expected denials in the latest week). Only rises alert: a falling denial rate is good news.
A latest week without any remittance is "no data", never an all-clear.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from bot.alerts.config import DenialParams
from bot.alerts.denial_drivers import why_line
from bot.alerts.model import Finding, RuleResult
from bot.errors import OpsBotError
from bot.spc import ChartResult, alert_blocker, alert_signal, choose_p_chart
from bot.spc.run_start import last_run_start


@dataclass(frozen=True)
class RemitRow:
    """One first, non-excluded remittance: its week start, payer key/name, denial flag/category."""

    week: date
    payer_key: str
    payer_name: str
    denied: bool
    category: str | None


def week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def alert_weeks(today: date, weeks: int) -> list[date]:
    """Week starts (Mondays), oldest first, ending with the latest complete week before ``today``."""
    latest = week_start(today) - timedelta(days=7)
    return [latest - timedelta(days=7 * i) for i in reversed(range(weeks))]


@dataclass(frozen=True)
class _Slice:
    subject: str
    label: str
    denied: dict[date, int]
    total: dict[date, int]


def _slices(rows: Iterable[RemitRow], kinds: list[str]) -> tuple[dict[date, int], list[_Slice]]:
    total: dict[date, int] = defaultdict(int)
    denied: dict[date, int] = defaultdict(int)
    p_total: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    p_denied: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    c_denied: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    pc_denied: dict[tuple[str, str], dict[date, int]] = defaultdict(lambda: defaultdict(int))
    names: dict[str, str] = {}
    for r in rows:
        names[r.payer_key] = r.payer_name
        total[r.week] += 1
        p_total[r.payer_key][r.week] += 1
        if r.denied:
            cat = r.category or "uncategorised"
            denied[r.week] += 1
            p_denied[r.payer_key][r.week] += 1
            c_denied[cat][r.week] += 1
            pc_denied[(r.payer_key, cat)][r.week] += 1
    out: list[_Slice] = []
    if "clinic" in kinds:
        out.append(_Slice("clinic", "all payers", denied, total))
    if "payer" in kinds:
        out += [_Slice(f"payer:{p}", f"payer {names[p]}", p_denied[p], p_total[p]) for p in sorted(p_total)]
    if "category" in kinds:
        out += [_Slice(f"category:{c}", f"category {c}", c_denied[c], total) for c in sorted(c_denied)]
    if "payer_category" in kinds:
        out += [_Slice(f"payer:{p}/category:{c}", f"payer {names[p]}, category {c}", pc_denied[(p, c)],
                       p_total[p]) for (p, c) in sorted(pc_denied)]
    return total, out


def _chart(s: _Slice, weeks: list[date]) -> ChartResult | None:
    y = [s.denied.get(w, 0) for w in weeks]
    n = [s.total.get(w, 0) for w in weeks]
    if sum(n[:-1]) == 0:
        return None
    try:
        return choose_p_chart(y, n, baseline=len(weeks) - 1)
    except OpsBotError:
        return None


def _why(s: _Slice, rows: list[RemitRow], weeks: list[date]) -> tuple[str, ...]:
    """The clinic-wide finding names its drivers by payer and category (issue 19)."""
    line = why_line(rows, weeks[:-1], weeks[-1]) if s.subject == "clinic" else None
    return (line,) if line else ()


def denial_spike(clinic_key: str, today: date, rows: Iterable[RemitRow], params: DenialParams) -> RuleResult:
    """Evaluate every slice; a spike/shift upward on the latest week is a finding."""
    result = RuleResult("denial_spike", clinic_key)
    weeks = alert_weeks(today, params.weeks)
    latest = weeks[-1]
    window = [r for r in rows if weeks[0] <= r.week <= latest]
    total, slices = _slices(window, params.slices)
    if total.get(latest, 0) == 0:
        result.no_data_finding(latest.isoformat(), "Denial check: no remittances in the latest week",
                               f"No remittances dated in the week of {latest.isoformat()}; the denial "
                               "rate cannot be judged (this is not an all-clear).", week=latest.isoformat())
        return result
    result.clear.add("no-data")
    labels = [w.isoformat() for w in weeks]
    for s in slices:
        chart = _chart(s, weeks)
        if chart is None:
            continue
        kw = dict(min_baseline=params.min_baseline, min_denominator=params.min_claims)
        d, n = s.denied.get(latest, 0), s.total.get(latest, 0)
        expected = n * float(chart.cl[-1]) if np.isfinite(chart.cl[-1]) else 0.0
        if expected < params.min_expected:
            continue  # too rare to judge: neither an alert nor an all-clear
        signal = alert_signal(chart, labels=labels, **kw)
        if signal is None or signal.direction != "up":
            if alert_blocker(chart, **kw) is None:
                result.clear.add(s.subject)
            continue
        kind = "Laney p′" if chart.kind == "pp" else "p"
        cl = float(chart.cl[-1])
        ref = "upper limit" if signal.kind == "spike" else "centre line"
        began = last_run_start(chart) if signal.kind != "spike" else None
        lines = (
            f"Denial rate {signal.value:.1%} ({d} of {n} claims) in the week of {latest.isoformat()}"
            + (f"; the shift began the week of {weeks[began].isoformat()}" if began is not None else ""),
            f"Rule: {signal.rule} — {ref} {signal.limit:.1%}, centre line {cl:.1%}, n = {n}",
            f"{kind} chart over {chart.n_baseline} baseline weeks",
        ) + _why(s, window, weeks)
        result.findings.append(Finding(
            "denial_spike", s.subject, latest.isoformat(), "warning",
            f"Denial {'spike' if signal.kind == 'spike' else 'shift'}: {s.label}", lines,
            {"kind": signal.kind, "rule": signal.rule, "value": signal.value, "limit": signal.limit,
             "centre": cl, "denied": d, "n": n, "chart": chart.kind, "week": latest.isoformat()},
        ))
    return result
