"""What the reader made of a question: a :class:`Reading` (typed; the engine's request via
:meth:`Reading.request`), its one-line description and its JSON form (``opsbot understand``)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from bot.kpi.catalogue import BY_ID
from bot.kpi.grammar import KpiRequest
from bot.kpi.periods import Period, PeriodSpec, reading_text, shift_period
from bot.kpi.reader.vocab import Vocabulary

ALL = PeriodSpec(kind="all", text="all")
FIELDS = ("kpi", "clinic", "provider", "payer", "by")


@dataclass(frozen=True)
class Option:
    """One button: ``label`` shown, ``patch`` the fields it sets on the reading (a click answers)."""

    label: str
    patch: dict[str, Any]


@dataclass
class Reading:
    """``status``: answer | clarify | refuse | help | list | define | scorecard. For clarify and
    refuse, ``message`` says why and ``options`` are the buttons; for answers, ``alternatives``
    are close other readings offered as one-click corrections, and ``corrected`` the names read from
a misspelling (shown with the answer). Names are keys of the vocabulary."""

    status: str
    kpi: str | None = None
    clinic: str | None = None
    provider: str | None = None
    payer: str | None = None
    period: PeriodSpec = field(default_factory=lambda: ALL)
    by: str | None = None
    compare: PeriodSpec | None = None
    compare_shift: str | None = None
    message: str = ""
    options: list[Option] = field(default_factory=list)
    alternatives: list[Option] = field(default_factory=list)
    text: str = ""
    corrected: list[str] = field(default_factory=list)  # names read from a misspelling (swapped letters)

    def patched(self, patch: dict[str, Any]) -> Reading:
        """This reading with ``patch`` applied (keys of FIELDS, ``period``/``compare`` as dicts)."""
        changes: dict[str, Any] = {k: v for k, v in patch.items() if k in FIELDS}
        for k in ("period", "compare"):
            if k in patch:
                changes[k] = PeriodSpec(**patch[k]) if patch[k] else None
        if "compare_shift" in patch:
            changes["compare_shift"] = patch["compare_shift"]
        status = patch.get("status") or ("scorecard" if self.status == "scorecard" else "answer")
        return replace(self, status=status, message="", options=[], alternatives=[], corrected=[], **changes)

    def state(self) -> dict[str, Any]:
        """The reading as plain JSON-able data (thread context, button values)."""
        return {"status": self.status, "kpi": self.kpi, "clinic": self.clinic, "provider": self.provider,
                "payer": self.payer, "by": self.by, "period": self.period.model_dump(mode="json"),
                "compare": self.compare.model_dump(mode="json") if self.compare else None,
                "compare_shift": self.compare_shift}

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> Reading:
        return cls(status=str(data.get("status") or "answer"), kpi=data.get("kpi"), clinic=data.get("clinic"),
                   provider=data.get("provider"), payer=data.get("payer"), by=data.get("by"),
                   period=PeriodSpec(**data["period"]) if data.get("period") else ALL,
                   compare=PeriodSpec(**data["compare"]) if data.get("compare") else None,
                   compare_shift=data.get("compare_shift"))

    def request(self) -> KpiRequest:
        """The engine's typed request (names are keys, which the scope resolver matches exactly)."""
        return KpiRequest(action="value", kpi_id=self.kpi, clinic=self.clinic, provider=self.provider,
                          payer=self.payer, period=self.period, by=self.by,
                          compare=self.compare, compare_shift=self.compare_shift,
                          text=self.text)

    def command(self, vocab: Vocabulary, now: datetime) -> str:
        """The same request in the documented ``/kpi`` grammar (keys, ISO dates): what the answer,
        its Share/Chart buttons and the access checks run on, so every surface computes alike."""
        parts = [self.kpi or ""]
        for dim in ("clinic", "provider", "payer"):
            if getattr(self, dim):
                parts += [dim, f'"{getattr(self, dim)}"']
        period, other = self.periods(vocab, now)
        parts.append(_grammar_period(self.period, period))
        if self.by:
            parts += ["by", self.by]
        if self.compare is not None and other is not None:
            parts += ["vs", _grammar_period(self.compare, other)]
        elif self.compare_shift:
            parts += ["vs", "previous period" if self.compare_shift == "period" else f"last {self.compare_shift}"]
        return " ".join(p for p in parts if p)

    def periods(self, vocab: Vocabulary, now: datetime) -> tuple[Period, Period | None]:
        """The period and comparison resolved on the clinic-local "today"."""
        from bot.kpi.engine import local_today

        today = local_today(vocab.zone_for(self.clinic, self.provider), now)
        period = self.period.resolve(today)
        other = None
        if self.compare is not None:
            other = self.compare.resolve(today)
        elif self.compare_shift and not period.is_all:
            other = shift_period(period, None if self.compare_shift == "period" else self.compare_shift)
        return period, other

    def line(self, vocab: Vocabulary, now: datetime) -> str:
        """``"No-show rate · Kingsport Primary Care · 1–30 Nov 2026"`` (what the bot read)."""
        if self.status not in ("answer", "scorecard"):
            return self.message
        parts = [BY_ID[self.kpi].name if self.kpi else "Scorecard"]
        names = [e.name for e in (vocab.entity("clinic", self.clinic), vocab.entity("provider", self.provider),
                                  vocab.entity("payer", self.payer)) if e is not None]
        parts.append(" · ".join(names) if names else "all clinics")
        period, other = self.periods(vocab, now)
        parts.append(reading_text(period.start, period.end))
        if self.by:
            parts.append(f"by {self.by}")
        if other is not None:
            parts.append(f"vs {reading_text(other.start, other.end)}")
        return " · ".join(parts)

    def to_json(self, vocab: Vocabulary, now: datetime) -> dict[str, Any]:
        """The ``opsbot understand --json`` object (issue 18's field list)."""
        status = {"answer": "answer", "scorecard": "answer", "clarify": "clarify"}.get(self.status, "refuse")
        out: dict[str, Any] = {"status": status, "kpi": None, "clinic": None, "provider": None, "payer": None,
                               "start": None, "end": None, "by": None, "compare_start": None,
                               "compare_end": None, "reading": self.line(vocab, now)}
        if status == "answer":
            period, other = self.periods(vocab, now)
            out.update(kpi=self.kpi, clinic=self.clinic, provider=self.provider, payer=self.payer, by=self.by,
                       start=_iso(period.start), end=_iso(period.end))
            if other is not None:
                out.update(compare_start=_iso(other.start), compare_end=_iso(other.end))
        return out


def _grammar_period(spec: PeriodSpec, resolved: Period) -> str:
    """``spec`` in the grammar's words (relative forms stay relative; the rest as ISO dates)."""
    if spec.kind == "all":
        return ""
    if spec.kind == "rolling":
        return f"last {spec.count} {spec.unit}s"
    if spec.kind == "relative" and spec.to_date:
        return {"year": "ytd", "month": "mtd", "quarter": "qtd"}.get(spec.unit or "", "")
    if spec.kind == "relative" and spec.offset in (0, -1) and spec.unit != "day":
        return f"{'this' if spec.offset == 0 else 'last'} {spec.unit}"
    if spec.kind == "relative" and spec.unit == "day" and spec.offset in (0, -1):
        return "today" if spec.offset == 0 else "yesterday"
    assert resolved.start is not None and resolved.end is not None
    if resolved.start == resolved.end:
        return resolved.start.isoformat()
    return f"{resolved.start.isoformat()}..{resolved.end.isoformat()}"


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
