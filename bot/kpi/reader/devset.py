"""Scoring the reader on labelled questions (``shared/spec/questions`` format): used by the
benchmark and the tests. A line is ``{"q", "expect"}`` or ``{"thread": [{"q", "expect"}, …]}``."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.kpi.reader.reading import Reading
from bot.kpi.reader.vocab import Vocabulary

FIELDS = ("kpi", "clinic", "provider", "payer", "by", "start", "end", "compare_start", "compare_end")
Reader = Callable[[str, Reading | None], Reading]


@dataclass
class Score:
    right: int = 0
    asked: int = 0  # asked back or declined where the set expects an answer
    rightly_asked: int = 0  # asked back or declined where the set expects that
    wrong: int = 0
    misses: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.right + self.asked + self.rightly_asked + self.wrong

    def line(self, name: str) -> str:
        ok = self.right + self.rightly_asked
        return (f"{name}: {self.total} questions · right {ok} ({100 * ok / max(self.total, 1):.1f} %) "
                f"[answered right {self.right}, rightly asked back/declined {self.rightly_asked}] · "
                f"asked back instead of answering {self.asked} · WRONG {self.wrong}")


def load(lines: Iterable[str]) -> list[list[dict[str, Any]]]:
    """Each item is a thread (a list of ``{"q", "expect"}``); single questions are threads of one."""
    out = []
    for line in lines:
        if line.strip():
            item = json.loads(line)
            out.append(item["thread"] if "thread" in item else [item])
    return out


def verdict(got: dict[str, Any], expect: dict[str, Any]) -> str:
    """right | asked | rightly_asked | wrong (see the questions README's scoring)."""
    if expect["status"] != "answer":
        return "rightly_asked" if got["status"] != "answer" else "wrong"
    if got["status"] != "answer":
        return "asked"
    for f in FIELDS:
        want = expect.get(f)
        if f in ("start", "end") and want == "any":
            continue
        if f == "end" and got[f] in (expect.get("end_any") or []):
            continue
        if got.get(f) != want:
            return "wrong"
    return "right"


def score(threads: list[list[dict[str, Any]]], vocab: Vocabulary, now: datetime, reader: Reader,
          score_: Score | None = None) -> Score:
    s = score_ or Score()
    for thread in threads:
        context: Reading | None = None
        for step in thread:
            reading = reader(step["q"], context)
            got = reading.to_json(vocab, now)
            v = verdict(got, step["expect"])
            setattr(s, v, getattr(s, v) + 1)
            if v != "right" and v != "rightly_asked":
                s.misses.append((v, step["q"], step["expect"], got))
            if reading.status in ("answer", "scorecard"):
                context = reading
            elif v == "asked":  # the person clicks the right button: the thread goes on from there
                context = expected_reading(step["expect"])
    return s


def expected_reading(expect: dict[str, Any]) -> Reading:
    """The reading a labelled answer describes (fixed periods)."""
    from datetime import date

    from bot.kpi.periods import PeriodSpec

    def fixed(start: Any, end: Any) -> PeriodSpec | None:
        if start in (None, "any") or end in (None, "any"):
            return None
        return PeriodSpec(kind="fixed", text=f"{start}..{end}", start=date.fromisoformat(start), end=date.fromisoformat(end))

    r = Reading(status="answer" if expect.get("kpi") else "scorecard", kpi=expect.get("kpi"),
                clinic=expect.get("clinic"), provider=expect.get("provider"), payer=expect.get("payer"),
                by=expect.get("by"), compare=fixed(expect.get("compare_start"), expect.get("compare_end")))
    period = fixed(expect.get("start"), expect.get("end"))
    if period is not None:
        r.period = period
    return r
