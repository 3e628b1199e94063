"""Audit and compliance deadlines: reminders at 30, 14, 7, 1 and 0 days, overdue escalation to
the clinic owner, and corrective-action follow-up dates (all days counted in clinic-local dates)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.alerts.config import ComplianceParams
from bot.alerts.model import Finding, RuleResult


@dataclass(frozen=True)
class ComplianceSnapshot:
    key: str
    kind: str
    title: str
    owner: str | None
    due_date: date
    recurrence_months: int | None
    status: str
    corrective_action_due: date | None


def milestone(days_left: int, steps: list[int]) -> str | None:
    """The reminder step reached: "overdue" when past due, else the smallest step ≥ days_left
    (e.g. 10 days left with steps 30/14/7/1/0 → "14"); None when further out than every step."""
    if days_left < 0:
        return "overdue"
    reached = [s for s in steps if days_left <= s]
    return str(min(reached)) if reached else None


def _finding(subject: str, due: date, today: date, steps: list[int], title: str, what: str,
             owner: str | None) -> Finding | None:
    days = (due - today).days
    step = milestone(days, steps)
    if step is None:
        return None
    when = (f"overdue by {-days} day{'s' if days != -1 else ''}" if days < 0 else "due today" if days == 0
            else f"due in {days} day{'s' if days != 1 else ''}")
    severity = "critical" if days < 0 else "warning" if days <= 7 else "info"
    lines = [f"{what} {when} ({due.isoformat()})"]
    if owner:
        lines.append(f"Owner: {owner if not owner.startswith('U') else f'<@{owner}>'}")
    return Finding("compliance", subject, due.isoformat(), severity, title, tuple(lines),
                   {"days_left": days, "due_date": due.isoformat()}, mention_owner=days < 0,
                   milestone=step)


def compliance(clinic_key: str, today: date, items: list[ComplianceSnapshot],
               params: ComplianceParams) -> RuleResult:
    """Findings for open items within the reminder window and for pending corrective actions."""
    result = RuleResult("compliance", clinic_key)
    for item in items:
        subject = f"item:{item.key}"
        found = None
        if item.status != "done":
            found = _finding(subject, item.due_date, today, params.reminder_days,
                             f"Compliance: {item.title}", item.title, item.owner)
        result.findings.append(found) if found else result.clear.add(subject)
        corrective = f"corrective:{item.key}"
        found = None
        if item.corrective_action_due is not None:
            found = _finding(corrective, item.corrective_action_due, today, params.corrective_days,
                             f"Corrective action: {item.title}", "Corrective action", item.owner)
        result.findings.append(found) if found else result.clear.add(corrective)
    return result
