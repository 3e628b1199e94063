"""Adjustment code tables the generator draws from (shared/spec/denials.md, X12 CARC/RARC lists).

``DENIALS``: one row per way a claim is denied: root-cause category (the ``bot.denials``
category key it is meant to land in), CAS group, CARC, RARC ('' = none), CLP02 and the weight
within its category. The stored category is always re-derived with ``bot.denials``.
"""

from __future__ import annotations

import numpy as np

DENIALS: tuple[tuple[str, str, str, str, str, float], ...] = (
    ("registration_eligibility", "CO", "27", "", "1", 0.35),
    ("registration_eligibility", "CO", "31", "", "4", 0.15),
    ("registration_eligibility", "CO", "31", "", "1", 0.10),
    ("registration_eligibility", "CO", "109", "", "1", 0.20),
    ("registration_eligibility", "CO", "22", "MA04", "1", 0.20),
    ("authorization", "CO", "197", "", "1", 0.60),
    ("authorization", "CO", "15", "M62", "1", 0.25),
    ("authorization", "CO", "198", "", "1", 0.15),
    ("missing_invalid_claim_data", "CO", "16", "MA130", "1", 0.70),
    ("missing_invalid_claim_data", "CO", "16", "M119", "1", 0.10),
    ("missing_invalid_claim_data", "CO", "16", "", "1", 0.20),
    ("coding", "CO", "11", "", "1", 0.35),
    ("coding", "CO", "4", "", "1", 0.25),
    ("coding", "CO", "97", "", "1", 0.20),
    ("coding", "CO", "16", "M51", "1", 0.20),
    ("documentation_requested", "CO", "252", "M127", "1", 0.50),
    ("documentation_requested", "CO", "226", "", "1", 0.30),
    ("documentation_requested", "CO", "252", "N29", "1", 0.20),
    ("medical_necessity_not_covered", "CO", "50", "", "1", 0.40),
    ("medical_necessity_not_covered", "PR", "204", "", "1", 0.25),
    ("medical_necessity_not_covered", "CO", "96", "N130", "1", 0.20),
    ("medical_necessity_not_covered", "CO", "119", "", "1", 0.15),
    ("timely_filing", "CO", "29", "", "1", 1.0),
    ("provider_enrollment_credentialing", "CO", "B7", "", "1", 0.40),
    ("provider_enrollment_credentialing", "CO", "185", "", "1", 0.30),
    ("provider_enrollment_credentialing", "CO", "16", "N290", "1", 0.30),
    ("uncategorised", "CO", "A1", "", "1", 0.6),
    ("uncategorised", "CO", "42", "", "1", 0.4),  # retired CARC: kept, reported uncategorised
)
CATEGORY_ORDER = tuple(dict.fromkeys(d[0] for d in DENIALS))
# baseline mix of first-pass denials by root cause (practitioner surveys put eligibility first)
CATEGORY_MIX = {
    "registration_eligibility": 0.27, "authorization": 0.10, "missing_invalid_claim_data": 0.17,
    "coding": 0.14, "documentation_requested": 0.08, "medical_necessity_not_covered": 0.12,
    "timely_filing": 0.03, "provider_enrollment_credentialing": 0.06, "uncategorised": 0.03,
}
# share of denials reworked and paid on resubmission, by category
REWORK = {
    "registration_eligibility": 0.85, "authorization": 0.6, "missing_invalid_claim_data": 0.9,
    "coding": 0.8, "documentation_requested": 0.7, "medical_necessity_not_covered": 0.3,
    "timely_filing": 0.05, "provider_enrollment_credentialing": 0.7, "uncategorised": 0.5,
}
# line-level denials on otherwise paid claims: (group, carc, rarc, weight)
LINE_DENIALS = (("CO", "97", "", 0.7), ("CO", "16", "MA130", 0.3))


def pick_code(rng: np.random.Generator, category_ix: np.ndarray) -> np.ndarray:
    """A row index into :data:`DENIALS` for each category index (into :data:`CATEGORY_ORDER`)."""
    out = np.full(len(category_ix), -1, dtype="int64")
    u = rng.random(len(category_ix))
    for c, cat in enumerate(CATEGORY_ORDER):
        rows = [i for i, d in enumerate(DENIALS) if d[0] == cat]
        weights = np.array([DENIALS[i][5] for i in rows])
        cum = np.cumsum(weights / weights.sum())
        m = category_ix == c
        out[m] = np.array(rows)[np.minimum(np.searchsorted(cum, u[m], side="right"), len(rows) - 1)]
    return out
