"""Words for "why it changed" (issue 19): the top contributors of a change, each with its
contribution in points, split into its rate effect ("their rate fell 2.65 pts") and its mix effect
("their share of volume grew, at a rate above the overall") as :mod:`bot.kpi.drivers` defines them.
Each phrase says the direction that gives its effect's sign: a rate that rose adds, one that fell
takes away; more volume adds at a rate above the overall R̄ and takes away below it.

Pure functions from typed objects to text (answers, digest lines, alerts); Block Kit stays in views.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.kpi.drivers import DIM_WORDS, Contribution, Drivers

TOP = 3


def points(value: float, unit: str) -> str:
    """A change as signed points (% KPIs: 0.0123 → "+1.23 pts") or signed plain units."""
    return f"{value * 100:+.2f} pts" if unit == "%" else f"{value:+,.2f}"


def _size(value: float, unit: str) -> str:
    """An unsigned change: 0.0265 → "2.65 pts" (%), else "2.65"."""
    return f"{abs(value) * 100:.2f} pts" if unit == "%" else f"{abs(value):,.2f}"


def _level(value: float, unit: str) -> str:
    return f"{value * 100:.2f}%" if unit == "%" else f"{value:,.2f}"


def rate_words(c: Contribution, unit: str, detail: bool = True) -> str:
    """``"their rate fell 2.65 pts: 94.72% → 92.07%"``; without a rate (numerator, no volume)
    ``"no volume in one period"``."""
    rates = c.rates
    if rates is None:
        return "no volume in one period"
    r0, r1 = rates
    if abs(r1 - r0) < 5e-7:
        return "their rate held"
    head = f"their rate {'rose' if r1 > r0 else 'fell'} {_size(r1 - r0, unit)}"
    return f"{head}: {_level(r0, unit)} → {_level(r1, unit)}" if detail else head


def mix_words(c: Contribution, unit: str, detail: bool = True) -> str:
    """``"their share of volume grew 17.0% → 22.9%, at a mean rate above the overall: 93.40% vs
    93.04%"``: the segment's rate against R̄, both the mean of the two periods; ``new`` / ``gone`` for a segment with volume
    in one period only."""
    w0, w1 = c.shares
    rates = c.rates
    mean = (rates[0] + rates[1]) / 2 if rates else c.reference
    side = "equal to" if abs(mean - c.reference) < 1e-12 else ("above" if mean > c.reference else "below")
    if w0 == 0:
        lead = f"new, {w1:.1%} of volume" if detail else "new"
    elif w1 == 0:
        lead = f"gone, was {w0:.1%} of volume" if detail else "gone"
    else:
        lead = f"their share of volume {'grew' if w1 > w0 else 'shrank'}"
        lead += f" {w0:.1%} → {w1:.1%}" if detail else ""
    if not detail:
        return f"{lead}, at a rate {side} the overall"
    return f"{lead}, at a mean rate {side} the overall: {_level(mean, unit)} vs {_level(c.reference, unit)}"


def contribution_text(c: Contribution, unit: str, numerator_only: bool = False) -> str:
    """``"Dr. Omar Haddad -0.42 pts = rate effect -0.53 (their rate fell 2.65 pts: 94.72% → 92.07%)
    + mix effect +0.11 (their share of volume grew 17.0% → 22.9%, at a rate above …)"``; an effect
    that shows as ±0.00 (a new or gone segment has no rate effect) is left out, unless both do."""
    head = f"{c.name} {points(c.total, unit)}"
    if numerator_only:
        return head
    rate, mix = (points(v, unit).replace(" pts", "") for v in (c.rate_effect, c.mix_effect))
    shown = [(f"rate effect {rate} ({rate_words(c, unit)})", rate), (f"mix effect {mix} ({mix_words(c, unit)})", mix)]
    parts = [text for text, value in shown if value.lstrip("+-") != "0.00"]
    if not parts:  # both round to nothing: name the larger
        parts = [shown[0][0] if abs(c.rate_effect) >= abs(c.mix_effect) else shown[1][0]]
    return f"{head} = " + " + ".join(parts)


def short_reason(c: Contribution, unit: str) -> str:
    """The larger of the two effects in words (it has the contribution's sign)."""
    if abs(c.rate_effect) >= abs(c.mix_effect):
        return rate_words(c, unit, detail=False)
    return mix_words(c, unit, detail=False)


def driver_line(d: Drivers, unit: str, k: int = TOP) -> str | None:
    """One line per dimension naming the ``k`` largest contributors moving the same way as the
    total; None when nothing moved."""
    top = d.top(k)
    if not top:
        return None
    items = "; ".join(contribution_text(c, unit, d.numerator_only) for c in top)
    return f"By {DIM_WORDS.get(d.dim, d.dim)}: {items}"


def drivers_text(drivers: Sequence[Drivers], unit: str, k: int = TOP) -> str:
    """The "*Why it changed*" paragraph (empty string when there is nothing to say)."""
    if not drivers:
        return ""
    lines = [line for d in drivers if (line := driver_line(d, unit, k))]
    if not lines:
        return ""
    return f"*Why it changed* ({points(drivers[0].total, unit)} in all):\n" + "\n".join(lines)


def top_driver(drivers: Sequence[Drivers]) -> tuple[str, Contribution] | None:
    """The single largest same-direction contributor across dimensions (for a button's pre-fill)."""
    best: tuple[str, Contribution] | None = None
    for d in drivers:
        for c in d.top(1):
            if best is None or abs(c.total) > abs(best[1].total):
                best = (d.dim, c)
    return best


def short_why(drivers: Sequence[Drivers], unit: str) -> str | None:
    """``"payer Medicare +2.12 pts (their rate rose 2.30 pts); Authorization / pre-certification
    +1.96 pts"``: the top contributor of each dimension with its larger effect in words, for a
    one-line place (digest, alert, improvement idea); None if none."""
    items = []
    for d in drivers:
        for c in d.top(1):
            reason = "" if d.numerator_only else f" ({short_reason(c, unit)})"
            items.append(f"{DIM_WORDS.get(d.dim, d.dim)} {c.name} {points(c.total, unit)}{reason}")
    return "; ".join(items) or None
