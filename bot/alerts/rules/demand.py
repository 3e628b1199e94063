"""Demand against capacity (issue 20): forecast booked visits above template slots, or the
projected third next available two weeks out beyond the target, said before it happens."""

from __future__ import annotations

from datetime import date

from bot.alerts.config import DemandCapacityParams
from bot.alerts.model import Finding, RuleResult
from bot.forecast.demand import DemandDay, over_capacity


def demand_capacity(clinic_key: str, today: date, days: list[DemandDay], tna_in_two_weeks: int | None,
                    params: DemandCapacityParams) -> RuleResult:
    """One finding when any forecast day exceeds capacity (subject ``demand:capacity``, period =
    the first such day) and one when the projected third next available 14 days out passes
    ``params.tna_days`` (subject ``demand:tna``, period = that day)."""
    result = RuleResult("demand_capacity", clinic_key)
    over = over_capacity(days)
    if over:
        first = over[0]
        result.findings.append(Finding(
            "demand_capacity", "demand:capacity", first.day.isoformat(), "warning",
            f"Forecast demand exceeds capacity on {len(over)} day{'s' if len(over) != 1 else ''} "
            f"from {first.day:%a %d %b}",
            (f"{first.day:%a %d %b}: about {first.forecast:.0f} booked visits for {first.capacity} template slots.",
             "Consider opening sessions, an open-access block, or moving follow-ups."),
            {"days": [d.day.isoformat() for d in over], "first_forecast": round(first.forecast, 1),
             "first_capacity": first.capacity}))
    else:
        result.clear.add("demand:capacity")
    late = tna_in_two_weeks is None and len(days) > 14 or (tna_in_two_weeks or 0) > params.tna_days
    if late and len(days) > 14:
        when = days[14].day
        projected = "beyond the horizon" if tna_in_two_weeks is None else f"{tna_in_two_weeks} days"
        result.findings.append(Finding(
            "demand_capacity", "demand:tna", when.isoformat(), "warning",
            f"Third next available will pass {params.tna_days:g} days in two weeks",
            (f"Projected third next available on {when:%a %d %b}: {projected}.",),
            {"tna_days": tna_in_two_weeks, "on": when.isoformat()}))
    else:
        result.clear.add("demand:tna")
    return result
