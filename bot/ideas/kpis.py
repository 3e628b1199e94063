"""KPI choices for the idea and PDSA forms: ``bot.kpi.catalogue`` when present, else a fallback."""

from __future__ import annotations

FALLBACK: tuple[tuple[str, str], ...] = (
    ("no-show-rate", "No-show rate"),
    ("third-next-available", "Third next available appointment"),
    ("provider-utilization", "Provider utilization"),
    ("clean-claim-rate", "Clean claim rate"),
    ("denial-rate", "Denial rate"),
    ("days-in-ar", "Days in A/R"),
    ("patient-satisfaction", "Patient satisfaction"),
)


def kpi_choices() -> list[tuple[str, str]]:
    """``[(kpi id, display name)]`` in catalogue order (at most 100, Slack's option limit)."""
    try:
        from bot.kpi.catalogue import CATALOGUE
    except ImportError:  # the catalogue is another issue's; keep the forms usable without it
        return list(FALLBACK)
    return [(k.id, k.name) for k in CATALOGUE][:100]


def kpi_name(kpi_id: str | None) -> str | None:
    if kpi_id is None:
        return None
    return dict(kpi_choices()).get(kpi_id, kpi_id)
