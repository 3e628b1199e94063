"""Which KPIs are restricted: the revenue-cycle domain of shared/spec/kpis.md.

Each KPI's domain is on its catalogue record (``KpiDef.domain``, the spec's sections). Access
and scheduling, patient experience and inventory are open to everyone; the revenue-cycle KPIs
need finance or manager (and may only be shared into ``finance_channels``).
"""

from __future__ import annotations

from bot.access.policy import Permission
from bot.kpi.catalogue import CATALOGUE

#: KPI id → its domain, read from the catalogue record (``KpiDef.domain``).
DOMAIN_OF: dict[str, str] = {k.id: k.domain for k in CATALOGUE}
RESTRICTED_DOMAINS = frozenset({"revenue"})


def is_restricted(kpi_id: str | None) -> bool:
    """Revenue-cycle KPIs, and any KPI whose domain is unknown (fail closed)."""
    if kpi_id is None:
        return False
    return DOMAIN_OF.get(kpi_id, "revenue") in RESTRICTED_DOMAINS


def permission_for(kpi_id: str | None) -> Permission:
    return Permission.VIEW_REVENUE if is_restricted(kpi_id) else Permission.VIEW_KPI


def visible(kpi_id: str) -> bool:
    """Whether the current requester may see ``kpi_id`` organisation-wide (``/kpi`` list).
    Outside a Slack request everything is visible."""
    from bot.access.current import allows

    return allows(permission_for(kpi_id), None)
