"""Why a clinic's denial rate rose (issue 19): the latest week against the baseline weeks,
decomposed by payer (rate / volume-share mix, :mod:`bot.kpi.drivers`) and by denial category (numerator
split), from the alert's own remittance rows (:mod:`bot.kpi.drivers`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from bot.denial_codes import CATEGORIES
from bot.kpi.drivers import CATEGORY, Contribution, Drivers, numerator_split, segment_drivers
from bot.kpi.drivers_text import short_why


@dataclass(frozen=True)
class RemitRow:
    """One first, non-excluded remittance: its week start, payer key/name, denial flag/category."""

    week: date
    payer_key: str
    payer_name: str
    denied: bool
    category: str | None


def denial_drivers(rows: Iterable[RemitRow], baseline: list[date], latest: date) -> list[Drivers]:
    """Drivers by payer and by category of the change from the pooled ``baseline`` weeks to the
    ``latest`` week; empty when either side has no remittance."""
    sums: dict[bool, dict[str, list[float]]] = {False: defaultdict(lambda: [0.0, 0.0]),
                                                True: defaultdict(lambda: [0.0, 0.0])}
    cats: dict[bool, dict[str, float]] = {False: defaultdict(float), True: defaultdict(float)}
    names: dict[str, str] = {}
    base = set(baseline)
    for r in rows:
        if r.week != latest and r.week not in base:
            continue
        side = r.week == latest
        names[r.payer_key] = r.payer_name
        sums[side][r.payer_key][1] += 1
        if r.denied:
            sums[side][r.payer_key][0] += 1
            cats[side][r.category or "uncategorised"] += 1
    before = {k: (v[0], v[1]) for k, v in sums[False].items()}
    after = {k: (v[0], v[1]) for k, v in sums[True].items()}
    try:
        payer = segment_drivers("payer", before, after, names)
    except ValueError:
        return []
    total = payer.total
    d0, d1 = sum(d for _, d in before.values()), sum(d for _, d in after.values())
    split = numerator_split(cats[False], d0, cats[True], d1)
    category = Drivers(CATEGORY, total, sorted(
        (Contribution(k, CATEGORIES.get(k, k), (cats[False].get(k, 0.0), d0), (cats[True].get(k, 0.0), d1), v, 0.0)
         for k, v in split.items()), key=lambda c: (-abs(c.total), c.name)), numerator_only=True)
    return [payer, category]


def why_line(rows: Iterable[RemitRow], baseline: list[date], latest: date) -> str | None:
    """``"Why: +12.30 pts vs the baseline weeks — payer Medicare +10.10 pts (their rate rose 9.80 pts); …"``."""
    found = denial_drivers(rows, baseline, latest)
    text = short_why(found, "%") if found else None
    return f"Why: {found[0].total * 100:+.2f} pts vs the baseline weeks — {text}" if text else None
