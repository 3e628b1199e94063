"""The shape of a question: breakdowns ("by clinic", "which site had the worst …") and
comparisons ("vs last month", "against the month before", "how did X change between August and
September"), found in the normalised text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.kpi.periods import PeriodSpec
from bot.kpi.reader.dates import Found, point
from bot.kpi.reader.reading import Option

DIMS = {"clinic": "clinic", "site": "clinic", "location": "clinic", "office": "clinic", "practice": "clinic",
        "provider": "provider", "doctor": "provider", "physician": "provider", "clinician": "provider",
        "md": "provider", "dr": "provider", "doc": "provider",
        "payer": "payer", "insurer": "payer", "insurance": "payer", "carrier": "payer", "plan": "payer",
        "insurance company": "payer", "category": "category", "reason": "category", "denial category": "category"}
_DIM = r"(insurance compan(?:y|ies)|denial categor(?:y|ies)|clinic|site|location|office|practice|provider|doctor|physician|clinician|md|doc|payer|insurer|insurance|carrier|plan|category|categories|reason)s?"
BREAKDOWN = re.compile(
    r"\b(?:(?:broken down|break ?down|split|grouped|group|sorted|ranked) by|by|per|for each|for every|each|every|across"
    r"|which|what|rank|ranking|compare|comparing|top \d+|bottom \d+|worst|best|highest|lowest)"
    rf" (?:of )?(?:the |our |all |all the |my |all of the |all our )?(?:\d+ )?{_DIM}\b")
COMPARE = re.compile(r"\b(?:vs|versus|v|compared (?:to|with)|compare (?:it |that |this )?(?:to|with)|against|relative to)\b")
SHIFT = re.compile(r"\b(?:the )?(?:(?:same \w+ )?(?:last|previous|prior) year|(week|month|quarter|year|period) before(?: that)?"
                   r"|(?:previous|prior|preceding) (week|month|quarter|year|period)|before(?: that)?|(?:the )?prior period)\b")
OVER = re.compile(r"\b(?:(week|month|quarter|year) over \1|(wow|mom|qoq|yoy))\b")
CHANGE = re.compile(r"\b(chang\w*|differ\w*|compare\w*|go(?:ne)? (?:up|down)|went (?:up|down)|improv\w*|wors\w*|mov\w*|shift\w*|trend\w*)\b")
WHO = re.compile(r"\bwho(?:se|s)?\b")
TOP = re.compile(r"(?<![\w-])(top|bottom) ([-−]?\d+)\b")
_PAIR = re.compile(r"^(?:between|from) (.+?) (?:and|to|through|thru|till|until|-) (.+)$")


@dataclass
class Shape:
    by: str | None = None
    by_span: tuple[int, int] | None = None
    compare: PeriodSpec | None = None
    compare_shift: str | None = None
    spans: tuple[tuple[int, int], ...] = ()


def breakdown(text: str) -> tuple[str | None, tuple[int, int] | None, set[str]]:
    """The breakdown dimension and its span; a third value lists every dimension named."""
    dims: set[str] = set()
    first = None
    for m in BREAKDOWN.finditer(text):
        word = re.sub(r"(ies|s)$", lambda x: "y" if x.group(0) == "ies" else "", m.group(1))
        dim = DIMS.get(word) or DIMS.get(m.group(1)) or ("category" if "categor" in m.group(1) else "payer")
        dims.add(dim)
        first = first or (dim, (m.start(), m.end()))
    return (first[0], first[1], dims) if first else (None, None, dims)


def who_ranked(masked: str, dims: tuple[str, ...]) -> list[str]:
    """For "who missed the most appointments", "who has the worst denial rate" (``masked``: the
    question with its KPI words masked, so "patients who didn't show" is not a "who"): the
    breakdowns that can answer "who" for a KPI with ``dims`` (clinics, providers, payers; the bot
    never ranks patients). A network total does not answer "who"."""
    if not WHO.search(masked):
        return []
    return [d for d in ("clinic", "provider", "payer") if d in dims]


def top_ask(text: str, by: str | None) -> tuple[str, list[Option]] | None:
    """The question and its button for "top 3", "bottom 5", "top 0" in ``text`` (normalised), else
    None. A breakdown lists every clinic, provider or payer ranked; it is never cut to N, so the
    count is not dropped silently: the whole ranking is offered, and a count below 1 is refused."""
    m = TOP.search(text)
    if m is None:
        return None
    dim = by or "clinic"
    button = [Option(f"Every {dim}, ranked", {"by": dim})]
    count = int(m[2].replace("−", "-"))
    if count < 1:
        return (f"“{m.group(0)}” asks for no {dim}s: a {m[1]} count is 1 or more. "
                f"I can rank every {dim} instead.", button)
    return (f"I can't cut the ranking to the {m[1]} {count}: a breakdown lists every {dim}, ranked. "
            f"Show every {dim}?", button)


def _whole(a: tuple[date, date]) -> bool:
    """A whole month, quarter or year (not a day)."""
    return a[0].day == 1 and (a[1] + timedelta(days=1)).day == 1 and (a[1] - a[0]).days >= 27


def comparison(text: str, periods: list[Found], today: date) -> tuple[list[Found], Shape]:
    """Split ``periods`` into the asked ones and the comparison. Returns (main periods, shape)."""
    shape = Shape()
    if m := OVER.search(text):
        unit = m.group(1) or {"wow": "week", "mom": "month", "qoq": "quarter", "yoy": "year"}[m.group(2)]
        shape.compare_shift, shape.spans = unit, ((m.start(), m.end()),)
        return periods, shape
    kw = COMPARE.search(text)
    if kw is not None:
        main = [p for p in periods if p.start < kw.start()]
        other = [p for p in periods if p.start >= kw.start()]
        spans = [(kw.start(), kw.end())]
        if other:
            spec = other[0].spec
            if spec.kind == "relative" and spec.offset == -1 and spec.unit in ("week", "month", "quarter", "year"):
                shape.compare_shift = spec.unit
            else:
                shape.compare = spec
            return main + other[1:], Shape(compare=shape.compare, compare_shift=shape.compare_shift,
                                           spans=tuple(spans))
        if s := SHIFT.search(text, kw.end()):
            unit = s.group(1) or s.group(2) or ("year" if "year" in s.group(0) else "period")
            spans.append((s.start(), s.end()))
            return main, Shape(compare_shift=unit, spans=tuple(spans))
        return main, Shape(compare_shift="?", spans=tuple(spans))  # "vs" with nothing readable after it
    if CHANGE.search(text):
        for i, p in enumerate(periods):
            pm = _PAIR.match(text[p.start:p.end])
            if pm is None:
                continue
            a, b = point(pm.group(1), today), point(pm.group(2), today)
            if a and b and a != b and _whole(a) and _whole(b):
                later = PeriodSpec(kind="fixed", text=pm.group(2), start=b[0], end=b[1], grain=p.spec.grain)
                earlier = PeriodSpec(kind="fixed", text=pm.group(1), start=a[0], end=a[1], grain=p.spec.grain)
                rest = periods[:i] + [Found(p.start, p.end, later)] + periods[i + 1:]
                return rest, Shape(compare=earlier)
    return periods, shape
