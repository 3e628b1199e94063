"""Target look-up and status wording: the clinic's target, else the organisation's
(``OPSBOT_CONFIG``), else the catalogue default (kpis.md benchmark table)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.kpi.catalogue import KpiDef, Target
from bot.orgconfig import OrgConfig


@dataclass(frozen=True)
class TargetStatus:
    target: Target
    on_target: bool
    text: str  # "on target (at most 10.00 %)" / "off target: above the 10.00 % maximum"
    source: str  # "clinic" | "organisation" | "default"


def format_value(value: float, unit: str) -> str:
    """``0.2019`` → ``20.19 %``; days → ``7.0 days``; counts → ``3``; turns → ``7.50 turns``."""
    if unit == "%":
        return f"{value * 100:.2f} %"
    if unit == "days":
        return f"{value:,.1f} days"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "turns":
        return f"{value:,.2f} turns"
    return f"{value:,.4g}"


def target_status(kpi: KpiDef, org: OrgConfig, clinic_key: str | None, value: float | None) -> TargetStatus | None:
    """Status of ``value`` against the applicable target; None when there is no target or value."""
    if value is None:
        return None
    source = "clinic"
    target = None
    if clinic_key is not None:
        clinic = org.clinic(clinic_key)
        target = clinic.targets.get(kpi.id) if clinic else None
    if target is None:
        source, target = "organisation", org.targets.get(kpi.id)
    if target is None:
        source, target = "default", kpi.default_target
    if target is None:
        return None
    state = target.status(value)
    f = lambda v: format_value(v, kpi.unit)  # noqa: E731
    if kpi.target_strict and value in (target.min, target.max):
        word = "less" if value == target.max else "more"
        return TargetStatus(target, False, f"off target: not {word} than {f(value)}", source)
    if state == "on target":
        bounds = (f"between {f(target.min)} and {f(target.max)}" if target.min is not None and target.max is not None
                  else f"at least {f(target.min)}" if target.min is not None else f"at most {f(target.max)}")
        return TargetStatus(target, True, f"on target ({bounds})", source)
    if state == "above target":
        return TargetStatus(target, False, f"off target: above the {f(target.max)} maximum", source)
    return TargetStatus(target, False, f"off target: below the {f(target.min)} minimum", source)
