"""Stale data for a run: which feeds are overdue for which clinic, and where each incident goes
(:mod:`bot.alerts.rules.stale` words it).

Each clinic's feeds are dated by the loads that carried its rows (``storage.feed_freshness``);
feeds whose rows name no clinic (supply items, lots) by the feed's latest load. A feed overdue
for every clinic is an outage of the feed: with a stale-data channel in the organisation file
(``alerts.stale_data.channel``) it is one organisation incident there; otherwise, and for feeds
overdue at some clinics only, each clinic's incident lists it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from bot.alerts.config import AlertSettings
from bot.alerts.model import RuleResult
from bot.alerts.registry import RULE_FEEDS
from bot.alerts.rules.stale import ORG_KEY, Late, overdue_feeds, stale_finding
from storage.feed_freshness import clinic_feed_loads
from storage.models import Clinic


@dataclass
class StalePlan:
    """``late``: clinic key → its overdue feeds; ``clinics``: clinic key → its stale-data result
    (feeds of an organisation incident left out); ``organisation``: that incident's result, or
    None without a stale-data channel."""

    late: dict[str, Late] = field(default_factory=dict)
    clinics: dict[str, RuleResult] = field(default_factory=dict)
    organisation: RuleResult | None = None


def plan_stale(session: Session, settings: AlertSettings, clinics: list[Clinic], now: datetime,
               everyone: Callable[[], list[Clinic]] | None = None) -> StalePlan:
    """Overdue feeds of the run's ``clinics`` at ``now`` (naive UTC), each clinic with its own
    thresholds. With a stale-data channel, a feed overdue at every clinic of the organisation
    (``everyone()``, default ``clinics``; read only when one of the run's clinics is stale, so a
    scheduled per-clinic run on fresh data reads its own clinic's rows only) is an outage."""
    late = _late(session, settings, clinics, now)
    plan = StalePlan(late=dict(late))
    everywhere: set[str] = set()
    if settings.stale_data.channel:
        if any(late.values()):
            rest = [c for c in (everyone() if everyone else clinics) if c.key not in late]
            late.update(_late(session, settings, rest, now))
            everywhere = set.intersection(*(set(v) for v in late.values()))
        outage: Late = {}
        for feed in sorted(everywhere):
            seen = [last for v in late.values() if (last := v[feed][0]) is not None]
            outage[feed] = (max(seen) if seen else None, settings.stale_data.feeds.get(
                feed, settings.stale_data.default_hours))
        plan.organisation = stale_finding(ORG_KEY, now, outage, RULE_FEEDS)
    for key, overdue in plan.late.items():
        plan.clinics[key] = stale_finding(key, now, {f: v for f, v in overdue.items() if f not in everywhere},
                                          RULE_FEEDS)
    return plan


def _late(session: Session, settings: AlertSettings, clinics: list[Clinic], now: datetime) -> dict[str, Late]:
    loads = clinic_feed_loads(session, [c.id for c in clinics]) if clinics else {}
    return {c.key: overdue_feeds(now, loads[c.id], settings.for_clinic(c.key).stale_data) for c in clinics}


def organisation_result(plan: StalePlan) -> RuleResult:
    """The organisation incident's result; without a stale-data channel, one that resolves an
    organisation incident left from before freshness was per clinic."""
    return plan.organisation or RuleResult("stale_data", ORG_KEY, clear={"feeds"})
