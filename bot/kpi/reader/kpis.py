"""Find KPI names and everyday words for them in a normalised question.

Phrases come from the catalogue records (id, name, aliases and ``everyday`` words); they are matched on
word boundaries, longest first, so "initial denial rate" wins over "denial rate". A phrase several
records list ("stock": every inventory KPI) gives one hit per KPI at the same place, and the reader
asks which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.kpi.catalogue import CATALOGUE
from bot.kpi.reader.vocab import norm


@dataclass(frozen=True)
class KpiHit:
    start: int
    end: int
    kpi: str


@lru_cache(maxsize=1)
def _matchers() -> tuple[list[tuple[re.Pattern[str], str]], dict[str, tuple[str, ...]]]:
    """One regex per ``re:`` pattern, and plain phrase → ids (looked up by n-gram)."""
    plain: dict[str, tuple[str, ...]] = {}
    patterns: list[tuple[re.Pattern[str], str]] = []
    for k in CATALOGUE:
        for phrase in (k.id, k.name, *k.aliases, *k.everyday):
            if phrase.startswith("re:"):
                patterns.append((re.compile(rf"\b(?:{phrase[3:]})\b"), k.id))
                continue
            p = norm(re.sub(r"\(.*?\)", "", phrase.replace("-", " ")))
            if len(p) >= 2 and (len(p) >= 3 or p in k.everyday) and k.id not in plain.get(p, ()):
                plain[p] = (*plain.get(p, ()), k.id)
    return patterns, plain


@lru_cache(maxsize=1)
def _longest() -> int:
    return max(len(p.split()) for p in _matchers()[1])


def find_kpis(text: str) -> list[KpiHit]:
    """Non-overlapping KPI mentions in ``text``, in order of position."""
    patterns, plain = _matchers()
    found = [KpiHit(m.start(), m.end(), kpi) for rx, kpi in patterns for m in rx.finditer(text)]
    words = [(m.group(0), m.start(), m.end()) for m in re.finditer(r"[^\s\x00]+", text)]
    longest = _longest()
    for i in range(len(words)):
        for n in range(min(longest, len(words) - i), 0, -1):
            start, end = words[i][1], words[i + n - 1][2]
            phrase = text[start:end]
            kpis = plain.get(phrase)
            if kpis is not None:  # a masked gap (\x00) between the words never equals a phrase
                found += [KpiHit(start, end, kpi) for kpi in kpis]
                break
    taken: list[KpiHit] = []
    for hit in sorted(found, key=lambda h: h.start - h.end):  # longest first
        if not any(h.start < hit.end and hit.start < h.end and (h.start, h.end) != (hit.start, hit.end) for h in taken):
            taken.append(hit)
    return sorted(taken, key=lambda h: h.start)


def close_kpis(words: str, cutoff: float = 84) -> list[str]:
    """KPI ids whose names are close to ``words`` (misspelt: "denail rate", "no-sho rate")."""
    plain = _matchers()[1]
    hits = process.extract(words, list(plain), scorer=fuzz.ratio, limit=6, score_cutoff=cutoff)
    out: list[str] = []
    for phrase, _, _ in hits:
        out += [k for k in plain[phrase] if k not in out]
    return out
