"""Stale data: a feed not loaded within its expected interval is "no data" (kpis.md: a period
with no data is "no data", with the date of the latest data, never 0 %)."""

from __future__ import annotations

from datetime import datetime

from bot.alerts.config import StaleParams
from bot.alerts.model import NO_DATA, Finding, RuleResult


def stale_data(clinic_key: str, now: datetime, last_loads: dict[str, datetime | None],
               params: StaleParams) -> RuleResult:
    """``last_loads``: feed name → latest finished load (naive UTC; None = never loaded) for every
    feed that was ever loaded or is configured. One finding per feed overdue."""
    result = RuleResult("stale_data", clinic_key)
    for feed in sorted(set(last_loads) | set(params.feeds)):
        hours = params.feeds.get(feed, params.default_hours)
        last = last_loads.get(feed)
        subject = f"feed:{feed}"
        age_h = None if last is None else (now - last).total_seconds() / 3600
        if age_h is not None and age_h <= hours:
            result.clear.add(subject)
            continue
        when = "never" if last is None else f"{last:%Y-%m-%d %H:%M} UTC ({age_h / 24:.1f} days ago)"
        result.findings.append(Finding(
            "stale_data", subject, (last.date().isoformat() if last else "never"), NO_DATA,
            (f"No data: the {feed} feed has never been loaded" if last is None else
             f"No data: the {feed} feed is overdue (last loaded {last:%Y-%m-%d})"),
            (f"Last load: {when}; expected at least every {hours:g} hours.",
             "Alerts and KPIs that use this feed report “no data” until it is loaded again."),
            {"feed": feed, "last_load": last.isoformat() if last else None, "expected_hours": hours},
        ))
    return result
