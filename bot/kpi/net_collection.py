"""Net (adjusted) collection rate (MGMA; kpis.md): (payments − refunds) ÷ (charges − contractual
adjustments), by posting period — the payments and the charges posted in the period.

Payments lag the charges they pay, so a period's payments are partly for earlier charges. Over a
month or longer that evens out; over a week it does not (the tester saw 16 %…134 % week to week),
and a period that starts before the ledger has its first charges' payments still to come and
none of the payments for earlier charges (35 % for a quarter whose data starts mid-quarter). So:

* a period shorter than ``MIN_PERIOD_DAYS`` gets no value, and says why and what to ask instead
  (the trend is monthly: the catalogue's ``min_grain``);
* a period that starts less than one payment lag after the ledger's first posting gets no value
  ("not enough history"), naming the first day that can be read;
* every value says how it is read (payments in the period include payments for charges posted
  before it; payments lag charges by about N days).

The lag is the median days from service to payment of the period's payments when the ledger
carries service dates, else days in A/R at the period's end (the average days from charge to
collection, HFMA MAP Key AR-5), else ``DEFAULT_LAG_DAYS``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from statistics import median
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.kpi.base import Bucket, Measure, Scope, _as_date, scope_conditions, session_memo
from bot.kpi.ratio import RatioKpi
from bot.kpi.revenue import net_collection_spec
from bot.kpi.revenue_windows import DaysInArKpi, ledger_first_day, ledger_last_day
from storage.models import LedgerEntry

MIN_PERIOD_DAYS = 28  # a calendar month at the least (MGMA reads it monthly or over longer)
DEFAULT_LAG_DAYS = 45  # when the data gives no lag: a common payer turnaround
_PAYMENTS = ("payer_payment", "patient_payment")
_SAMPLE = 5000  # latest payments with a service date the median lag is taken over


class NetCollectionRateKpi(RatioKpi):
    """:func:`bot.kpi.revenue.net_collection_spec` over periods it can be read on (module doc)."""

    def __init__(self) -> None:
        super().__init__("net-collection-rate", net_collection_spec, "net-collection-rate")

    def measure(self, session: Session, scope: Scope, start: date | None, end: date | None) -> Measure:
        return self._read(session, scope, [(start, end)], [super().measure(session, scope, *self._from(
            session, scope, start), end)])[0]

    def series(self, session: Session, scope: Scope, buckets: Sequence[Bucket]) -> list[Measure]:
        return self._read(session, scope, list(buckets), super().series(session, scope, buckets))

    def measure_and_series(self, session: Session, scope: Scope, start: date | None, end: date | None,
                           buckets: Sequence[Bucket]) -> tuple[Measure, list[Measure]]:
        return self.measure(session, scope, start, end), self.series(session, scope, buckets)

    def breakdown(self, session: Session, scope: Scope, start: date | None, end: date | None,
                  dim: str) -> list[tuple[Any, Measure]]:
        if self._refusal(session, scope, start, end) is not None:
            return []
        return super().breakdown(session, scope, self._from(session, scope, start)[0], end, dim)

    def _from(self, session: Session, scope: Scope, start: date | None) -> tuple[date | None]:
        """"All data" starts one payment lag after the ledger's first posting."""
        if start is not None:
            return (start,)
        first = ledger_first_day(session, _clinics(scope))
        return (None if first is None else first + timedelta(days=self.lag_days(session, scope)),)

    def _refusal(self, session: Session, scope: Scope, start: date | None, end: date | None) -> str | None:
        first = ledger_first_day(session, _clinics(scope))
        if first is None or end is None:
            return None
        lag = self.lag_days(session, scope)
        latest = ledger_last_day(session, _clinics(scope))  # a month under way: its days so far
        days = None if start is None else (min(end, latest or end) - start).days + 1
        if days is not None and days < MIN_PERIOD_DAYS:
            return (f"a net collection rate over {days} days is not meaningful: payments lag "
                    f"charges by about {lag} days, so a short period's payments are for other periods' "
                    f"charges. Ask by month, e.g. `/kpi net-collection-rate {end:%Y-%m}`")
        readable = first + timedelta(days=lag)
        if (start or readable) < readable:
            return (f"not enough history: the ledger starts {first:%Y-%m-%d}, and payments lag charges by about "
                    f"{lag} days, so a period starting before {readable:%Y-%m-%d} holds charges whose "
                    f"payments are still to come and none of the payments for charges before the ledger")
        return None

    def _read(self, session: Session, scope: Scope, ranges: list[tuple[date | None, date | None]],
              measures: list[Measure]) -> list[Measure]:
        out = []
        for (start, end), m in zip(ranges, measures, strict=True):
            why = self._refusal(session, scope, start, end) if m.has_data else None
            if why is not None:
                out.append(Measure(value=None, extra={"why": why}))
                continue
            if m.has_data and end is not None:
                m.extra["note"] = (f"By posting period: payments posted in the period, including those for "
                                   f"charges posted before it (payments lag charges by about "
                                   f"{self.lag_days(session, scope)} days).")
            out.append(m)
        return out

    def lag_days(self, session: Session, scope: Scope) -> int:
        """Days payments lag charges in scope (module doc), from the latest data."""
        def lag() -> int:
            e = LedgerEntry
            stmt = (select(e.posted_date, e.service_date).where(
                e.kind.in_(_PAYMENTS), e.service_date.is_not(None),
                *scope_conditions({"clinic": e.clinic_id, "payer": e.payer_id}, scope))
                .order_by(e.posted_date.desc()).limit(_SAMPLE))
            gaps = [(_as_date(p) - _as_date(s)).days for p, s in session.execute(stmt)]
            if len(gaps) >= 30:
                return max(0, round(median(gaps)))
            days = DaysInArKpi().measure(session, _clinics(scope), None, None).value
            return round(days) if days is not None and days > 0 else DEFAULT_LAG_DAYS

        return int(session_memo(session, (self.kpi_id, "lag", scope), lag))


def _clinics(scope: Scope) -> Scope:
    """The scope's clinics alone: where the ledger feed starts, and their A/R."""
    return Scope(clinic_ids=scope.clinic_ids, clinic_key=scope.clinic_key, clinic_name=scope.clinic_name,
                 timezone=scope.timezone)
