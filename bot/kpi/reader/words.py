"""Everyday words for the catalogue's KPIs, as data (one entry per KPI id of ``bot.kpi.catalogue``).

The reader matches these (after ``vocab.norm``) besides each KPI's id, name and aliases. A phrase
starting with ``re:`` is a regular expression over the normalised question. To teach the reader a
new kind of question (e.g. forward-looking ones), add its KPI to the catalogue and its words here;
``tests/unit/test_reader_words.py`` checks every id exists.
"""

from __future__ import annotations

EVERYDAY: dict[str, tuple[str, ...]] = {
    "no-show-rate": (
        "no show rate", "no shows", "noshows", "no show", "missed appointment rate", "missed appointments",
        "missed appts", "missed visits", "dnas", "did not attends", "didnt show", "did not show",
        "re:patients? (who |that )?(didnt|did not|failed to|dont|do not|never) (turn up|show( up)?|come( in)?|arrive)",
        "re:(didnt|did not|failed to|dont) (turn up|show up|show)",
        "re:skipped (their )?(appointments?|appts?|visits?)", "re:(turned|turn) no shows?",
    ),
    "third-next-available": (
        "third next available appointment", "third next available appt", "third next available", "3rd next available appt", "3rd next available", "next available",
        "wait for an appointment", "wait time for appointments", "appointment wait", "access to care",
        "re:how (soon|quickly|fast) can (a )?(new )?patients? (be seen|get (in|an appointment|seen))",
        "re:how long (do|does|will) (a )?(new )?patients? (have to )?wait",
        "re:how (far|long) out (are we|is) (booking|booked|scheduling)",
    ),
    "provider-utilization": (
        "utilization", "utilisation", "template utilization", "template utilisation", "provider utilisation", "slot utilization", "slots filled",
        "re:(doctors|providers|physicians|clinicians|schedules?) (overbooked|over booked|full|busy|booked up)",
        "overbooked", "over booked", "schedule fill", "re:how (full|busy) (are|is) (our |the )?(schedules?|providers|doctors)",
    ),
    "booking-lead-time": ("lead time", "booking lead time", "days from booking", "re:how far (ahead|in advance) (do )?(patients )?book"),
    "clean-claim-rate": ("clean claims", "clean claim", "claims that go out clean", "clean submission rate",
                         "re:claims? (going|go|went) out clean"),
    "first-pass-resolution": ("first pass resolution", "first pass", "paid on first submission",
                              "re:(claims )?paid (on|at) (the )?first (pass|try|submission)"),
    "denial-rate": ("denial rate", "denials", "denied claims", "claim denials", "claims denied",
                    "re:claims? (get|gets|got|getting|are|were|being|been) (denied|rejected)",
                    "re:how (often|many) (claims )?(get |are )?denied", "rejections", "rejection rate",
                    "re:den(y|ies|ied|ying) (the most |more |most |our |the )*claims"),
    "initial-denial-rate": ("initial denial rate", "initial denials"),
    "days-in-ar": ("days in ar", "days in a/r", "ar days", "a/r days", "days sales outstanding", "dso",
                   "re:days of (revenue|revenues|receivables|billing|charges) (are |is |still )?(outstanding|out|unpaid|uncollected)",
                   "re:how (long|many days) (does it take|do we wait|till|until) (to get paid|we get paid|for payment)",
                   "receivables", "accounts receivable"),
    "net-collection-rate": ("net collection rate", "net collections", "adjusted collection rate", "collection rate",
                            "re:(how much|what share) of (what|the money) (we|were) (are )?owed (do we|did we|we) collect"),
    "write-off-rate": ("write off rate", "write offs", "writeoffs", "written off", "denial write offs"),
    "insurance-verification-rate": (
        "insurance verification", "verification rate", "eligibility checks", "eligibility check",
        "eligibility verification", "insurance checks", "insurance verified", "verified insurance",
        "re:(insurance|eligibility|coverage) (was |were |gets |get )?(checked|verified|confirmed)( before (the )?(visits?|appointments?|appts?))?",
        "re:verif(y|ying|ied|ies) (the )?(insurance|eligibility|coverage)( before (the )?(visits?|appointments?|appts?))?",
        "re:(eligibility|insurance|coverage) (checks?|verifications?)( (done|completed|run|performed))?( before (the )?(visits?|appointments?|appts?))?",
    ),
    "authorization-rate": ("prior authorization", "prior authorizations", "prior auth", "prior auths",
                           "authorization rate", "authorisation rate", "auth rate", "authorizations obtained"),
    "point-of-service-collection-rate": (
        "point of service collections", "point of service collection", "pos collections", "front desk collections",
        "time of service collections", "copay collection", "copays collected", "copay collections",
        "collections at check in", "collected at check in", "collections at the front desk",
        "re:(front desk|check ?in|checkout|check out) collect(ions|ing|ed)?",
    ),
    "coding-accuracy": ("coding accuracy", "coding audit", "coding audits", "coding errors", "code accuracy",
                        "coding quality"),
    "patient-satisfaction": ("patient satisfaction", "satisfaction", "satisfaction scores", "cahps",
                             "patient experience", "top box", "re:(how )?(happy|satisfied) (are )?(our )?patients",
                             "patient surveys", "survey scores", "patient ratings"),
    "days-of-supply": ("days of supply", "days supply", "days on hand",
                       "re:how (many days|long) (will|does|do|would|can) (our |the )?(stock|supplies|inventory) last",
                       "re:(stock|supplies|inventory) last"),
    "reorder-point": ("reorder point", "reorder points", "items to reorder", "below reorder point",
                      "re:(supplies|stock|items|inventory) (running|run|getting|are|is) (low|short|out)",
                      "re:(running|run) (low|short|out) (on|of) (supplies|stock|items)",
                      "re:what (do we|should we|to) (need to )?(re ?order|restock)", "low stock", "restock"),
    "inventory-turns": ("inventory turns", "inventory turnover", "stock turns", "stock turnover"),
    "expiry-waste": ("expiry waste", "expired stock", "expired supplies", "expired items", "expiration waste",
                     "re:(stock|supplies|items) (that )?(expired|expire|went to waste)", "wasted supplies"),
}

