"""From a signal to a planned test of change (issue 19): what "Start an improvement" carries.

An answer that shows a KPI off target or moving the wrong way, or a denial alert, becomes an
:class:`ImprovementStart`: the KPI as the measure, the scope, the current value, the baseline
(value and period) and the driver named. It travels in a button's value (JSON, ≤ 2,000
characters) and fills the idea modal (title, problem, clinic, KPI).

The idea is posted in the clinic's improvement channel, so its figures follow the one audience
rule (:func:`bot.access.audience.may_post`): a revenue-cycle figure is prefilled only when that
channel is one of the ``finance_channels``; otherwise the measure is named without figures.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from bot.access.audience import may_post
from bot.errors import UsageError
from bot.ideas.clinics import improvement_channel
from bot.kpi.catalogue import BY_ID
from bot.kpi.drivers_text import short_why
from bot.kpi.engine import KpiAnswer
from bot.kpi.periods import unit_name
from bot.kpi.targets import format_value
from bot.orgconfig import OrgConfig
from bot.slack.payload import json_object

BUTTON_VALUE_MAX = 2000


@dataclass(frozen=True)
class ImprovementStart:
    """``current``/``baseline``: value and period as shown ("11.84 % (last 14 days)");
    ``subset``: the part of the KPI those figures measure when it is not the whole
    ("category authorization": the denial rate of that category only), None for the whole."""

    kpi_id: str
    clinic_key: str | None
    scope: str
    current: str
    baseline: str
    driver: str | None = None
    subset: str | None = None

    def to_value(self) -> str:
        """The button value; the driver is cut first when the whole would pass Slack's limit."""
        raw = json.dumps(asdict(self), ensure_ascii=False)
        if len(raw) > BUTTON_VALUE_MAX and self.driver:
            cut = max(0, len(self.driver) - (len(raw) - BUTTON_VALUE_MAX) - 1)
            raw = json.dumps({**asdict(self), "driver": self.driver[:cut] + "…"}, ensure_ascii=False)
        return raw[:BUTTON_VALUE_MAX]

    @classmethod
    def from_value(cls, raw: str) -> ImprovementStart:
        """Raises: UsageError for a value this product did not write (unknown KPI, bad JSON)."""
        stale = "That improvement button is out of date; ask the question again."
        data = json_object(raw, stale)
        fields = ("kpi_id", "clinic_key", "scope", "current", "baseline", "driver", "subset")
        if not all(data.get(k) is None or isinstance(data.get(k), str) for k in fields):
            raise UsageError(stale)
        start = cls(**{k: data.get(k) for k in fields})  # type: ignore[arg-type]
        if start.kpi_id not in BY_ID:
            raise UsageError("That improvement button names a KPI this bot does not know.")
        return start

    def idea_values(self, org: OrgConfig) -> dict[str, Any]:
        """Prefill for ``bot.views.ideas.idea_form``: measure (with its subset), scope, and the
        figures (now, baseline, driver) when the idea's improvement channel may show them
        (``org``: the organisation file, for its channels and ``finance_channels``); otherwise a
        line saying why they are left out."""
        kpi = BY_ID[self.kpi_id]
        measure = f"{kpi.name}, {self.subset}" if self.subset else kpi.name
        title = f"Improve {measure[:1].lower()}{measure[1:]} · {self.scope}"[:150]
        problem = [f"Measure: {measure} ({kpi.id}), {kpi.direction} is better.", f"Scope: {self.scope}."]
        channel = improvement_channel(org, self.clinic_key)
        if may_post(self.kpi_id, channel, org):
            problem += [f"Now: {self.current}.", f"Baseline: {self.baseline}."]
            if self.driver:
                problem.append(f"Driven by: {self.driver}.")
        else:
            # plain words, not a <#channel> link: the problem is a text field the card escapes
            problem.append("Figures: not copied into this idea: revenue-cycle figures are shown only in finance "
                           "channels, and " + ("the clinic's improvement channel is not one." if channel
                                               else "this idea is not posted in one."))
        return {"title": title, "problem": "\n".join(problem)[:3000], "proposed_change": "",
                "category": kpi.idea_category, "clinic_key": self.clinic_key, "kpi_id": kpi.id}


def worse(direction: str, delta: float) -> bool:
    """Whether a change of ``delta`` is the wrong way for a KPI whose ``direction`` is better."""
    return (direction == "higher" and delta < 0) or (direction == "lower" and delta > 0)


def from_answer(a: KpiAnswer) -> ImprovementStart | None:
    """The improvement an answer suggests: a comparison moving the wrong way or a value off
    target; None when the answer shows no problem."""
    k, m = a.kpi, a.measure
    if m.value is None:
        return None
    moved_wrong = (a.comparison is not None and a.comparison[1].value is not None
                   and worse(k.direction, m.value - a.comparison[1].value))
    off_target = a.status is not None and not a.status.on_target
    if not (moved_wrong or off_target):
        return None
    if a.comparison is not None and a.comparison[1].value is not None:
        period, other = a.comparison
        baseline = f"{format_value(other.value, k.unit)} ({period.describe()})"  # type: ignore[arg-type]
    else:
        baseline = f"target: {a.status.text}" if a.status else "—"
    driver = short_why(a.drivers or [], k.unit) if moved_wrong else None
    return ImprovementStart(k.id, a.scope.clinic_key, a.scope.label,
                            f"{format_value(m.value, k.unit)} ({a.period.name})", baseline, driver)


def from_incident(rule: str, kpi_id: str | None, clinic_key: str, clinic_name: str,
                  detail: dict[str, Any]) -> ImprovementStart | None:
    """The improvement a denial alert suggests (None for other rules): ``kpi_id`` (the rule's
    KPI, ``bot.alerts.registry``) as the measure, the latest week's rate against the chart's
    centre line over the baseline weeks, labelled with the chart they come from (``facts.slice``,
    e.g. "category authorization"), the driver from its "Why:" line. When the audience rule
    withheld the figures from the alert's channel (``facts.withheld``, :mod:`bot.alerts.audience`),
    the button carries none either: the measure and scope only."""
    if rule != "denial_spike" or kpi_id is None:
        return None
    facts = detail.get("facts") or {}
    if facts.get("withheld"):
        return ImprovementStart(kpi_id, clinic_key, clinic_name, "in the finance channel's alert",
                                "in the finance channel's alert", None, facts.get("slice"))
    lines = [str(x) for x in detail.get("lines") or ()]
    why = next((x.split(" — ", 1)[-1] for x in lines if x.startswith("Why:")), None)
    value, centre = facts.get("value"), facts.get("centre")
    current = f"{value:.1%} in the {_week_name(facts.get('week'))}" if isinstance(value, (int, float)) else "—"
    baseline = f"{centre:.1%} (centre line over the baseline weeks)" if isinstance(centre, (int, float)) else "—"
    return ImprovementStart(kpi_id, clinic_key, clinic_name, current, baseline, why, facts.get("slice"))


def _week_name(week: Any) -> str:
    """``week of 2 Mar 2026`` for the alert's ISO week (``"2026-03-02"``), as answers name it."""
    try:
        return unit_name(date.fromisoformat(str(week)), "week")
    except ValueError:
        return "latest week"

