"""Did it work? (issue 19): the cycle's measure before and after its start on one SPC chart,
written as a Study proposal the team confirms.

Weekly points (Monday weeks in the clinic's calendar): up to ``BASELINE_WEEKS`` whole weeks before
the week the cycle started form the baseline (centre line and limits frozen there, Provost &
Murray, "The Health Care Data Guide", 2011, ch. 6); the weeks from the start to the study end
(the cycle's end, else the last complete week) are read against it. An improvement signal is a
point beyond the limit on the better side, or a run on the better side of the centre line longer
than Anhøj's limit for the chart (round(log2 n) + 3; Anhøj & Olesen 2014).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy.orm import Session

from bot.kpi.base import Scope
from bot.kpi.catalogue import BY_ID, KpiDef
from bot.kpi.registry import implementation
from bot.kpi.targets import format_value
from bot.spc import ChartResult, choose_p_chart, i_chart, longest_run_max
from storage.models import Clinic, PdsaCycle

BASELINE_WEEKS = 12
MIN_BASELINE = 6
CHART_WORDS = {"p": "p chart", "pp": "Laney p′ chart", "i": "I chart"}


@dataclass(frozen=True)
class StudyReading:
    """``before``/``after``: pooled values; ``signal``: "improvement" | "worse" | None;
    ``since``: first day of the signalling run or point; ``text``: the proposal in words."""

    before: float
    after: float
    signal: str | None
    since: date | None
    text: str
    chart: ChartResult | None = None  # the weekly chart read (baseline = the weeks before the start)
    labels: tuple[str, ...] = ()


def _weeks(first: date, last: date) -> list[tuple[date, date]]:
    start = first - timedelta(days=first.weekday())
    out = []
    while start + timedelta(days=6) <= last:
        out.append((start, start + timedelta(days=6)))
        start += timedelta(days=7)
    return out


def _run_on_side(side: np.ndarray, k: int, want: int) -> tuple[int, int]:
    """(length, first index) of the longest run of ``want`` among points ``k:``; points on the
    centre line (0) neither extend nor break a run (Anhøj)."""
    best, best_at, length, at = 0, -1, 0, -1
    for i in range(k, side.size):
        if side[i] == 0 or np.isnan(side[i]):
            continue
        if side[i] == want:
            at = i if length == 0 else at
            length += 1
            if length > best:
                best, best_at = length, at
        else:
            length = 0
    return best, best_at


def read_study(kpi: KpiDef, weeks: list[tuple[date, date]], n: list[float], d: list[float],
               values: list[float | None], k: int) -> StudyReading | None:
    """Pure reading of weekly points, the first ``k`` the baseline; None without enough data."""
    has = [v is not None for v in values]
    if sum(has[:k]) < MIN_BASELINE or not any(has[k:]):
        return None
    counts = kpi.chart == "p" and all(float(x).is_integer() for x in n + d)
    chart: ChartResult = (choose_p_chart([x if h else None for x, h in zip(n, has, strict=True)],
                                         [x if h else None for x, h in zip(d, has, strict=True)], baseline=k)
                          if counts else i_chart(list(values), baseline=k))
    better = -1 if kpi.direction == "lower" else 1
    before = sum(n[:k]) / sum(d[:k]) if counts else float(np.nanmean([v for v in values[:k] if v is not None]))
    after = sum(n[k:]) / sum(d[k:]) if counts else float(np.nanmean([v for v in values[k:] if v is not None]))
    with np.errstate(invalid="ignore"):
        side = np.sign(chart.y - chart.cl)
    useful = int(np.sum(~np.isnan(side) & (side != 0)))
    limit = longest_run_max(useful) if useful else 0
    f = lambda v: format_value(float(v), kpi.unit)  # noqa: E731
    labels = tuple(f"{s.day} {s:%b}" for s, _ in weeks)
    name = CHART_WORDS.get(chart.kind, chart.kind)
    found: list[tuple[str, int, str]] = []  # (signal, index, words)
    for want, signal in ((better, "improvement"), (-better, "worse")):
        length, at = _run_on_side(side, k, want)
        if length > limit:
            where = "below" if want < 0 else "above"
            found.append((signal, at, f"shift of {length} points {where} the centre line"))
        beyond = [i for i in range(k, len(values)) if chart.sigma_signal[i] and side[i] == want]
        if beyond:
            found.append((signal, beyond[0], f"{len(beyond)} point(s) beyond the {'lower' if want < 0 else 'upper'} limit"))
    head = f"{kpi.name} {f(before)} → {f(after)}"
    if not found:
        return StudyReading(before, after, None, None,
                            f"{head} ({name}: no signal against the baseline's limits {f(chart.lcl[-1])}–"
                            f"{f(chart.ucl[-1])}) — no improvement signal yet", chart, labels)
    signal, at, words = min(found, key=lambda x: (x[0] != "improvement", x[1]))
    since = weeks[at][0]
    verdict = "improvement signal" if signal == "improvement" else "signal in the wrong direction"
    return StudyReading(before, after, signal, since,
                        f"{head} ({name}: {words} since {since.day} {since:%b}) — {verdict}", chart, labels)


def study_for_cycle(session: Session, cycle: PdsaCycle, today: date) -> StudyReading | None:
    """The Study proposal for ``cycle`` (None without a KPI, a baseline or data after the start).
    The study period ends at the cycle's end, else at the last complete week before ``today``."""
    if not cycle.kpi_id or cycle.kpi_id not in BY_ID:
        return None
    kpi = BY_ID[cycle.kpi_id]
    clinic = session.get(Clinic, cycle.clinic_id) if cycle.clinic_id else None
    scope = (Scope(clinic_ids=(clinic.id,), clinic_key=clinic.key, clinic_name=clinic.name,
                   timezone=clinic.timezone or "UTC") if clinic else Scope())
    start_week = cycle.started_date - timedelta(days=cycle.started_date.weekday())
    end = min(cycle.ended_date or today, today - timedelta(days=1))
    weeks = _weeks(start_week - timedelta(weeks=BASELINE_WEEKS), end)
    k = sum(1 for s, _ in weeks if s < start_week)
    impl = implementation(kpi.id)
    series = impl.series(session, scope, weeks)
    return read_study(kpi, weeks, [m.n if m.value is not None else 0.0 for m in series],
                      [m.d if m.value is not None else 0.0 for m in series], [m.value for m in series], k)


def study_proposal(session: Session, cycle_id: int, now: datetime) -> str | None:
    """The Study field's proposal for cycle ``cycle_id`` ("Proposed from the data (confirm or
    edit): …"), None when the measure cannot be read yet; ``now`` naive UTC or aware."""
    cycle = session.get(PdsaCycle, cycle_id)
    if cycle is None:
        return None
    clinic = session.get(Clinic, cycle.clinic_id) if cycle.clinic_id else None
    instant = now if now.tzinfo else now.replace(tzinfo=UTC)
    today = instant.astimezone(ZoneInfo(clinic.timezone if clinic and clinic.timezone else "UTC")).date()
    reading = study_for_cycle(session, cycle, today)
    return f"Proposed from the data (confirm or edit): {reading.text}" if reading else None