# Questions the catalogue cannot answer, with why: said back instead of a guess.
OUTSIDE = (
    ("re:\\b(overtime|payroll|salar(y|ies)|wages?|staffing|headcount|hours worked|pto|sick days)\\b", "staffing and payroll"),
    ("re:\\bhow many (patients|visits|appointments|encounters)\\b(?!.*(didnt|did not|no show|miss|turn up))", "visit volumes"),
    ("re:\\b(revenue|profit|margin|budget|spend|spending|costs?|expenses?)\\b(?!.*(outstanding|days))", "revenue, costs and budgets"),
    ("re:\\b(readmissions?|mortality|infections?|a1c|blood pressure|vaccin\\w*|immuni[sz]ations?|screenings?)\\b", "clinical quality measures"),
    ("re:\\b(weather|stock price|news)\\b", "things outside clinic operations"),
)

# Words that carry no meaning of their own in a KPI question (a question made of these and the
# parts the reader understood is read; any other word makes it ask back).
FILLER = frozenset("""
a an the what whats what's is are was were be been being how hows much many our my your their we us i me you
of for at in on to from with and or by about as per please pls plz can could would will should do does did
show tell give get got let lets see check pull look looking like doing going gonna want wanted need know
rate rates ratio percentage percent number numbers figure figures value values kpi kpis metric metrics stat stats
score scores level levels trend trends current currently overall total whole across all entire every each
clinic clinics site sites office offices location locations practice practices center centre network org
organisation organization system practice group hospital facility facilities
doctor doctors provider providers physician physicians clinician clinicians dr team staff
payer payers insurer insurers insurance plan plans carrier
hey hi hello bot opsbot thanks thank ok okay so now then just quick quickly real really actually pretty
there here it its it's this that these those them they any some
over during within since between vs versus against compared compare comparison
has have had having up down out
me quick update status report summary numbers please?
still yet ago far lately recently recent
latest last this past period
good bad high low looking
""".split())
