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
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from bot.alerts.config import DenialParams
from bot.alerts.denial_drivers import RemitRow, why_line
from bot.alerts.model import Finding, RuleResult
from bot.errors import OpsBotError
from bot.kpi.catalogue import BY_ID
from bot.kpi.periods import unit_name
from bot.kpi.spc_reading import trend_chart
from bot.spc import ChartResult, Signal, alert_blocker, alert_signal
from bot.spc.run_start import last_run_start


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


def _slices(rows: Iterable[RemitRow], kinds: Collection[str]) -> tuple[dict[date, int], list[_Slice]]:
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
    """The slice's weekly p/p′ chart, built by the function ``/kpi denial-rate`` reads its trend
    with (:func:`bot.kpi.spc_reading.trend_chart`): every week but the latest is the baseline."""
    y = [s.denied.get(w, 0) for w in weeks]
    n = [s.total.get(w, 0) for w in weeks]
    if sum(n[:-1]) == 0:
        return None
    values = [a / b if b else None for a, b in zip(y, n, strict=True)]
    try:
        return trend_chart(BY_ID["denial-rate"], values, [float(a) for a in y], [float(b) for b in n])
    except OpsBotError:
        return None


def _why(s: _Slice, rows: list[RemitRow], weeks: list[date]) -> tuple[str, ...]:
    """The clinic-wide finding names its drivers by payer and category (issue 19)."""
    line = why_line(rows, weeks[:-1], weeks[-1]) if s.subject == "clinic" else None
    return (line,) if line else ()


@dataclass(frozen=True)
class _Hit:
    slice: _Slice
    signal: Signal
    chart: ChartResult
    denied: int
    n: int

    @property
    def excess(self) -> float:
        """Denials above the centre line in the latest week (ranks the slices of one event)."""
        return self.denied - self.n * float(self.chart.cl[-1])

    def line(self) -> str:
        ref = "upper limit" if self.signal.kind == "spike" else "centre line"
        kind = "Laney p′" if self.chart.kind == "pp" else "p"
        return (f"{self.slice.label}: {self.signal.value:.1%} ({self.denied} of {self.n}) — {self.signal.rule}, "
                f"{ref} {self.signal.limit:.1%} ({kind} chart, {self.chart.n_baseline} baseline weeks)")


def _within(narrow: str, broad: str) -> bool:
    """Whether slice subject ``narrow`` is a strict part of ``broad`` (``clinic`` ⊃ ``payer:p`` and
    ``category:c`` ⊃ ``payer:p/category:c``)."""
    if narrow == broad:
        return False
    return broad == "clinic" or broad in narrow.split("/")


def _headline(hits: list[_Hit]) -> _Hit:
    """The slice that names the event: start from the hit with the most excess denials, then step
    down to a narrower signalling slice while one holds at least half of the current slice's
    excess, taking the one where the excess is most concentrated (excess per claim, i.e. the rise
    in rate points). A spike at one payer is named by that payer, not by "all payers" whose excess
    merely includes it; a spike spread over every payer of one category by the category."""
    top = hits[0]
    while True:
        inner = [h for h in hits if _within(h.slice.subject, top.slice.subject) and h.excess >= 0.5 * top.excess]
        if not inner:
            return top
        top = max(inner, key=lambda h: (h.excess / max(h.n, 1), h.excess))


def denial_spike(clinic_key: str, today: date, rows: Iterable[RemitRow], params: DenialParams) -> RuleResult:
    """Evaluate every slice on the latest complete week; upward signals of one clinic and week
    are ONE finding (subject ``denials``), titled by the slice with the most excess denials and
    listing every signalling slice (all payers, payer, category) in its lines."""
    result = RuleResult("denial_spike", clinic_key)
    weeks = alert_weeks(today, params.weeks)
    latest = weeks[-1]
    window = [r for r in rows if weeks[0] <= r.week <= latest]
    total, slices = _slices(window, params.slices)
    if total.get(latest, 0) == 0:
        result.no_data_finding(latest.isoformat(), "Denial check: no remittances in the latest week",
                               f"No remittances dated in the {unit_name(latest, 'week')}; the denial "
                               "rate cannot be judged (this is not an all-clear).", week=latest.isoformat())
        return result
    result.clear.add("no-data")
    labels = [w.isoformat() for w in weeks]
    hits: list[_Hit] = []
    evaluated = 0
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
                evaluated += 1
                result.clear.add(s.subject)  # legacy per-slice incidents resolve
            continue
        evaluated += 1
        hits.append(_Hit(s, signal, chart, d, n))
    result.charts_evaluated = evaluated
    if not hits:
        if evaluated:
            result.clear.add("denials")
        return result
    hits.sort(key=lambda h: (-h.excess, h.slice.subject))
    top = _headline(hits)
    word = "spike" if top.signal.kind == "spike" else "shift"
    began = last_run_start(top.chart) if top.signal.kind != "spike" else None
    clinic_slice = next((s for s in slices if s.subject == "clinic"), None)
    # the weeks named as every answer names an ISO week (bot.kpi.periods.unit_name: "week of 2 Mar 2026")
    week = unit_name(latest, "week")
    lines = (f"{week[:1].upper()}{week[1:]}: {len(hits)} of the clinic's denial charts signal upward"
             + (f"; the shift began the {unit_name(weeks[began], 'week')}" if began is not None else ""),
             *(h.line() for h in hits),
             *(_why(clinic_slice, window, weeks) if clinic_slice is not None else ()))
    result.findings.append(Finding(
        "denial_spike", "denials", latest.isoformat(), "warning", f"Denial {word}: {top.slice.label}", lines,
        {"kind": top.signal.kind, "rule": top.signal.rule, "value": top.signal.value, "limit": top.signal.limit,
         "centre": float(top.chart.cl[-1]), "denied": top.denied, "n": top.n, "chart": top.chart.kind,
         "week": latest.isoformat(), "slices": [h.slice.subject for h in hits],
         "slice": top.slice.label},  # what value/limit/centre are the rate of
    ))
    return result
