"""The digest's KPI section: each KPI over the latest ``kpi_days`` days of its data up to
today (clinic-local; :func:`bot.kpi.periods.recent_window`, the window of the scorecard and of
``/kpi … last 30d`` too, so the digest never contradicts them), against its target (clinic, else organisation, else the catalogue
default — ``bot.kpi.targets``), with the change since the value the previous digest showed."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.digest.content import KpiLine
from bot.kpi import drivers
from bot.kpi.base import KpiImpl, Scope
from bot.kpi.catalogue import BY_ID, CATALOGUE, KpiDef
from bot.kpi.coverage import short_history, short_history_text
from bot.kpi.drivers_text import short_why
from bot.kpi.periods import recent_window, span_text
from bot.kpi.ratio import RatioKpi
from bot.kpi.registry import implementation
from bot.kpi.targets import shown_value, target_status
from bot.orgconfig import OrgConfig
from storage.models import Clinic

log = logging.getLogger(__name__)


def digest_kpis(org: OrgConfig, clinic_key: str, wanted: list[str] | None) -> list[KpiDef]:
    """The configured KPIs, else every catalogue KPI that has a target for the clinic."""
    if wanted:
        out = []
        for kpi_id in wanted:
            if kpi_id in BY_ID:
                out.append(BY_ID[kpi_id])
            else:
                log.warning("digest: unknown KPI %r in digest.kpis; skipped", kpi_id)
        return out
    out = []
    for kpi in CATALOGUE:
        cfg = org.clinic(clinic_key)
        if (cfg and kpi.id in cfg.targets) or kpi.id in org.targets or kpi.default_target is not None:
            out.append(kpi)
    return out


def format_delta(delta: float, unit: str) -> str:
    """A signed change: percentage points for rates (``+1.20 pts``), else the KPI's unit."""
    if unit == "%":
        return f"{delta * 100:+.2f} pts"
    if unit == "days":
        return f"{delta:+,.1f} days"
    if unit == "count":
        return f"{delta:+,.0f}"
    return f"{delta:+,.2f}"


def _better(kpi: KpiDef, delta: float) -> bool | None:
    if abs(delta) < 1e-12 or kpi.direction == "band":
        return None
    return (delta > 0) == (kpi.direction == "higher")


def why_moved(session: Session, kpi: KpiDef, impl: KpiImpl, scope: Scope, start: date, end: date,
              off_target: bool = False) -> str | None:
    """The top drivers of the change from the equal window before ``start`` to [start, end]
    (ratio KPIs; issue 19), e.g. ``"+2.57 pts vs 4–17 Mar 2026: payer Medicare +2.12 pts (rate
    moved)"``; only for a move the wrong way or a KPI off target (None otherwise)."""
    if not isinstance(impl, RatioKpi) or kpi.direction == "band":
        return None
    before = (start - (end - start) - timedelta(days=1), start - timedelta(days=1))
    found = drivers.explain_change(session, impl, scope, before, (start, end),
                                   drivers.dims_to_explain(kpi, scope, None))
    text = short_why(found, kpi.unit) if found else None
    if text is None or not (off_target or _better(kpi, found[0].total) is False):
        return None
    return f"{format_delta(found[0].total, kpi.unit)} vs {span_text(*before)}: {text}"


def _window(impl: KpiImpl, scope: Scope, session: Session, today: date, days: int) -> tuple[Any, date, date] | None:
    """(measure, start, end) of the KPI's :func:`bot.kpi.periods.recent_window` (the window /kpi
    and the scorecard read too); None when the KPI has no data there (the digest never shows it
    as 0). A "not enough history" answer (:func:`bot.kpi.coverage.short_history`) is returned:
    the digest says so rather than leave the KPI out."""
    window = recent_window(impl.latest(session, scope), today, days)
    if window is None:
        return None
    start, end = window
    m = impl.measure(session, scope, start, end)
    return None if m.value is None and short_history(m) is None else (m, start, end)


def with_data(session: Session, clinic: Clinic, today: date, days: int, kpi_ids: list[str]) -> list[str]:
    """Those of ``kpi_ids`` that have a figure for ``clinic`` in the digest's window (what the
    digest would show were the channel allowed to see them)."""
    scope = Scope(clinic_ids=(clinic.id,), clinic_key=clinic.key, clinic_name=clinic.name,
                  timezone=clinic.timezone or "UTC")
    return [k for k in kpi_ids if (got := _window(implementation(k), scope, session, today, days)) is not None
            and got[0].value is not None]


def kpi_lines(session: Session, org: OrgConfig, clinic: Clinic, today: date, days: int,
              wanted: list[str] | None, previous: dict[str, float]) -> tuple[list[KpiLine], dict[str, float]]:
    """KPI lines for ``clinic`` and their values keyed ``"<clinic>/<kpi>"`` (for the next digest).
    KPIs without data in the window are left out (never shown as 0); a KPI whose data covers too
    short a history says "not enough history (N days of data)"."""
    scope = Scope(clinic_ids=(clinic.id,), clinic_key=clinic.key, clinic_name=clinic.name,
                  timezone=clinic.timezone or "UTC")
    lines, values = [], {}
    for kpi in digest_kpis(org, clinic.key, wanted):
        impl = implementation(kpi.id)
        got = _window(impl, scope, session, today, days)
        if got is None:
            continue
        m, start, end = got
        if (short := short_history(m)) is not None:  # listed, not left out: too short a history is not "no data"
            lines.append(KpiLine(clinic.name, kpi.id, kpi.name, short_history_text(short), None,
                                 f"needs at least {kpi.min_history_days} days of data", span_text(start, end)))
            continue
        key = f"{clinic.key}/{kpi.id}"
        values[key] = float(m.value)
        status = target_status(kpi, org, clinic.key, m.value)
        delta = m.value - previous[key] if key in previous else None
        shown_window = span_text(start, end)
        off = status is not None and not status.on_target
        lines.append(KpiLine(clinic.name, kpi.id, kpi.name, shown_value(m.value, kpi.unit, status),
                             status.on_target if status else None, status.text if status else "no target",
                             shown_window, format_delta(delta, kpi.unit) if delta is not None else None,
                             _better(kpi, delta) if delta is not None else None,
                             why_moved(session, kpi, impl, scope, start, end, off)))
    return lines, values
