"""A clinic's scorecard (issue 18): every KPI the asker may see, for one clinic (or the network),
against its target. Without a period, each KPI covers the latest 30 days of its own data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.kpi.base import Measure
from bot.kpi.catalogue import CATALOGUE, KpiDef
from bot.kpi.coverage import short_history, short_history_text
from bot.kpi.engine import local_today
from bot.kpi.grammar import KpiRequest
from bot.kpi.periods import PeriodSpec, recent_window
from bot.kpi.registry import EngineOptions, implementation
from bot.kpi.scope import resolve_scope
from bot.kpi.targets import TargetStatus, shown_value, target_status
from bot.orgconfig import OrgConfig


@dataclass
class ScoreRow:
    kpi: KpiDef
    measure: Measure | None
    start: date | None
    end: date | None
    status: TargetStatus | None
    #: covered days when the KPI has no value for too short a history (not "no data"; coverage.py)
    short_days: int | None = None

    def shown(self) -> str | None:
        """The value as the scorecard shows it: beside its target (``TargetStatus.shown``), "not
        enough history (11 days of data)" for too short a history, None for no data at all."""
        if self.measure is None:
            return None if self.short_days is None else short_history_text(self.short_days)
        return shown_value(self.measure.value, self.kpi.unit, self.status)  # type: ignore[arg-type]


def scorecard(session: Session, org: OrgConfig, clinic_key: str | None, period: PeriodSpec, *,
              visible: set[str], now: datetime | None = None, options: EngineOptions | None = None
              ) -> tuple[str, list[ScoreRow]]:
    """``(scope label, rows)`` for the KPIs in ``visible``.

    Raises:
        NoDataYet: the clinic is only in the organisation file (nothing imported yet).
        UsageError: an unknown clinic key.
    """
    scope = resolve_scope(session, KpiRequest(action="value", clinic=clinic_key), org=org)
    today = local_today(scope.timezone, now)
    rows: list[ScoreRow] = []
    for kpi in CATALOGUE:
        if kpi.id not in visible:
            continue
        impl = implementation(kpi.id, options)
        if period.kind == "all":
            window = recent_window(impl.latest(session, scope), today)
            if window is None:
                rows.append(ScoreRow(kpi, None, None, None, None))
                continue
            start: date | None = window[0]
            end = window[1]
        else:
            resolved = period.resolve(today)
            start, end = resolved.start, min(resolved.end or today, today)
        m = impl.measure(session, scope, start, end)
        status = target_status(kpi, org, scope.clinic_key, m.value) if m.has_data else None
        rows.append(ScoreRow(kpi, m if m.has_data else None, start, end, status, short_history(m)))
    return scope.label, rows
