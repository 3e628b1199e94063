"""Compliance calendar, coding audits and patient-survey responses.

Compliance: per clinic an annual HIPAA security risk assessment, OSHA training, CLIA certificate
(2-yearly), mock survey, fire inspection, emergency drill and a quarterly chart audit; per
provider a DEA registration (3-yearly), state licence (2-yearly) and payer re-credentialing
(3-yearly). Open items fall due beyond the compliance rule's reminder horizon (the largest of
``alerts.compliance.reminder_days``, 30 days) and within one recurrence after the end date: the
network is a snapshot of clinics that have done everything due within the horizon, so on a
quiet network (``plant_events=False``) the compliance rule has nothing to remind about and
every compliance alert on the generated data is a planted one (one due this week, one overdue,
set by :mod:`devtools.seed.planted`). Two days of margin: the rule counts days on the clinic-local
date at :attr:`SeedParams.now`, which is the day after the end date east of UTC-6.
Coding audits: monthly, 20-40 codes per provider, provider accuracy around 94 %.
Surveys: 12 % of completed visits answer within about a week; the 0-10 provider rating has a
provider effect and falls with long waits; top box (9-10) is about three quarters.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from devtools.seed.params import SeedParams, day_number

CLINIC_ITEMS = (
    ("hipaa_risk_assessment", "Annual HIPAA security risk assessment", "privacy officer", 12),
    ("osha_training", "OSHA bloodborne pathogens training (all staff)", "practice manager", 12),
    ("clia_certificate", "CLIA certificate of waiver renewal", "lab lead", 24),
    ("mock_survey", "Mock accreditation survey", "quality lead", 12),
    ("chart_audit", "Quarterly chart audit", "medical director", 3),
    ("other", "Fire safety inspection", "practice manager", 12),
    ("other", "Emergency preparedness drill", "practice manager", 12),
)
PROVIDER_ITEMS = (
    ("dea_registration", "DEA registration renewal", 36),
    ("licence", "State medical licence renewal", 24),
    ("credentialing", "Payer re-credentialing", 36),
)


def reminder_horizon_days() -> int:
    """The compliance rule's earliest reminder, in days before the due date (code default)."""
    from bot.alerts.config import ComplianceParams

    return max(ComplianceParams().reminder_days)


def compliance(p: SeedParams, clinics: pd.DataFrame, providers: pd.DataFrame) -> pd.DataFrame:
    """``clinic_ix, key, kind, title, owner, due_day, recurrence_months, status,
    completed_day (-1), corrective_day (-1)``."""
    rng = p.rng("compliance")
    end = day_number(p.end_date)
    rows = []
    for c in clinics.itertuples(index=False):
        for kind, title, owner, months in CLINIC_ITEMS:
            key = kind if kind != "other" else title.split()[0].lower() + "_" + title.split()[1].lower()
            rows.append((c.clinic_ix, key, kind, title, owner, months))
        for pr in providers[providers["clinic_ix"] == c.clinic_ix].itertuples(index=False):
            for kind, title, months in PROVIDER_ITEMS:
                rows.append((c.clinic_ix, f"{kind}:{pr.key}", kind, f"{title}: {pr.name}", "credentialing lead",
                             months))
    f = pd.DataFrame(rows, columns=["clinic_ix", "key", "kind", "title", "owner", "recurrence_months"])
    first = reminder_horizon_days() + 2
    span = np.maximum(f["recurrence_months"].to_numpy() * 30 - first, 1)
    f["due_day"] = end + first + (rng.random(len(f)) * span).astype("int64")
    f["status"] = "open"
    f["completed_day"] = -1
    f["corrective_day"] = -1
    return f


def coding_audits(p: SeedParams, providers: pd.DataFrame) -> pd.DataFrame:
    """``provider_ix, clinic_ix, day, codes_audited, codes_matched`` (monthly, on the 15th)."""
    rng = p.rng("audits")
    months = pd.date_range(p.start_date, p.end_date, freq="MS") + timedelta(days=14)
    months = months[months.date <= p.end_date]
    n_p = len(providers)
    accuracy = np.clip(rng.beta(47, 3, size=n_p), 0.8, 0.995)
    rows = []
    for m in months:
        audited = rng.integers(20, 41, size=n_p)
        matched = rng.binomial(audited, accuracy)
        rows.append(pd.DataFrame({"provider_ix": providers["provider_ix"].to_numpy(),
                                  "clinic_ix": providers["clinic_ix"].to_numpy(),
                                  "day": day_number(m.date()), "codes_audited": audited,
                                  "codes_matched": matched}))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(  # typed: the empty frame indexes arrays
        {c: np.array([], dtype="int64") for c in ("provider_ix", "clinic_ix", "day", "codes_audited", "codes_matched")})


def surveys(p: SeedParams, appts: pd.DataFrame, n_providers: int, stop_after_day: int) -> pd.DataFrame:
    """``appt_ix, clinic_ix, provider_ix, patient_ix, day, rating``; none after ``stop_after_day``."""
    rng = p.rng("surveys")
    done = appts[appts["status"] == "completed"]
    answered = done[rng.random(len(done)) < 0.12]
    n = len(answered)
    quality = rng.normal(0.0, 0.45, size=n_providers)[answered["provider_ix"].to_numpy()]
    latent = (9.4 + quality - np.where(answered["lead_days"].to_numpy() > 21, 0.6, 0.0)
              + rng.normal(0, 1.3, size=n))
    day = answered["appt_day"].to_numpy() + 1 + rng.poisson(4, size=n)
    f = pd.DataFrame({"appt_ix": answered["appt_ix"].to_numpy(), "clinic_ix": answered["clinic_ix"].to_numpy(),
                      "provider_ix": answered["provider_ix"].to_numpy(),
                      "patient_ix": answered["patient_ix"].to_numpy(), "day": day,
                      "rating": np.clip(np.round(latent), 0, 10).astype("int64")})
    return f[f["day"] <= min(stop_after_day, day_number(p.end_date))].reset_index(drop=True)
