"""The question reader's general vocabulary: what the catalogue cannot answer, and filler words.

The everyday words for each KPI are on its catalogue record (``KpiDef.everyday`` in
``bot.kpi.catalogue``).
"""

from __future__ import annotations

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
