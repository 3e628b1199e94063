"""Alerts follow the same audience rule as "Share to channel" and the digest
(``bot.access.audience``): a finding whose figures are a revenue-cycle KPI (the denial spike
shows denial rates) keeps its title in a clinic channel outside ``finance_channels``, but its
figures are replaced by a line naming where they are shown. Facts stay in the database
(``alerts list``) marked ``withheld``, so nothing built from them for the post (the "Start an
improvement" button's value) carries a figure either; only what is posted changes.
"""

from __future__ import annotations

from dataclasses import replace

from bot.access.audience import finance_channels, may_post, revenue_only_in
from bot.alerts.model import Finding, RuleResult
from bot.alerts.registry import rule_kpi


def for_audience(results: list[RuleResult], channel: str | None, org: object) -> list[RuleResult]:
    """``results`` with the figures of findings the channel's audience may not see withheld."""
    out = []
    for result in results:
        findings = [_withheld(f, org) if not may_post(rule_kpi(f.rule), channel, org) else f
                    for f in result.findings]
        out.append(replace(result, findings=findings))
    return out


def _withheld(f: Finding, org: object) -> Finding:
    return replace(f, lines=(f"Denial-rate figures are not shown in this channel. "
                             f"{revenue_only_in(finance_channels(org))}.",),
                   facts={**f.facts, "withheld": True})
