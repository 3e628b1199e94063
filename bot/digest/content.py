"""What a digest says, as typed values (no SQL, no Slack, no wording): built by
:mod:`bot.digest.gather`, worded by the templates, laid out by :mod:`bot.views.digest`.

Aggregates only: counts, rates, titles of alerts/ideas/cycles (ideas and PDSA text passed the
patient-identifier guard when they were stored) — never a patient identifier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class KpiLine:
    """``value``/``delta`` in the KPI's unit (a proportion for %); ``delta`` None without an
    earlier digest value; ``better``: whether the change is an improvement (None: no direction)."""

    clinic: str
    kpi_id: str
    name: str
    value_text: str
    on_target: bool | None
    status_text: str
    window: str
    delta_text: str | None = None
    better: bool | None = None
    why: str | None = None  # issue 19: top drivers of the move vs the window before (off target or worse)


@dataclass(frozen=True)
class AlertLine:
    clinic: str
    title: str
    severity: str
    state: str
    opened: str  # local date-time
    is_new: bool
    assigned_to: str | None = None
    snoozed_until: str | None = None  # a snoozed critical alert: local end of the snooze


@dataclass(frozen=True)
class FeedLine:
    """One overdue feed: ``last_load`` of the longest-waiting clinic; ``clinics``: the digest's
    clinics it is overdue for (names; empty for an organisation-wide digest)."""

    feed: str
    last_load: str  # "2026-03-02 06:10 UTC" or "never"
    expected_hours: float
    clinics: tuple[str, ...] = ()


@dataclass(frozen=True)
class IdeaLine:
    idea_id: int
    title: str
    clinic: str
    state: str
    votes: int


@dataclass(frozen=True)
class PdsaLine:
    cycle_id: int
    idea_title: str
    clinic: str
    owner: str
    days_quiet: int


@dataclass(frozen=True)
class DeadlineLine:
    clinic: str
    title: str
    due: date
    days_left: int  # negative: overdue
    corrective: bool = False


@dataclass(frozen=True)
class DeadLine:
    what: str  # "alert low_stock/north/…" (the delivery key: no patient data by construction)
    error: str
    when: str


@dataclass(frozen=True)
class LookaheadLine:
    """Tomorrow at one clinic (issue 20): booked visits, expected no-shows with its range, and
    the count of high-risk slots. Aggregates only."""

    clinic: str
    day: date
    booked: int
    expected: float
    low: int
    high: int
    high_risk: int
    closed: date | None = None  # tomorrow, when the clinic has no hours then: ``day`` is its next open day


SECTIONS = ("kpis", "alerts", "stale", "ideas", "pdsa", "deadlines", "dead", "lookahead")


@dataclass
class DigestContent:
    """One channel's digest for one local date. ``since``: the local date of the previous digest
    (None for the first). ``kpi_values`` / ``last_idea_id``: stored for the next digest."""

    title: str
    clinics: list[str]
    local_date: date
    timezone: str
    since: date | None = None
    kpis: list[KpiLine] = field(default_factory=list)
    alerts: list[AlertLine] = field(default_factory=list)
    stale: list[FeedLine] = field(default_factory=list)
    stale_note: str = ""  # what the overdue feeds mean (bot.alerts.rules.stale.stale_meaning)
    ideas_new: list[IdeaLine] = field(default_factory=list)
    ideas_review: list[IdeaLine] = field(default_factory=list)
    pdsa_due: list[PdsaLine] = field(default_factory=list)
    deadlines: list[DeadlineLine] = field(default_factory=list)
    dead: list[DeadLine] = field(default_factory=list)
    lookahead: list[LookaheadLine] = field(default_factory=list)
    kpi_values: dict[str, float] = field(default_factory=dict)
    # revenue-cycle KPIs left out because this channel's audience may not see them (issue 15):
    # their names and the finance channels where they are shown
    kpis_withheld: list[str] = field(default_factory=list)
    kpis_shown_in: list[str] = field(default_factory=list)
    last_idea_id: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def has(self, section: str) -> bool:
        if section == "ideas":
            return bool(self.ideas_new or self.ideas_review)
        if section == "pdsa":
            return bool(self.pdsa_due)
        if section == "kpis":
            return bool(self.kpis or self.kpis_withheld)
        return bool(getattr(self, section))

    @property
    def is_empty(self) -> bool:
        """Nothing to say in any section (the subscription's "skip when empty" applies)."""
        return not any(self.has(s) for s in SECTIONS)
