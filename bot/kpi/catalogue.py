"""The KPI catalogue (shared/spec/kpis.md): one record per KPI holding everything the product
knows about it.

Each :class:`KpiDef` names its numerator and denominator, unit, direction, the body whose
definition it follows, the default target (kpis.md's benchmark table), the feeds it needs, the
dimensions it can be broken down by, the SPC chart that suits it, the permission domain, whether
its figures are money, the noun its denominator counts, its improvement-idea category and the
everyday words the question reader knows it by. Every other module reads these records (access
rules, views, the engine, roll-ups, the reader, the idea forms); ``tests/unit/test_kpi_record.py``
checks that nothing else keeps a copy. :func:`find_kpi` resolves forgiving names ("noshow",
"no show", "3rd next available", "ccr") and offers "did you mean".

A leaf module: it imports nothing from the product but the error type and the strict model base,
so any layer may read it.
"""

from __future__ import annotations

import re
from dataclasses import KW_ONLY, dataclass, field
from typing import Literal

from pydantic import model_validator
from rapidfuzz import fuzz, process

from bot.config_model import Strict
from bot.errors import UsageError
from bot.phi_echo import name_free

Unit = Literal["%", "days", "count", "turns", "ratio"]
Direction = Literal["higher", "lower", "band"]
ChartKind = Literal["p", "i", "run"]
Dimension = Literal["clinic", "provider", "payer", "category", "reason"]
#: kpis.md's sections; ``bot.access.kpi_domains`` says which are restricted (revenue cycle).
Domain = Literal["access", "revenue", "experience", "inventory"]
#: ``bot.ideas.states.CATEGORIES`` keys an improvement started from the KPI is filed under.
IdeaCategory = Literal["patient_flow", "scheduling", "staffing", "supplies", "billing", "quality_safety",
                       "compliance", "patient_experience", "other"]
SpcGrain = Literal["day", "week", "month", "quarter", "year"]


