"""Evaluating every rule for one clinic on its local "today", then applying the results."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.alerts.audience import finance_copies, for_audience
from bot.alerts.config import AlertSettings
from bot.alerts.incidents import apply_results
from bot.alerts.model import NO_DATA, RuleResult
from bot.alerts.registry import BY_NAME, RULE_FEEDS, RULE_NAMES, AlertRule
from bot.alerts.rules.stale import ORG_KEY
from bot.alerts.stale_run import organisation_result, plan_stale
from bot.alerts.targets import Target, target_for
from bot.errors import UsageError
from bot.orgconfig import OrgConfig
from storage.models import Clinic


def local_today(clinic_tz: str, now: datetime) -> date:
    from zoneinfo import ZoneInfo

    return now.replace(tzinfo=UTC).astimezone(ZoneInfo(clinic_tz or "UTC")).date()


def evaluate_clinic(session: Session, clinic: Clinic, settings: AlertSettings, now: datetime,
                    rules: Iterable[str] = RULE_NAMES) -> list[RuleResult]:
    """Run ``rules`` (names of :data:`bot.alerts.registry.RULES`) for ``clinic`` at ``now``
    (naive UTC); read-only.

    Raises:
        UsageError: an unknown rule.
    """
    conf = settings.for_clinic(clinic.key)
    today = local_today(clinic.timezone, now)
    out: list[RuleResult] = []
    for name in rules:
        result = _rule(name).run(session, clinic, conf, today, now)
        if result is not None:
            out.append(result)
    return out


def _rule(name: str) -> AlertRule:
    if name not in BY_NAME:
        raise UsageError(f"Unknown alert rule {name!r}; rules: {', '.join(RULE_NAMES)}")
    return BY_NAME[name]


@dataclass
class AlertRun:
    """What one evaluation did: findings per rule (by severity) and delivery keys queued."""

    clinics: list[str] = field(default_factory=list)
    results: list[RuleResult] = field(default_factory=list)
    queued: list[str] = field(default_factory=list)


def organisation_target(org: OrgConfig, settings: AlertSettings, clinics: list[Clinic]) -> Target:
    """Where organisation-wide incidents go: ``stale_data.channel`` when set, else the first
    configured clinic's alerts channel and owner (clinics in key order; only an incident opened
    before stale data was judged per clinic is still there, to be resolved)."""
    conf = settings.stale_data
    first = next((c for c in (org.clinic(k.key) for k in clinics) if c is not None and c.channels.alerts), None)
    return Target(clinic_key=ORG_KEY, clinic_name=org.organisation,
                  channel=conf.channel or (first.channels.alerts if first else None),
                  owner=conf.owner or (first.owner if first else None), tz=first.timezone if first else "UTC",
                  quiet=settings.quiet_hours)


def run_alerts(session: Session, org: OrgConfig, settings: AlertSettings, now: datetime,
               clinic_key: str | None = None, rules: Iterable[str] = RULE_NAMES) -> AlertRun:
    """Evaluate and apply for one clinic (or all); the caller's session commits. Stale feeds are
    judged per clinic over all clinics (:func:`bot.alerts.stale_run.plan_stale`): each clinic's
    incident in its channel, a feed overdue everywhere in the organisation's stale-data channel
    when one is configured; a clinic rule's "no data" that an overdue feed already explains is
    not posted again.

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
        _rule(rule)
    plan = None
    if "stale_data" in rules:
        def every() -> list[Clinic]:
            return clinics if not clinic_key else list(session.scalars(select(Clinic).order_by(Clinic.key)))

        plan = plan_stale(session, settings, clinics, now, every)
        org_result = organisation_result(plan)
        run.results.append(org_result)
        run.queued += apply_results(session, [org_result], organisation_target(org, settings, every()), now)
    for clinic in clinics:
        results = evaluate_clinic(session, clinic, settings, now, [r for r in rules if not BY_NAME[r].organisation])
        late = set(plan.late.get(clinic.key, {})) if plan else set()
        for res in results:
            if RULE_FEEDS.get(res.rule) in late:  # the stale-data incident says why
                res.findings = [f for f in res.findings if f.severity != NO_DATA]
        if plan and clinic.key in plan.clinics:
            results.insert(0, plan.clinics[clinic.key])
        target = target_for(org, settings, clinic.key, clinic.name, clinic.timezone)
        run.clinics.append(clinic.key)
        run.results += results
        run.queued += apply_results(session, for_audience(results, target.channel, org), target, now)
        for channel, copies in finance_copies(results, target.channel, org):
            run.queued += apply_results(session, copies, replace(target, channel=channel), now)
    return run
