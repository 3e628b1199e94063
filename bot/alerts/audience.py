"""Alerts follow the same audience rule as "Share to channel" and the digest
(``bot.access.audience``): a finding whose figures are a revenue-cycle KPI (the denial spike
shows denial rates) keeps its title in a clinic channel outside ``finance_channels``, its
figures replaced by a line naming where the full alert is; the full alert (rule, value, limit,
n, slice, driver) is posted as its own incident in every finance channel (:func:`finance_copies`),
so the figures reach the people who may see them and can be acknowledged there.

Facts stay in the database (``alerts list``) marked ``withheld`` on the clinic channel's
incident, so nothing built from them for that post (the "Start an improvement" button's value)
carries a figure either. A "no data" finding carries no figure and is posted as it is.
"""

from __future__ import annotations

from dataclasses import replace

from bot.access.audience import finance_channels, may_post, revenue_only_in
from bot.alerts.model import NO_DATA, Finding, RuleResult
from bot.alerts.registry import rule_kpi


def _restricted_here(rule: str, channel: str | None, org: object) -> bool:
    return not may_post(rule_kpi(rule), channel, org)


def for_audience(results: list[RuleResult], channel: str | None, org: object) -> list[RuleResult]:
    """``results`` with the figures of findings the channel's audience may not see withheld."""
    out = []
    for result in results:
        findings = [_withheld(f, org) if f.severity != NO_DATA and _restricted_here(f.rule, channel, org) else f
                    for f in result.findings]
        out.append(replace(result, findings=findings))
    return out


def finance_copies(results: list[RuleResult], channel: str | None, org: object
                   ) -> list[tuple[str, list[RuleResult]]]:
    """``[(finance channel, results)]``: for each of the org's ``finance_channels``, the results
    whose figures ``channel`` may not show, with their figures, as incidents of their own
    (subject ``<subject>@<finance channel>``: one incident and one root delivery per destination;
    subjects found fine resolve there too). Empty when ``channel`` may show them all or no
    finance channel is configured."""
    restricted = [r for r in results if _restricted_here(r.rule, channel, org)]
    if not restricted:
        return []
    return [(fin, [replace(r, findings=[replace(f, subject=copy_subject(f.subject, fin))
                                        for f in r.findings if f.severity != NO_DATA],
                           clear={copy_subject(s, fin) for s in r.clear})
                   for r in restricted])
            for fin in finance_channels(org)]


def copy_subject(subject: str, finance_channel: str) -> str:
    """The subject of a finding's copy for ``finance_channel`` (``"denials@C0FINANCE"``)."""
    return f"{subject}@{finance_channel}"


def is_copy(subject: str) -> bool:
    """Whether ``subject`` is a finance channel's copy (:func:`copy_subject`): a list of a clinic's
    alerts (the digest) names the alert once, by its clinic channel's incident."""
    return "@" in subject


def _withheld(f: Finding, org: object) -> Finding:
    channels = finance_channels(org)
    where = (f"The full alert, with its figures, is posted in {', '.join(f'<#{c}>' for c in channels)}"
             if channels else revenue_only_in(channels))
    return replace(f, lines=(f"Denial-rate figures are not shown in this channel. {where}.",),
                   facts={**f.facts, "withheld": True})