class Target(Strict):
    """A KPI target: ``min`` (at least), ``max`` (at most), or both (a band). Units are the KPI's."""

    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> Target:
        if self.min is None and self.max is None:
            raise ValueError("a target needs min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("target min is above max")
        return self

    def status(self, value: float) -> str:
        """'on target', 'below target' or 'above target' for ``value``."""
        if self.min is not None and value < self.min:
            return "below target"
        if self.max is not None and value > self.max:
            return "above target"
        return "on target"


@dataclass(frozen=True)
class KpiDef:
    """One KPI. After ``aliases`` every field is keyword-only:

    ``domain``: permission domain (kpis.md section); ``money``: N and D are cents (shown in
    currency, never flagged as a small sample); ``noun``: what N and D count ("appointments"),
    needed by every non-money rate; ``idea_category``: the category of an improvement idea started
    from an answer; ``no_reading``: why the trend gets no SPC reading (rolling-window snapshots
    give overlapping points), empty when it does; ``spc_grains``: the only trend grains whose
    points are independent enough to read (None: every grain); ``everyday``: words the question
    reader (``bot.kpi.reader``) knows the KPI by besides id, name and aliases (``re:`` starts a
    regular expression over the normalised question); ``neighbours``: measures next to this KPI
    but not in the catalogue, as (regular expression over the normalised question, what it is):
    the reader asks back offering this KPI instead of answering with it ("A/R over 90 days" is
    not days in A/R).
    """

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
    _: KW_ONLY
    domain: Domain
    money: bool = False
    noun: str = ""
    idea_category: IdeaCategory = "other"
    no_reading: str = ""
    spc_grains: tuple[SpcGrain, ...] | None = None
    everyday: tuple[str, ...] = ()
    neighbours: tuple[tuple[str, str], ...] = ()
    default_target: Target | None = None
    notes: str = ""
    target_text: str = ""
    target_strict: bool = False  # "less than"/"greater than": the bound itself is off target
    #: a per-day average over a window (bot.kpi.coverage): the fewest days of data inside the
    #: window a value needs (0: no per-day average); fewer is "not enough history"
    min_history_days: int = 0
    #: payments over charges of the same period: a period shorter than the payment lag
    #: (bot.kpi.payment_lag) mostly pairs payments with earlier charges, and the answer says so
    payment_lag_caveat: bool = False
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
        if self.min_history_days:
            lines.append(f"History: per-day averages divide by the days the data covers inside the window "
                         f"(from the feed's first record); fewer than {self.min_history_days} days is "
                         f"\"not enough history\". Across clinics, each clinic's data is averaged over its "
                         f"own covered days and the averages added; a clinic below the minimum is left out of "
                         f"the network figure and listed as \"not enough history\".")
        return "\n".join(lines)


def _target_words(t: Target, unit: str) -> str:
    f = (lambda v: f"{v * 100:g} %") if unit == "%" else (lambda v: f"{v:g} {unit}")
    if t.min is not None and t.max is not None:
        return f"between {f(t.min)} and {f(t.max)}"
    return f"at least {f(t.min)}" if t.min is not None else f"at most {f(t.max)}"


_K = KpiDef
_AR = r"(?:a/r|ar|a r|accounts? receivables?|receivables?)"
# Words for stock in general: every inventory KPI lists them, so the reader asks which one.
_STOCK = ("stock", "stocks", "inventory", "supplies", "supply", "stock levels", "inventory levels", "supply levels")
CATALOGUE: tuple[KpiDef, ...] = (
    _K("no-show-rate", "No-show rate", "%", "lower",
       "appointments whose outcome is no-show",
       "appointments with an appointment date in the period, excluding those cancelled in time "
       "and those still scheduled (no outcome yet)",
       "IHI, percentage of no-show appointments", ("appointments",), ("clinic", "provider"), "p",
       ("noshow", "no show", "no shows", "no-shows", "dna", "did not attend", "nsr", "missed appointments"),
       notes="Late cancellations (inside the clinic's notice window) stay in the denominator and are "
             "not counted as no-shows (configurable: count them as no-shows, or leave them out).",
       domain="access", noun="appointments", idea_category="scheduling",
       everyday=("no show rate", "no shows", "noshows", "no show", "missed appointment rate",
                 "missed appointments", "missed appts", "missed visits", "dnas", "did not attends",
                 "didnt show", "did not show",
                 "re:patients? (who |that )?(didnt|did not|failed to|dont|do not|never) (turn up|show( up)?|come( in)?|arrive)",
                 "re:(didnt|did not|failed to|dont) (turn up|show up|show)",
                 "re:skipped (their )?(appointments?|appts?|visits?)", "re:(turned|turn) no shows?",
                 "re:miss(ed|es|ing)? (the )?(most|more|fewest|least|many|lots of) (appointments?|appts?|visits?)")),
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
             "by the end of d.",
       domain="access", idea_category="scheduling", spc_grains=("week", "month", "quarter"),
       everyday=("third next available appointment", "third next available appt", "third next available",
                 "3rd next available appt", "3rd next available", "next available", "wait for an appointment",
                 "wait time for appointments", "appointment wait", "access to care",
                 "re:how (soon|quickly|fast) can (a )?(new )?patients? (be seen|get (in|an appointment|seen))",
                 "re:how long (do|does|will) (a )?(new )?patients? (have to )?wait",
                 "re:how (far|long) out (are we|is) (booking|booked|scheduling)")),
    _K("provider-utilization", "Provider utilization", "%", "band",
       "booked slot minutes", "available template minutes (slot minutes that are not blocked or "
       "administrative)",
       "template utilization (MGMA-style)", ("slots",), ("clinic", "provider"), "i",
       ("utilization", "utilisation", "provider utilisation", "template utilization", "util"),
       default_target=Target(min=0.75, max=0.85),
       notes="Overbooked slots count in the numerator: the rate can exceed 100 % and is not capped.",
       domain="access", noun="available minutes",
       everyday=("utilization", "utilisation", "template utilization", "template utilisation",
                 "provider utilisation", "slot utilization", "slots filled",
                 "re:(doctors|providers|physicians|clinicians|schedules?) (overbooked|over booked|full|busy|booked up)",
                 "overbooked", "over booked", "schedule fill",
                 "re:how (full|busy) (are|is) (our |the )?(schedules?|providers|doctors)")),
    _K("booking-lead-time", "Booking lead time", "days", "lower",
       "days from booking to appointment, median (mean and same-day share shown too)",
       "appointments booked with a known booking date, excluding cancelled-in-time",
       "scheduling practice (lead time)", ("appointments",), ("clinic", "provider"), "i",
       ("lead time", "lead-time", "booking lead", "days to appointment"),
       domain="access", noun="appointments",
       everyday=("lead time", "booking lead time", "days from booking",
                 "re:how far (ahead|in advance) (do )?(patients )?book")),
    _K("clean-claim-rate", "Clean claim rate", "%", "higher",
       "claims that passed every scrubber edit with no manual touch before first submission",
       "claims entered for billing (by claim creation date)",
       "HFMA MAP Key (clean claim rate)", ("claims",), ("clinic", "provider", "payer"), "p",
       ("ccr", "clean claims", "clean claim"), default_target=Target(min=0.95),
       target_text="greater than 95 %", target_strict=True,
       domain="revenue", noun="claims", idea_category="billing",
       everyday=("clean claims", "clean claim", "claims that go out clean", "clean submission rate",
                 "re:claims? (going|go|went) out clean")),
    _K("first-pass-resolution", "First-pass resolution rate", "%", "higher",
       "claims resolved on their first remittance: processed (CLP02 1–3) with a payment and no "
       "claim- or line-level denial",
       "claims adjudicated: first remittance per claim per payer, reversals and duplicates excluded",
       "industry first-pass resolution (payer-side counterpart of the clean claim rate)",
       ("remittances",), ("clinic", "payer"), "p",
       ("fpr", "first pass", "first pass rate", "first-pass", "fprr"),
       domain="revenue", noun="claims adjudicated", idea_category="billing",
       everyday=("first pass resolution", "first pass", "paid on first submission",
                 "re:(claims )?paid (on|at) (the )?first (pass|try|submission)")),
    _K("denial-rate", "Denial rate", "%", "lower",
       "claims denied on their first remittance",
       "distinct claims remitted in the period (first remittance per claim per payer); reversals "
       "(CLP02 22) and exact duplicates (CARC 18) excluded from both",
       "HFMA remittance denial rate", ("remittances",), ("clinic", "payer", "category", "reason"), "p",
       ("denials", "denial", "remit denial rate", "claim denial rate"),
       notes="By category: root-cause categories of shared/spec/denials.md, from the X12 CARC/RARC code "
             "lists (the CARC with the largest denied amount names a claim's category; CARCs 16, 96, A1 "
             "and 252 by their RARC). By reason: that CARC. Each row is that row's denials ÷ every first "
             "remittance, so the rows add up to the denial rate.",
       domain="revenue", noun="claims remitted", idea_category="billing",
       everyday=("denial rate", "denials", "denied claims", "claim denials", "claims denied",
                 "re:claims? (get|gets|got|getting|are|were|being|been) (denied|rejected)",
                 "re:how (often|many) (claims )?(get |are )?denied", "rejections", "rejection rate",
                 "re:den(y|ies|ied|ying) (the most |more |most |our |the )*claims")),
    _K("initial-denial-rate", "Initial denial rate", "%", "lower",
       "initial denials (first remittances that deny) in the period",
       "claims submitted, averaged per month over the three months before the period, times the "
       "months in the period",
       "HFMA Claim Integrity Task Force", ("remittances", "claims"), ("clinic", "payer"), "p",
       ("idr", "initial denials", "initial denial"),
       domain="revenue", noun="claims submitted (3-month average × months)", idea_category="billing",
       min_history_days=30,  # the three-month submission baseline: one month of it at the least
       everyday=("initial denial rate", "initial denials")),
    _K("days-in-ar", "Days in A/R (net)", "days", "lower",
       "net A/R at the end of the period (latest snapshot per clinic)",
       "average daily net patient service revenue over the last three calendar months "
       "(charges minus contractual adjustments, ÷ the calendar days of them the ledger covers, at least 30)",
       "HFMA MAP Key AR-5 (net days in A/R)", ("ar", "ledger"), ("clinic",), "i",
       ("dar", "ar days", "a/r days", "days in a/r", "days in ar", "dso"),
       domain="revenue", idea_category="billing", no_reading="a snapshot over a rolling three months",
       min_history_days=30,  # HFMA AR-5 averages three months of revenue; one month at the least
       everyday=("days in ar", "days in a/r", "ar days", "a/r days", "days sales outstanding", "dso",
                 "re:days of (revenue|revenues|receivables|billing|charges) (are |is |still )?(outstanding|out|unpaid|uncollected)",
                 "re:how (long|many days) (does it take|do we wait|till|until) (to get paid|we get paid|for payment)",
                 "receivables", "accounts receivable", "a/r", "ar", "a r", "account receivable",
                 "receivable days", "days receivable", "days outstanding", "outstanding receivables"),
       neighbours=((rf"\b{_AR} (?:(?:that is |that are |aged |older than |over |above |past |more than |greater than "
                    rf"|beyond )+)\d+\+?(?! ?(?:weeks?|months?|years?|quarters?)\b)"
                    rf"|\b(?:over|above|older than|more than|past) \d+ days? (?:old )?(?:in )?{_AR}\b"
                    rf"|(?<!last )(?<!past )\b\d{{2,3}}\+? (?:days? )?(?:old )?{_AR}\b|\b{_AR} \d{{2,3}}\+?(?: days?)?\b(?![-/])"
                    rf"|\b{_AR} (?:aging|ageing)\b|\b(?:aging|ageing|aged) {_AR}\b|\baging buckets?\b",
                    "A/R aging (A/R over a number of days)"),)),
    _K("net-collection-rate", "Net collection rate", "%", "higher",
       "payments (payer and patient) minus refunds",
       "charges minus contractual adjustments (bad debt and write-offs are not subtracted)",
       "MGMA adjusted (net) collection rate", ("ledger",), ("clinic", "payer"), "i",
       ("ncr", "net collections", "adjusted collection rate", "collection rate"),
       domain="revenue", money=True, idea_category="billing", payment_lag_caveat=True,
       notes=("By payer: a patient payment linked to a claim counts for the claim's payer (the allowed amount "
              "includes the patient's share); patient payments with neither payer nor claim are not rated as "
              "self-pay where insured charges exist. A period shorter than the typical payment lag (median days "
              "from service to the payer's first payment) says its payments are mostly for earlier charges."),
       everyday=("net collection rate", "net collections", "adjusted collection rate", "collection rate",
                 "collections", "collection", "net collection", "collection ratio", "collections rate",
                 "adjusted collections", "collection percentage",
                 "re:(how much|what share) of (what|the money) (we|were) (are )?owed (do we|did we|we) collect"),
       neighbours=((r"\bgross collections?\b|\bgross collection (?:rate|ratio|percentage)\b", "The gross collection rate"),)),
    _K("write-off-rate", "Denial write-off rate", "%", "lower",
       "denial write-offs", "net patient service revenue (charges minus contractual adjustments)",
       "HFMA MAP (denial write-offs as % of net patient service revenue)", ("ledger",),
       ("clinic", "payer"), "i", ("write offs", "writeoff rate", "write-offs", "denial write-offs"),
       domain="revenue", money=True, idea_category="billing",
       everyday=("write off rate", "write offs", "writeoffs", "written off", "denial write offs")),
    _K("insurance-verification-rate", "Insurance verification rate", "%", "higher",
       "completed encounters whose insurance was verified", "completed (registered) encounters",
       "HFMA MAP (patient access)", ("appointments",), ("clinic", "provider"), "p",
       ("verification", "insurance verification", "ivr", "eligibility"),
       domain="revenue", noun="completed encounters",
       everyday=("insurance verification", "verification rate", "eligibility checks", "eligibility check",
                 "eligibility verification", "insurance checks", "insurance verified", "verified insurance",
                 "re:(insurance|eligibility|coverage) (was |were |gets |get )?(checked|verified|confirmed)( before (the )?(visits?|appointments?|appts?))?",
                 "re:verif(y|ying|ied|ies) (the )?(insurance|eligibility|coverage)( before (the )?(visits?|appointments?|appts?))?",
                 "re:(eligibility|insurance|coverage) (checks?|verifications?)( (done|completed|run|performed))?( before (the )?(visits?|appointments?|appts?))?")),
    _K("authorization-rate", "Authorization rate", "%", "higher",
       "completed encounters that required prior authorization and had it",
       "completed encounters that required prior authorization",
       "HFMA MAP (patient access)", ("appointments",), ("clinic", "provider"), "p",
       ("authorisation rate", "prior auth", "auth rate", "authorizations", "authorization"),
       domain="revenue", noun="encounters needing authorization",
       everyday=("prior authorization", "prior authorizations", "prior auth", "prior auths",
                 "authorization rate", "authorisation rate", "auth rate", "authorizations obtained")),
    _K("point-of-service-collection-rate", "Point-of-service collection rate", "%", "higher",
       "patient cash taken at or before the service", "all patient cash in the period",
       "HFMA MAP (point-of-service collections)", ("ledger",), ("clinic",), "i",
       ("pos", "pos collection", "pos collections", "point of service", "time of service collections"),
       domain="revenue", money=True, idea_category="billing",
       everyday=("point of service collections", "point of service collection", "pos collections",
                 "front desk collections", "time of service collections", "copay collection",
                 "copays collected", "copay collections", "collections at check in", "collected at check in",
                 "collections at the front desk",
                 "re:(front desk|check ?in|checkout|check out) collect(ions|ing|ed)?")),
    _K("coding-accuracy", "Coding accuracy", "%", "higher",
       "codes matching the auditor", "codes audited (code-over-code method)",
       "AHIMA coding audit", ("coding_audits",), ("clinic", "provider"), "p",
       ("coding", "coding audit", "code accuracy"),
       domain="revenue", noun="codes audited", idea_category="quality_safety",
       everyday=("coding accuracy", "coding audit", "coding audits", "coding errors", "code accuracy",
                 "coding quality")),
    _K("patient-satisfaction", "Patient satisfaction (top box)", "%", "higher",
       "respondents rating the provider 9 or 10 on the 0–10 scale (CG-CAHPS top box)",
       "survey respondents in the period",
       "CG-CAHPS (top-box score)", ("surveys",), ("clinic", "provider"), "p",
       ("satisfaction", "cahps", "cg-cahps", "top box", "psat", "patient experience"),
       target_text="above the 90th percentile of a named benchmark (no benchmark is loaded, so no "
                   "percentile is reported)",
       domain="experience", noun="respondents", idea_category="patient_experience",
       everyday=("patient satisfaction", "satisfaction", "satisfaction scores", "cahps", "patient experience",
                 "top box", "re:(how )?(happy|satisfied) (are )?(our )?patients", "patient surveys",
                 "survey scores", "patient ratings")),
    _K("days-of-supply", "Days of supply", "days", "higher",
       "quantity on hand (latest stock count, else lots on hand) per item",
       "average daily usage over the trailing 13 weeks (÷ the days of them with usage history, at least "
       "4 weeks); reported as the median over items",
       "operations management (days of supply)", ("inventory", "supply", "lots"), ("clinic",), "i",
       ("dos", "days supply", "supply days"),
       notes="Measured at the end of one day: the last day of the period, or the latest day with any "
             "inventory movement or stock count in scope when the period runs past it. Quantity on hand "
             "that day = the latest stock count on or before it, plus receipts and signed adjustments and "
             "minus usage and expired stock dated after the count; with no count, the lots on hand. The "
             "low-stock alert reads this same computation.",
       domain="inventory", no_reading="a snapshot over a rolling 13 weeks of usage",
       min_history_days=28,  # kpis.md: average daily usage over the trailing 4–13 weeks
       everyday=("days of supply", "days supply", "days on hand",
                 "re:how (many days|long) (will|does|do|would|can) (our |the )?(stock|supplies|inventory) last",
                 "re:(stock|supplies|inventory) last",
                 *_STOCK)),
    _K("reorder-point", "Items at or below reorder point", "count", "lower",
       "items whose quantity on hand is at or below ROP = d̄·L + SS, SS = z·√(L·σd² + d̄²·σL²), "
       "z = Φ⁻¹(service level) exactly", "items stocked (trailing 13 weeks of usage)",
       "operations management (reorder point, safety stock)", ("inventory", "supply", "lots"), ("clinic",), "run",
       ("rop", "reorder", "reorder points", "safety stock", "re-order point"),
       notes="Measured at the end of one day: the last day of the period, or the latest day with any "
             "inventory movement or stock count in scope when the period runs past it. Quantity on hand "
             "that day = the latest stock count on or before it, plus receipts and signed adjustments and "
             "minus usage and expired stock dated after the count; with no count, the lots on hand. The "
             "low-stock alert reads this same computation.",
       domain="inventory", no_reading="a snapshot over a rolling 13 weeks of usage",
       min_history_days=28,  # kpis.md: usage statistics over the trailing 4–13 weeks
       everyday=("reorder point", "reorder points", "items to reorder", "below reorder point",
                 "re:(supplies|stock|items|inventory) (running|run|getting|are|is) (low|short|out)",
                 "re:(running|run) (low|short|out) (on|of) (supplies|stock|items)",
                 "re:what (do we|should we|to) (need to )?(re ?order|restock)", "low stock", "restock",
                 *_STOCK)),
    _K("inventory-turns", "Inventory turns", "turns", "higher",
       "consumption value in the period, annualised", "average inventory value (stock counts × unit cost)",
       "operations management (inventory turnover)", ("inventory", "supply"), ("clinic",), "i",
       ("turns", "inventory turnover", "stock turns"),
       domain="inventory",
       min_history_days=28,  # a month's usage at the least before it is annualised (a week's trend point: its week)
       everyday=("inventory turns", "inventory turnover", "stock turns", "stock turnover", *_STOCK)),
    _K("expiry-waste", "Expiry waste", "%", "lower",
       "value of stock expired", "value consumed plus value expired",
       "operations management (expiry waste)", ("inventory", "supply"), ("clinic",), "i",
       ("waste", "expired stock", "expiry", "expiry waste rate"),
       domain="inventory", money=True,
       everyday=("expiry waste", "expired stock", "expired supplies", "expired items", "expiration waste",
                 "re:(stock|supplies|items) (that )?(expired|expire|went to waste)", "wasted supplies",
                 *_STOCK)),
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
    shown = f"`{text}`" if name_free(text) else "you named"  # never repeat a patient's name
    raise UsageError(f"I don't know the KPI {shown}.{hint} `/kpi` alone lists every KPI; "
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


def known_kpi(name: str) -> KpiDef:
    """The KPI named by ``name`` (id, name or alias), for the organisation file's checks.

    Raises:
        ValueError: ``unknown KPI 'nonsense-kpi' (did you mean no-show-rate?)`` (no suggestion
            when nothing is close).
    """
    kpi = match_kpi(str(name))
    if kpi is None:
        near = did_you_mean(str(name))
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        raise ValueError(f"unknown KPI {name!r}{hint}")
    return kpi
