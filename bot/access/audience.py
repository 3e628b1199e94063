"""Who may see a figure where it is posted: the one rule for "Share to channel", digests and
alerts. Revenue-cycle KPIs (``bot.access.kpi_domains.is_restricted``) are posted only in the
organisation's ``finance_channels``; everything else anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.access.kpi_domains import is_restricted


def finance_channels(org: object) -> list[str]:
    """The org file's ``finance_channels`` (ids), sorted."""
    return sorted(set(getattr(org, "finance_channels", None) or []))


def revenue_only_in(channels: list[str]) -> str:
    """Where revenue-cycle figures are shown, as one sentence without the final stop (the one
    wording for digests, alerts and "Share to channel"): "Revenue-cycle figures are shown only in
    finance channels (<#C0FIN>)", or, with none configured, "…only in finance channels; none is
    configured yet (`finance_channels` in the organisation file)"."""
    lead = "Revenue-cycle figures are shown only in finance channels"
    if channels:
        return f"{lead} ({', '.join(f'<#{c}>' for c in channels)})"
    return f"{lead}; none is configured yet (`finance_channels` in the organisation file)"


def may_post(kpi_id: str | None, channel: str | None, org: object) -> bool:
    """Whether ``kpi_id``'s figure may be posted in ``channel`` (None: nowhere restricted)."""
    return not is_restricted(kpi_id) or (channel is not None and channel in finance_channels(org))


def split_for(kpi_ids: Iterable[str], channel: str | None, org: object) -> tuple[list[str], list[str]]:
    """``(shown, withheld)`` KPI ids for ``channel``, each in the order given."""
    shown: list[str] = []
    withheld: list[str] = []
    for kpi_id in kpi_ids:
        (shown if may_post(kpi_id, channel, org) else withheld).append(kpi_id)
    return shown, withheld
