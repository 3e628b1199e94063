"""Every alert rule, as one explicit list (issue 17): its name (the ``alerts:`` key of the
organisation file and ``AlertIncident.rule``), the feed it reads, the catalogue KPI its
figures are, and how one clinic's evaluation reads its data and calls the pure rule function.

``feed``: a rule's "no data" is explained by that feed being overdue, so it is not posted again
per clinic, and the stale-data incident names the rule as paused. ``kpi``: the audience rule
(``bot.alerts.audience``) withholds the figures of a restricted KPI outside finance channels, and
"Start an improvement" takes it as the measure. ``organisation``: the rule is evaluated once for the organisation by
:func:`bot.alerts.evaluate.run_alerts` (stale data: feed loads carry every clinic), not per clinic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.alerts import data
from bot.alerts.config import AlertSettings
from bot.alerts.model import RuleResult
from bot.alerts.rules.compliance import compliance
from bot.alerts.rules.demand import demand_capacity
from bot.alerts.rules.denials import alert_weeks, denial_spike
from bot.alerts.rules.inventory import expiring_lots, low_stock
from bot.alerts.rules.stale import stale_data
from storage.models import Clinic

#: one clinic's evaluation: (session, clinic, the clinic's settings, its local today, now UTC) → result
Runner = Callable[[Session, Clinic, AlertSettings, date, datetime], RuleResult | None]


@dataclass(frozen=True)
class AlertRule:
    name: str
    run: Runner
    feed: str | None = None
    kpi: str | None = None
    organisation: bool = False


def _stale_data(session: Session, clinic: Clinic, conf: AlertSettings, today: date, now: datetime) -> RuleResult:
    return stale_data(clinic.key, now, data.clinic_feed_loads(session, [clinic.id])[clinic.id], conf.stale_data,
                      RULE_FEEDS)


def _low_stock(session: Session, clinic: Clinic, conf: AlertSettings, today: date, now: datetime) -> RuleResult:
    positions, info, latest = data.inventory_snapshot(session, clinic.id, today)
    return low_stock(clinic.key, today, positions, info, latest, conf.low_stock)


def _expiring_lots(session: Session, clinic: Clinic, conf: AlertSettings, today: date, now: datetime) -> RuleResult:
    return expiring_lots(clinic.key, today, data.lots_snapshot(session, clinic.id), conf.expiring_lots)


def _denial_spike(session: Session, clinic: Clinic, conf: AlertSettings, today: date, now: datetime) -> RuleResult:
    weeks = alert_weeks(today, conf.denial_spike.weeks)
    rows = data.remittance_rows(session, clinic.id, weeks[0], weeks[-1] + timedelta(days=6))
    return denial_spike(clinic.key, today, rows, conf.denial_spike)


def _compliance(session: Session, clinic: Clinic, conf: AlertSettings, today: date, now: datetime) -> RuleResult:
    return compliance(clinic.key, today, data.compliance_snapshot(session, clinic.id), conf.compliance)


def _demand_capacity(session: Session, clinic: Clinic, conf: AlertSettings, today: date,
                     now: datetime) -> RuleResult | None:
    if not conf.demand_capacity.enabled:  # off by default: nothing read, nothing cleared
        return None
    from bot.forecast.ahead import demand_outlook  # pandas work only when enabled

    outlook = demand_outlook(session, clinic.key, today, None, conf.demand_capacity.horizon_days)
    if not outlook.shown:  # a forecast that did not beat its baseline raises and clears nothing
        return None
    return demand_capacity(clinic.key, today, outlook.days, outlook.tna_in_two_weeks, conf.demand_capacity)


RULES: tuple[AlertRule, ...] = (
    AlertRule("stale_data", _stale_data, organisation=True),
    AlertRule("low_stock", _low_stock, feed="inventory"),
    AlertRule("expiring_lots", _expiring_lots, feed="lots"),
    AlertRule("denial_spike", _denial_spike, feed="remittances", kpi="denial-rate"),
    AlertRule("compliance", _compliance),
    AlertRule("demand_capacity", _demand_capacity),
)
BY_NAME: dict[str, AlertRule] = {r.name: r for r in RULES}
RULE_NAMES: tuple[str, ...] = tuple(BY_NAME)
#: alert rule → the feed it reads
RULE_FEEDS: dict[str, str] = {r.name: r.feed for r in RULES if r.feed}


def rule_kpi(rule: str) -> str | None:
    """The catalogue KPI whose figures ``rule``'s findings show; None for other rules."""
    found = BY_NAME.get(rule)
    return found.kpi if found else None
