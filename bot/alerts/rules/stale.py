"""Stale data: a clinic's data in a feed not refreshed within the feed's expected interval.

A load carries the clinics in its file, not every clinic (``storage.feed_freshness``): a file
with one clinic's rows leaves the others as old as they were. So freshness is per clinic and
feed, and each clinic gets ONE incident listing its overdue feeds (subject ``feeds``), posted in
its alerts channel where its manager can acknowledge it. When the organisation file names a
stale-data channel (``alerts.stale_data.channel``), feeds overdue for every clinic (an outage of
the feed itself) are one organisation incident there instead (clinic key :data:`ORG_KEY`).

What a stale feed does, said in one place (:func:`stale_meaning`, used by the alert and the
digest): nothing is paused. KPIs answer from the data loaded before the feed stopped, and the
alerts that read the feed are still evaluated on that same data (a denial spike is re-judged, a
lot's expiry is updated), so nothing that happened after it can raise one until the feed is
loaded again. Only those alerts' "no data" notices are folded into the stale-data incident.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from bot.alerts.config import StaleParams
from bot.alerts.model import NO_DATA, Finding, RuleResult

ORG_KEY = "organisation"
Late = dict[str, tuple[datetime | None, float]]  # feed → (last load or None, expected hours)


def overdue_feeds(now: datetime, last_loads: Mapping[str, datetime | None], params: StaleParams) -> Late:
    """Feed → (last load or None, expected hours) for every feed past its interval, over the
    feeds of ``last_loads`` and those configured in ``params.feeds`` (None: never loaded)."""
    out = {}
    for feed in sorted(set(last_loads) | set(params.feeds)):
        hours = params.feeds.get(feed, params.default_hours)
        last = last_loads.get(feed)
        if last is None or (now - last).total_seconds() / 3600 > hours:
            out[feed] = (last, hours)
    return out


def stale_meaning(feeds: Iterable[str], rule_feeds: Mapping[str, str]) -> str:
    """What an overdue feed means for answers and alerts, as one sentence without the final stop
    (the alert's last line and the digest's stale-data heading): ``feeds`` overdue, ``rule_feeds``
    alert rule → the feed it reads (``bot.alerts.registry.RULE_FEEDS``)."""
    late = set(feeds)
    rules = sorted(rule.replace("_", "-") for rule, feed in rule_feeds.items() if feed in late)
    text = "KPIs that use these feeds answer from the data loaded before they stopped"
    if rules:
        text += (f"; the {', '.join(rules)} alert{'s' if len(rules) != 1 else ''} "
                 f"{'are' if len(rules) != 1 else 'is'} still checked on that same data, so nothing after it "
                 "can raise one until the feed is loaded again")
    return text


def stale_finding(clinic_key: str, now: datetime, late: Late, rule_feeds: Mapping[str, str]) -> RuleResult:
    """The stale-data result for ``clinic_key`` (a clinic, or :data:`ORG_KEY`) from its overdue
    feeds ``late`` (:func:`overdue_feeds`): one finding (subject ``feeds``) listing every one;
    ``feeds`` cleared when none is overdue."""
    result = RuleResult("stale_data", clinic_key)
    if not late:
        result.clear.add("feeds")
        return result
    lines = []
    for feed, (last, hours) in late.items():
        when = "never loaded" if last is None else f"last loaded {last:%Y-%m-%d %H:%M} UTC ({_ago(now - last)})"
        lines.append(f"{feed}: {when}; expected at least every {hours:g} hour{'' if hours == 1 else 's'}")
    lines.append(f"{stale_meaning(late, rule_feeds)}.")
    oldest = min((last for last, _ in late.values() if last is not None), default=None)
    names = ", ".join(late)
    result.findings.append(Finding(
        "stale_data", "feeds", oldest.date().isoformat() if oldest else "never", NO_DATA,
        f"No new data: {len(late)} feed{'s' if len(late) != 1 else ''} overdue ({names})", tuple(lines),
        {"feeds": list(late), "last_load": {f: (v[0].isoformat() if v[0] else None) for f, v in late.items()}},
    ))
    return result


def stale_data(clinic_key: str, now: datetime, last_loads: dict[str, datetime | None],
               params: StaleParams, rule_feeds: Mapping[str, str]) -> RuleResult:
    """``last_loads``: feed name → latest finished load that dates ``clinic_key``'s data (naive
    UTC; None = never loaded); see :func:`stale_finding`. Legacy per-feed incidents
    (``feed:<name>``) of feeds not overdue resolve."""
    late = overdue_feeds(now, last_loads, params)
    result = stale_finding(clinic_key, now, late, rule_feeds)
    result.clear |= {f"feed:{feed}" for feed in set(last_loads) - set(late)}
    return result


def _ago(age: timedelta) -> str:
    """How long ago, in hours under two days ("1.5 hours ago": a feed expected hourly is never
    "0.0 days" late), else in days ("3.0 days ago")."""
    hours = age.total_seconds() / 3600
    return f"{hours:.1f} hours ago" if hours < 48 else f"{hours / 24:.1f} days ago"

