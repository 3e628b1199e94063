"""Stale data: feeds not loaded within their expected interval.

Feed loads are organisation-wide (a load carries every clinic's rows), so a stopped feed is
stopped everywhere: the rule is evaluated once per run for the organisation (clinic key
:data:`ORG_KEY`) and raises ONE incident listing every overdue feed, not one per feed per clinic
channel (issue 16). Its text says what really happens: KPIs keep answering from the data loaded
before the feed stopped, and the alerts that need the feed are paused.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.alerts.config import StaleParams
from bot.alerts.model import NO_DATA, Finding, RuleResult

ORG_KEY = "organisation"


def overdue_feeds(now: datetime, last_loads: dict[str, datetime | None], params: StaleParams
                  ) -> dict[str, tuple[datetime | None, float]]:
    """Feed → (last load or None, expected hours) for every feed past its interval."""
    out = {}
    for feed in sorted(set(last_loads) | set(params.feeds)):
        hours = params.feeds.get(feed, params.default_hours)
        last = last_loads.get(feed)
        if last is None or (now - last).total_seconds() / 3600 > hours:
            out[feed] = (last, hours)
    return out


def stale_data(clinic_key: str, now: datetime, last_loads: dict[str, datetime | None],
               params: StaleParams, rule_feeds: Mapping[str, str]) -> RuleResult:
    """``last_loads``: feed name → latest finished load (naive UTC; None = never loaded) for every
    feed that was ever loaded or is configured; ``rule_feeds``: alert rule → the feed it reads
    (``bot.alerts.registry.RULE_FEEDS``), to name the alerts an overdue feed pauses. One finding
    (subject ``feeds``) listing every overdue feed; cleared when none is overdue."""
    result = RuleResult("stale_data", clinic_key)
    late = overdue_feeds(now, last_loads, params)
    result.clear |= {f"feed:{feed}" for feed in set(last_loads) - set(late)}  # legacy per-feed incidents
    if not late:
        result.clear.add("feeds")
        return result
    lines = []
    for feed, (last, hours) in late.items():
        when = ("never loaded" if last is None else
                f"last loaded {last:%Y-%m-%d %H:%M} UTC ({(now - last).total_seconds() / 86400:.1f} days ago)")
        lines.append(f"{feed}: {when}; expected at least every {hours:g} hours")
    paused = sorted(rule for rule, feed in rule_feeds.items() if feed in late)
    lines.append("KPIs that use these feeds still answer from the data loaded before they stopped (each "
                 "answer shows its latest data date)"
                 + (f"; the {', '.join(r.replace('_', '-') for r in paused)} alerts are paused until the feed "
                    "is loaded again." if paused else "."))
    oldest = min((last for last, _ in late.values() if last is not None), default=None)
    names = ", ".join(late)
    result.findings.append(Finding(
        "stale_data", "feeds", oldest.date().isoformat() if oldest else "never", NO_DATA,
        f"No new data: {len(late)} feed{'s' if len(late) != 1 else ''} overdue ({names})", tuple(lines),
        {"feeds": list(late), "last_load": {f: (v[0].isoformat() if v[0] else None) for f, v in late.items()}},
    ))
    return result
