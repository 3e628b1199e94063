"""Patient satisfaction (CG-CAHPS top box) and coding accuracy (AHIMA code-over-code)."""

from __future__ import annotations

from tests.oracle.frames import Ask, Expected, in_scope, ratio
from tests.oracle.tables import RawTables

TOP_BOX = (9, 10)  # kpis.md: "9–10 on the 0–10 provider rating"


def patient_satisfaction(t: RawTables, ask: Ask) -> Expected:
    """Respondents rating the provider 9 or 10 ÷ respondents, by response date (no percentile:
    none may be shown without a named benchmark)."""
    v = in_scope(t.surveys, ask, "response_date")
    return ratio(int(v.provider_rating.isin(TOP_BOX).sum()), len(v))


def coding_accuracy(t: RawTables, ask: Ask) -> Expected:
    """Codes matching the auditor ÷ codes audited, by audit date."""
    a = in_scope(t.audits, ask, "audit_date")
    return ratio(int(a.codes_matched.sum()), int(a.codes_audited.sum()))
