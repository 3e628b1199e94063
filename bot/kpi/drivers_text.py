"""Words for "why it changed" (issue 19): the top contributors of a change, each with its share in
points, split into "their rate moved" and "their volume share moved" (:mod:`bot.kpi.drivers`).

Pure functions from typed objects to text (answers, digest lines, alerts); Block Kit stays in views.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.kpi.drivers import DIM_WORDS, Contribution, Drivers

TOP = 3


def points(value: float, unit: str) -> str:
    """A change as signed points (% KPIs: 0.0123 → "+1.23 pts") or signed plain units."""
    return f"{value * 100:+.2f} pts" if unit == "%" else f"{value:+,.2f}"


def contribution_text(c: Contribution, unit: str, numerator_only: bool = False) -> str:
    """``"Medicare +1.80 pts (rate +1.62, volume share +0.18)"``."""
    head = f"{c.name} {points(c.total, unit)}"
    if numerator_only:
        return head
    rate, mix = points(c.rate_effect, unit).replace(" pts", ""), points(c.mix_effect, unit).replace(" pts", "")
    return f"{head} (their rate {rate}, their volume share {mix})"


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
    """``"Medicare +2.12 pts (rate +2.19); Authorization / pre-certification +1.96 pts"``: the
    top contributor of each dimension, for a one-line place (digest, alert); None if none."""
    items = []
    for d in drivers:
        for c in d.top(1):
            rate = "" if d.numerator_only else f" ({'rate moved' if abs(c.rate_effect) >= abs(c.mix_effect) else 'volume share moved'})"
            items.append(f"{DIM_WORDS.get(d.dim, d.dim)} {c.name} {points(c.total, unit)}{rate}")
    return "; ".join(items) or None
