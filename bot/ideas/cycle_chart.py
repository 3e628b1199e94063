"""PDSA cycles on a KPI's SPC chart (issue 19): where each cycle on that measure and scope
started and ended, and the chart's limits computed from the baseline before the first cycle so
the period after is read against it (IHI / Provost & Murray, "The Health Care Data Guide",
2011, ch. 6: freeze the limits on the baseline, then look for signals after the change).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.spc import ChartResult, choose_p_chart, i_chart, run_chart
from storage.models import PdsaCycle

Bucket = tuple[date, date]
MIN_BASELINE = 6  # points before a cycle for limits of their own (fewer: limits over all points)


@dataclass(frozen=True)
class CycleSpan:
    """One cycle: ``label`` "PDSA 3.1" (idea 3, cycle 1); ``change``: the change tested."""

    cycle_id: int
    label: str
    started: date
    ended: date | None
    change: str


def cycle_spans(session: Session, kpi_id: str, clinic_ids: Sequence[int] | None) -> list[CycleSpan]:
    """Cycles measuring ``kpi_id`` in the scope's clinics (None = every clinic), oldest first."""
    stmt = select(PdsaCycle).where(PdsaCycle.kpi_id == kpi_id).order_by(PdsaCycle.started_date, PdsaCycle.id)
    if clinic_ids is not None:
        stmt = stmt.where(PdsaCycle.clinic_id.in_(list(clinic_ids)))
    return [CycleSpan(c.id, f"PDSA {c.idea_id}.{c.cycle_number}", c.started_date, c.ended_date,
                      " ".join((c.plan_what or c.objective or "").split()))
            for c in session.scalars(stmt)]


def _index(buckets: Sequence[Bucket], day: date) -> int | None:
    for i, (s, e) in enumerate(buckets):
        if s <= day <= e:
            return i
    return None


def chart_marks(spans: Sequence[CycleSpan], buckets: Sequence[Bucket]) -> list[tuple[int, str]]:
    """``[(point index, text)]``: "PDSA 3.1 start 23 Mar: <change>" and "PDSA 3.1 end 10 Apr"
    for each start/end inside the chart's buckets."""
    out: list[tuple[int, str]] = []
    for c in spans:
        i = _index(buckets, c.started)
        if i is not None:
            change = c.change if len(c.change) <= 40 else c.change[:39] + "…"
            out.append((i, f"{c.label} start {c.started:%d %b}" + (f": {change}" if change else "")))
        j = _index(buckets, c.ended) if c.ended else None
        if j is not None:
            out.append((j, f"{c.label} end {c.ended:%d %b}"))
    return out


def baseline_points(spans: Sequence[CycleSpan], buckets: Sequence[Bucket]) -> int | None:
    """How many points come before the first cycle that starts inside the chart (its baseline);
    None when no cycle starts there or fewer than ``MIN_BASELINE`` points precede it."""
    starts = [i for c in spans if (i := _index(buckets, c.started)) is not None]
    k = min(starts) if starts else None
    return k if k is not None and k >= MIN_BASELINE else None


def rebaselined(kind: str, n: Sequence[float | None], d: Sequence[float | None],
                values: Sequence[float | None], k: int) -> ChartResult:
    """The same chart with its centre line and limits from the first ``k`` points (p/p′ from
    counts, else I chart; a run chart stays a run chart with its median from the baseline)."""
    if kind in ("p", "pp"):
        return choose_p_chart(list(n), list(d), baseline=k)
    if kind == "run":
        return run_chart(list(values), baseline=k)
    return i_chart(list(values), baseline=k)


def chart_with_cycles(session: Session, answer: Any) -> tuple[ChartResult, list[tuple[int, str]]] | None:
    """The answer's SPC chart re-based on the points before the first cycle, and the cycles'
    marks; None when the answer has no chart. ``answer``: a :class:`bot.kpi.engine.KpiAnswer`."""
    if answer.spc is None or answer.spc.chart is None:
        return None
    buckets = [(p.start, p.end) for p in answer.trend]
    spans = cycle_spans(session, answer.kpi.id, answer.scope.clinic_ids)
    marks = chart_marks(spans, buckets)
    k = baseline_points(spans, buckets)
    chart = answer.spc.chart
    if k is not None:
        has = [p.measure.value is not None for p in answer.trend]
        chart = rebaselined(chart.kind, [p.measure.n if h else None for p, h in zip(answer.trend, has, strict=True)],
                            [p.measure.d if h else None for p, h in zip(answer.trend, has, strict=True)],
                            [p.measure.value for p in answer.trend], k)
    return chart, marks
