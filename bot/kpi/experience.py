"""Patient experience (CG-CAHPS top box) and coding accuracy (AHIMA code-over-code audits)."""

from __future__ import annotations

from sqlalchemy import case, literal_column

from bot.kpi.base import KpiImpl, RatioSpec
from bot.kpi.ratio import RatioKpi
from storage.models import CodingAudit, SurveyResponse

TOP_BOX_MIN = 9  # CG-CAHPS provider rating 0–10: 9 and 10 are the top box


def satisfaction_spec() -> RatioSpec:
    """Top-box share: respondents rating the provider 9–10 ÷ respondents, by response date.
    No percentile is computed: none may be shown without a named, loaded benchmark."""
    return RatioSpec(source=SurveyResponse.__table__, day=SurveyResponse.response_date,
                     n=case((SurveyResponse.provider_rating >= TOP_BOX_MIN, 1), else_=0), d=literal_column("1"),
                     dims={"clinic": SurveyResponse.clinic_id, "provider": SurveyResponse.provider_id})


def coding_spec() -> RatioSpec:
    """Coding accuracy (AHIMA, code-over-code): codes matching the auditor ÷ codes audited."""
    return RatioSpec(source=CodingAudit.__table__, day=CodingAudit.audit_date, n=CodingAudit.codes_matched,
                     d=CodingAudit.codes_audited,
                     dims={"clinic": CodingAudit.clinic_id, "provider": CodingAudit.provider_id})


def experience_kpis() -> list[KpiImpl]:
    return [RatioKpi("patient-satisfaction", satisfaction_spec, "patient-satisfaction"),
            RatioKpi("coding-accuracy", coding_spec, "coding-accuracy")]
