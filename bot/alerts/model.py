"""What a rule evaluation returns: findings (alerts, or "no data") and the subjects found fine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NO_DATA = "no_data"  # severity of a finding that says the rule could not be evaluated
SEVERITIES = ("info", "warning", "critical", NO_DATA)
#: milestones that mean the condition got worse, not only nearer (a compliance item past due, an
#: item out of stock): like a higher severity they lift a snooze and notify in the thread
WORSENING_MILESTONES = frozenset({"overdue", "stock-out"})
NO_SUCH_ALERT = "That alert no longer exists."  # an action on an incident id with no row
#: the longest snooze, in days: a snoozed alert comes back (re-notified) at the latest after this
MAX_SNOOZE_DAYS = 30


@dataclass(frozen=True)
class Finding:
    """One condition that holds now.

    ``subject``: what it is about, stable across runs (``"item:12"``, ``"payer:aetna"``,
    ``"no-data"``); ``period``: the occurrence's period (ISO date or week start), part of the
    delivery key; ``severity``: info | warning | critical | no_data; ``lines``: message body
    (aggregates only); ``facts``: JSON-able numbers behind it (tests and ``alerts list``);
    ``mention_owner``: escalate to the clinic owner; ``milestone``: a reminder step (compliance
    "14", "overdue"; low stock "stock-out") — each new one is a follow-up in the incident's
    thread; one of :data:`WORSENING_MILESTONES` also lifts a snooze.
    """

    rule: str
    subject: str
    period: str
    severity: str
    title: str
    lines: tuple[str, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)
    mention_owner: bool = False
    milestone: str | None = None


@dataclass
class RuleResult:
    """A rule's evaluation for one clinic. ``clear``: subjects that were evaluated on current
    data and found fine (their open incidents resolve). A subject neither found nor cleared
    (e.g. data missing) is left as it is: missing data never counts as all-clear."""

    rule: str
    clinic_key: str
    findings: list[Finding] = field(default_factory=list)
    clear: set[str] = field(default_factory=set)
    charts_evaluated: int = 0  # SPC charts judged (denial rule): the false-alarm budget's denominator

    @property
    def no_data(self) -> bool:
        return any(f.severity == NO_DATA for f in self.findings)

    def no_data_finding(self, period: str, title: str, *lines: str, **facts: Any) -> None:
        """Record that the rule could not be evaluated (never an all-clear)."""
        self.findings.append(Finding(self.rule, "no-data", period, NO_DATA, title, lines, facts))
