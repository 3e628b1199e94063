"""Action, block and callback ids shared by views and listeners (CONVENTIONS §5)."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    KPI_SHARE = "kpi_share"
    KPI_CHART = "kpi_chart"


class Callback(StrEnum):
    pass


class Command(StrEnum):
    KPI = "/kpi"
    IDEA = "/idea"
    PDSA = "/pdsa"
    DIGEST = "/digest"
    OPSBOT = "/opsbot"
