"""KPI choices for the idea and PDSA forms, read from the catalogue (``bot.kpi.catalogue``)."""

from __future__ import annotations

from bot.kpi.catalogue import BY_ID, CATALOGUE


def kpi_choices() -> list[tuple[str, str]]:
    """``[(kpi id, display name)]`` in catalogue order (at most 100, Slack's option limit)."""
    return [(k.id, k.name) for k in CATALOGUE][:100]


def kpi_name(kpi_id: str | None) -> str | None:
    if kpi_id is None:
        return None
    kpi = BY_ID.get(kpi_id)
    return kpi.name if kpi else kpi_id
