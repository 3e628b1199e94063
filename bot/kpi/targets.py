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
    shown: str = ""  # the value as shown beside this status (format_value against the target)


def _format(value: float, unit: str, extra: int) -> str:
    if unit == "%":
        return f"{value * 100:.{2 + extra}f} %"
    if unit == "days":
        return f"{value:,.{1 + extra}f} days"
    if unit == "count":
        return f"{value:,.{extra}f}"
    if unit == "turns":
        return f"{value:,.{2 + extra}f} turns"
    return f"{value:,.{4 + extra}g}"


#: at most this many decimals more than a unit's usual to tell a value from its target bound
MAX_EXTRA_DECIMALS = 6


def format_value(value: float, unit: str, target: Target | None = None) -> str:
    """``0.2019`` → ``20.19 %``; days → ``7.0 days``; counts → ``3``; turns → ``7.50 turns``.

    With ``target``, a value that is not a bound but would be shown as one (94.998 % beside a
    95 % minimum) gets the decimals that tell them apart (``95.00 %`` → ``94.998 %``), so a flag
    shown beside it reads true; at most :data:`MAX_EXTRA_DECIMALS` more."""
    extra = 0
    for bound in (() if target is None else (target.min, target.max)):
        if bound is None or value == bound:
            continue
        while extra < MAX_EXTRA_DECIMALS and _format(value, unit, extra) == _format(bound, unit, extra):
            extra += 1
    return _format(value, unit, extra)


def shown_value(value: float, unit: str, status: TargetStatus | None) -> str:
    """``value`` as shown beside its target ``status``: :attr:`TargetStatus.shown` (the decimals
    that tell it from the bound); :func:`format_value` when there is no status. The one rule for
    /kpi answers, breakdown rows, the scorecard and the digest."""
    return status.shown if status else format_value(value, unit)


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
    shown = format_value(value, kpi.unit, target)
    if kpi.target_strict and value in (target.min, target.max):
        word = "less" if value == target.max else "more"
        return TargetStatus(target, False, f"off target: not {word} than {f(value)}", source, shown)
    if state == "on target":
        low, high = ("more than", "less than") if kpi.target_strict else ("at least", "at most")
        bounds = (f"between {f(target.min)} and {f(target.max)}" if target.min is not None and target.max is not None
                  else f"{low} {f(target.min)}" if target.min is not None else f"{high} {f(target.max)}")
        return TargetStatus(target, True, f"on target ({bounds})", source, shown)
    if state == "above target":
        return TargetStatus(target, False, f"off target: above the {f(target.max)} maximum", source, shown)
    return TargetStatus(target, False, f"off target: below the {f(target.min)} minimum", source, shown)
