"""Evaluating every rule for one clinic on its local "today", then applying the results."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.alerts import data
from bot.alerts.audience import for_audience
from bot.alerts.config import AlertSettings
from bot.alerts.incidents import apply_results
from bot.alerts.model import NO_DATA, RuleResult
from bot.alerts.rules.compliance import compliance
from bot.alerts.rules.demand import demand_capacity
from bot.alerts.rules.denials import alert_weeks, denial_spike
from bot.alerts.rules.inventory import expiring_lots, low_stock
from bot.alerts.rules.stale import ORG_KEY, RULE_FEEDS, overdue_feeds, stale_data
from bot.alerts.targets import Target, target_for
from bot.errors import UsageError
from bot.orgconfig import OrgConfig
from storage.models import Clinic

RULES = ("stale_data", "low_stock", "expiring_lots", "denial_spike", "compliance", "demand_capacity")


def local_today(clinic_tz: str, now: datetime) -> date:
    from zoneinfo import ZoneInfo

    return now.replace(tzinfo=UTC).astimezone(ZoneInfo(clinic_tz or "UTC")).date()


def evaluate_clinic(session: Session, clinic: Clinic, settings: AlertSettings, now: datetime,
                    rules: Iterable[str] = RULES) -> list[RuleResult]:
    """Run ``rules`` for ``clinic`` at ``now`` (naive UTC); read-only."""
    conf = settings.for_clinic(clinic.key)
    today = local_today(clinic.timezone, now)
    out: list[RuleResult] = []
    for rule in rules:
        if rule == "stale_data":
            out.append(stale_data(clinic.key, now, data.last_feed_loads(session), conf.stale_data))
        elif rule == "low_stock":
            positions, info, latest = data.inventory_snapshot(session, clinic.id, today)
            out.append(low_stock(clinic.key, today, positions, info, latest, conf.low_stock))
        elif rule == "expiring_lots":
            out.append(expiring_lots(clinic.key, today, data.lots_snapshot(session, clinic.id),
                                     conf.expiring_lots))
        elif rule == "denial_spike":
            weeks = alert_weeks(today, conf.denial_spike.weeks)
            rows = data.remittance_rows(session, clinic.id, weeks[0], weeks[-1] + timedelta(days=6))
            out.append(denial_spike(clinic.key, today, rows, conf.denial_spike))
        elif rule == "compliance":
            out.append(compliance(clinic.key, today, data.compliance_snapshot(session, clinic.id),
                                  conf.compliance))
        elif rule == "demand_capacity":
            if conf.demand_capacity.enabled:  # off by default: nothing read, nothing cleared
                from bot.forecast.ahead import demand_outlook  # pandas work only when enabled

                outlook = demand_outlook(session, clinic.key, today, None, conf.demand_capacity.horizon_days)
                if outlook.shown:  # a forecast that did not beat its baseline raises and clears nothing
                    out.append(demand_capacity(clinic.key, today, outlook.days, outlook.tna_in_two_weeks,
                                               conf.demand_capacity))
        else:
            raise UsageError(f"Unknown alert rule {rule!r}; rules: {', '.join(RULES)}")
    return out


@dataclass
class AlertRun:
    """What one evaluation did: findings per rule (by severity) and delivery keys queued."""

    clinics: list[str] = field(default_factory=list)
    results: list[RuleResult] = field(default_factory=list)
    queued: list[str] = field(default_factory=list)


def organisation_target(org: OrgConfig, settings: AlertSettings, clinics: list[Clinic]) -> Target:
    """Where organisation-wide incidents go: ``stale_data.channel`` when set, else the first
    configured clinic's alerts channel and owner (clinics in key order)."""
    conf = settings.stale_data
    first = next((c for c in (org.clinic(k.key) for k in clinics) if c is not None and c.channels.alerts), None)
    return Target(clinic_key=ORG_KEY, clinic_name=org.organisation,
                  channel=conf.channel or (first.channels.alerts if first else None),
                  owner=conf.owner or (first.owner if first else None), tz=first.timezone if first else "UTC",
                  quiet=settings.quiet_hours)


def run_alerts(session: Session, org: OrgConfig, settings: AlertSettings, now: datetime,
               clinic_key: str | None = None, rules: Iterable[str] = RULES) -> AlertRun:
    """Evaluate and apply for one clinic (or all); the caller's session commits. Stale feeds are
    evaluated once for the organisation (feed loads carry every clinic); a clinic rule's "no
    data" that an overdue feed already explains is not posted again per clinic.

    Raises:
        UsageError: unknown clinic key or rule.
    """
    stmt = select(Clinic).order_by(Clinic.key)
    if clinic_key:
        stmt = stmt.where(Clinic.key == clinic_key)
    clinics = list(session.scalars(stmt))
    if clinic_key and not clinics:
        raise UsageError(f"Unknown clinic {clinic_key!r}.")
    run = AlertRun()
    rules = list(rules)
    for rule in rules:
        if rule not in RULES:
            raise UsageError(f"Unknown alert rule {rule!r}; rules: {', '.join(RULES)}")
    late: set[str] = set()
    if "stale_data" in rules:
        loads = data.last_feed_loads(session)
        late = set(overdue_feeds(now, loads, settings.stale_data))
        stale = stale_data(ORG_KEY, now, loads, settings.stale_data)
        run.results.append(stale)
        all_clinics = clinics if not clinic_key else list(session.scalars(select(Clinic).order_by(Clinic.key)))
        run.queued += apply_results(session, [stale], organisation_target(org, settings, all_clinics), now)
    for clinic in clinics:
        results = evaluate_clinic(session, clinic, settings, now, [r for r in rules if r != "stale_data"])
        for res in results:
            if RULE_FEEDS.get(res.rule) in late:
                res.findings = [f for f in res.findings if f.severity != NO_DATA]
        target = target_for(org, settings, clinic.key, clinic.name, clinic.timezone)
        run.clinics.append(clinic.key)
        run.results += results
        run.queued += apply_results(session, for_audience(results, target.channel, org), target, now)
    return run
