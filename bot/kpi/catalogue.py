"""The KPI catalogue (shared/spec/kpis.md): one canonical definition per KPI.

Each :class:`KpiDef` names its numerator and denominator, unit, direction, the body whose
definition it follows, the default target (kpis.md's benchmark table), the feeds it needs, the
dimensions it can be broken down by, and the SPC chart that suits it. :func:`find_kpi` resolves
forgiving names ("noshow", "no show", "3rd next available", "ccr") and offers "did you mean".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz, process

from bot.errors import UsageError
from bot.orgconfig import Target

Unit = Literal["%", "days", "count", "turns", "ratio"]
Direction = Literal["higher", "lower", "band"]
ChartKind = Literal["p", "i", "run"]
Dimension = Literal["clinic", "provider", "payer", "category", "reason"]


@dataclass(frozen=True)
class KpiDef:
    id: str
    name: str
    unit: Unit
    direction: Direction
    numerator: str
    denominator: str
    source: str
    feeds: tuple[str, ...]
    dimensions: tuple[Dimension, ...] = ("clinic",)
    chart: ChartKind = "p"
    aliases: tuple[str, ...] = ()
    default_target: Target | None = None
    notes: str = ""
    target_text: str = ""
    target_strict: bool = False  # "less than"/"greater than": the bound itself is off target
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_rate(self) -> bool:
        return self.unit == "%"

    def definition_text(self) -> str:
        """Plain-text definition for ``/kpi define``."""
        lines = [f"{self.name} ({self.id}), {self.unit}; follows {self.source}.",
                 f"Numerator: {self.numerator}", f"Denominator: {self.denominator}"]
        if self.notes:
            lines.append(self.notes)
        target = self.target_text or (_target_words(self.default_target, self.unit) if self.default_target else "")
        lines.append(f"Default target: {target}" if target else "No default target (set one in OPSBOT_CONFIG).")
        lines.append(f"Data feeds: {', '.join(self.feeds)}. Breakdowns: by {', by '.join(self.dimensions)}.")
        return "\n".join(lines)


def _target_words(t: Target, unit: str) -> str:
    f = (lambda v: f"{v * 100:g} %") if unit == "%" else (lambda v: f"{v:g} {unit}")
    if t.min is not None and t.max is not None:
        return f"between {f(t.min)} and {f(t.max)}"
    return f"at least {f(t.min)}" if t.min is not None else f"at most {f(t.max)}"


_K = KpiDef
CATALOGUE: tuple[KpiDef, ...] = (
    _K("no-show-rate", "No-show rate", "%", "lower",
       "appointments whose outcome is no-show",
       "appointments with an appointment date in the period, excluding those cancelled in time "
       "and those still scheduled (no outcome yet)",
       "IHI, percentage of no-show appointments", ("appointments",), ("clinic", "provider"), "p",
       ("noshow", "no show", "no shows", "no-shows", "dna", "did not attend", "nsr", "missed appointments"),
       notes="Late cancellations (inside the clinic's notice window) stay in the denominator and are "
             "not counted as no-shows (configurable: count them as no-shows, or leave them out)."),
    _K("third-next-available", "Days to third next available appointment", "days", "lower",
       "calendar days from the measurement day to the third slot that was free on that day "
       "(same day = 0), per provider and appointment type",
       "mean over providers (each provider: mean over its appointment types)",
       "IHI, days to third next available appointment", ("slots",), ("clinic", "provider"), "i",
       ("tna", "3rd next available", "third next available", "3rd available", "tnaa", "access"),
       default_target=Target(max=7), target_text="less than 7 days", target_strict=True,
       notes="Measured at the end of the period's last day. When the period runs past the newest "
             "booking or publication, the last day is still measured, up to the day the slot feed was "
             "last loaded (nothing changed in between); with no period, the newest booking or publication "
             "day. A slot is free on day d when published by the end of d, not blocked, and not booked "
             "by the end of d."),
    _K("provider-utilization", "Provider utilization", "%", "band",
       "booked slot minutes", "available template minutes (slot minutes that are not blocked or "
       "administrative)",
       "template utilization (MGMA-style)", ("slots",), ("clinic", "provider"), "i",
       ("utilization", "utilisation", "provider utilisation", "template utilization", "util"),
       default_target=Target(min=0.75, max=0.85),
       notes="Overbooked slots count in the numerator: the rate can exceed 100 % and is not capped."),
    _K("booking-lead-time", "Booking lead time", "days", "lower",
       "days from booking to appointment, median (mean and same-day share shown too)",
       "appointments booked with a known booking date, excluding cancelled-in-time",
       "scheduling practice (lead time)", ("appointments",), ("clinic", "provider"), "i",
       ("lead time", "lead-time", "booking lead", "days to appointment")),
    _K("clean-claim-rate", "Clean claim rate", "%", "higher",
       "claims that passed every scrubber edit with no manual touch before first submission",
       "claims entered for billing (by claim creation date)",
       "HFMA MAP Key (clean claim rate)", ("claims",), ("clinic", "provider", "payer"), "p",
       ("ccr", "clean claims", "clean claim"), default_target=Target(min=0.95),
       target_text="greater than 95 %", target_strict=True),
    _K("first-pass-resolution", "First-pass resolution rate", "%", "higher",
       "claims resolved on their first remittance: processed (CLP02 1–3) with a payment and no "
       "claim- or line-level denial",
       "claims adjudicated: first remittance per claim per payer, reversals and duplicates excluded",
       "industry first-pass resolution (payer-side counterpart of the clean claim rate)",
       ("remittances",), ("clinic", "payer"), "p",
       ("fpr", "first pass", "first pass rate", "first-pass", "fprr")),
    _K("denial-rate", "Denial rate", "%", "lower",
       "claims denied on their first remittance",
       "distinct claims remitted in the period (first remittance per claim per payer); reversals "
       "(CLP02 22) and exact duplicates (CARC 18) excluded from both",
       "HFMA remittance denial rate", ("remittances",), ("clinic", "payer", "category", "reason"), "p",
       ("denials", "denial", "remit denial rate", "claim denial rate"),
       notes="By category: root-cause categories of shared/spec/denials.md, from the X12 CARC/RARC code "
             "lists (the CARC with the largest denied amount names a claim's category; CARCs 16, 96, A1 "
             "and 252 by their RARC). By reason: that CARC. Each row is that row's denials ÷ every first "
             "remittance, so the rows add up to the denial rate."),
    _K("initial-denial-rate", "Initial denial rate", "%", "lower",
       "initial denials (first remittances that deny) in the period",
       "claims submitted, averaged per month over the three months before the period, times the "
       "months in the period",
       "HFMA Claim Integrity Task Force", ("remittances", "claims"), ("clinic", "payer"), "p",
       ("idr", "initial denials", "initial denial")),
    _K("days-in-ar", "Days in A/R (net)", "days", "lower",
       "net A/R at the end of the period (latest snapshot per clinic)",
       "average daily net patient service revenue over the last three calendar months "
       "(charges minus contractual adjustments, ÷ calendar days in them)",
       "HFMA MAP Key AR-5 (net days in A/R)", ("ar", "ledger"), ("clinic",), "i",
       ("dar", "ar days", "a/r days", "days in a/r", "days in ar", "dso")),
    _K("net-collection-rate", "Net collection rate", "%", "higher",
       "payments (payer and patient) minus refunds",
       "charges minus contractual adjustments (bad debt and write-offs are not subtracted)",
       "MGMA adjusted (net) collection rate", ("ledger",), ("clinic", "payer"), "i",
       ("ncr", "net collections", "adjusted collection rate", "collection rate")),
    _K("write-off-rate", "Denial write-off rate", "%", "lower",
       "denial write-offs", "net patient service revenue (charges minus contractual adjustments)",
       "HFMA MAP (denial write-offs as % of net patient service revenue)", ("ledger",),
       ("clinic", "payer"), "i", ("write offs", "writeoff rate", "write-offs", "denial write-offs")),
    _K("insurance-verification-rate", "Insurance verification rate", "%", "higher",
       "completed encounters whose insurance was verified", "completed (registered) encounters",
       "HFMA MAP (patient access)", ("appointments",), ("clinic", "provider"), "p",
       ("verification", "insurance verification", "ivr", "eligibility")),
    _K("authorization-rate", "Authorization rate", "%", "higher",
       "completed encounters that required prior authorization and had it",
       "completed encounters that required prior authorization",
       "HFMA MAP (patient access)", ("appointments",), ("clinic", "provider"), "p",
       ("authorisation rate", "prior auth", "auth rate", "authorizations", "authorization")),
    _K("point-of-service-collection-rate", "Point-of-service collection rate", "%", "higher",
       "patient cash taken at or before the service", "all patient cash in the period",
       "HFMA MAP (point-of-service collections)", ("ledger",), ("clinic",), "i",
       ("pos", "pos collection", "pos collections", "point of service", "time of service collections")),
    _K("coding-accuracy", "Coding accuracy", "%", "higher",
       "codes matching the auditor", "codes audited (code-over-code method)",
       "AHIMA coding audit", ("coding_audits",), ("clinic", "provider"), "p",
       ("coding", "coding audit", "code accuracy")),
    _K("patient-satisfaction", "Patient satisfaction (top box)", "%", "higher",
       "respondents rating the provider 9 or 10 on the 0–10 scale (CG-CAHPS top box)",
       "survey respondents in the period",
       "CG-CAHPS (top-box score)", ("surveys",), ("clinic", "provider"), "p",
       ("satisfaction", "cahps", "cg-cahps", "top box", "psat", "patient experience"),
       target_text="above the 90th percentile of a named benchmark (no benchmark is loaded, so no "
                   "percentile is reported)"),
    _K("days-of-supply", "Days of supply", "days", "higher",
       "quantity on hand (latest stock count, else lots on hand) per item",
       "average daily usage over the trailing 13 weeks; reported as the median over items",
       "operations management (days of supply)", ("inventory", "supply", "lots"), ("clinic",), "i",
       ("dos", "days supply", "supply days"),
       notes="Measured at the end of one day: the last day of the period, or the latest day with any "
             "inventory movement or stock count in scope when the period runs past it. Quantity on hand "
             "that day = the latest stock count on or before it, plus receipts and signed adjustments and "
             "minus usage and expired stock dated after the count; with no count, the lots on hand. The "
             "low-stock alert reads this same computation."),
    _K("reorder-point", "Items at or below reorder point", "count", "lower",
       "items whose quantity on hand is at or below ROP = d̄·L + SS, SS = z·√(L·σd² + d̄²·σL²), "
       "z = Φ⁻¹(service level) exactly", "items stocked (trailing 13 weeks of usage)",
       "operations management (reorder point, safety stock)", ("inventory", "supply", "lots"), ("clinic",), "run",
       ("rop", "reorder", "reorder points", "safety stock", "re-order point"),
       notes="Measured at the end of one day: the last day of the period, or the latest day with any "
             "inventory movement or stock count in scope when the period runs past it. Quantity on hand "
             "that day = the latest stock count on or before it, plus receipts and signed adjustments and "
             "minus usage and expired stock dated after the count; with no count, the lots on hand. The "
             "low-stock alert reads this same computation."),
    _K("inventory-turns", "Inventory turns", "turns", "higher",
       "consumption value in the period, annualised", "average inventory value (stock counts × unit cost)",
       "operations management (inventory turnover)", ("inventory",), ("clinic",), "i",
       ("turns", "inventory turnover", "stock turns")),
    _K("expiry-waste", "Expiry waste", "%", "lower",
       "value of stock expired", "value consumed plus value expired",
       "operations management (expiry waste)", ("inventory",), ("clinic",), "i",
       ("waste", "expired stock", "expiry", "expiry waste rate")),
)

BY_ID: dict[str, KpiDef] = {k.id: k for k in CATALOGUE}


def _norm(text: str) -> str:
    t = text.lower().replace("’", "'").replace("3rd", "third").replace("%", "")
    return re.sub(r"[\s_\-/]+", " ", t).strip()


_LOOKUP: dict[str, str] = {}
for _k in CATALOGUE:
    for _name in (_k.id, _k.name, *_k.aliases):
        _LOOKUP[_norm(_name)] = _k.id
        _LOOKUP[_norm(_name).replace(" ", "")] = _k.id


def match_kpi(text: str) -> KpiDef | None:
    """Exact (forgiving) match of a KPI name, id or alias; None when nothing matches."""
    key = _norm(text)
    hit = _LOOKUP.get(key) or _LOOKUP.get(key.replace(" ", ""))
    return BY_ID[hit] if hit else None


def find_kpi(text: str) -> KpiDef:
    """The KPI named by ``text``.

    Raises:
        UsageError: unknown name; the message suggests the closest KPIs (rapidfuzz).
    """
    found = match_kpi(text)
    if found is not None:
        return found
    suggestions = did_you_mean(text)
    hint = f" Did you mean {', '.join(f'`{s}`' for s in suggestions)}?" if suggestions else ""
    raise UsageError(f"I don't know the KPI `{text}`.{hint} `/kpi` alone lists every KPI; "
                     f"`/kpi define <kpi>` explains one.")


def did_you_mean(text: str, limit: int = 3) -> list[str]:
    """Up to ``limit`` KPI ids closest to ``text`` (score ≥ 60)."""
    hits = process.extract(_norm(text), list(_LOOKUP), scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=60)
    out: list[str] = []
    best = hits[0][1] if hits else 0
    for name, score, _ in hits:
        if score >= best - 8 and _LOOKUP[name] not in out:
            out.append(_LOOKUP[name])
    return out[:limit]
