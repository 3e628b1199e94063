"""Claims (with service lines and scrubber edits) for completed, insured visits.

Charges follow a small fee schedule of office E/M, preventive and add-on codes (cents).
Scrubber: each clinic has its own clean-claim propensity (88-97.5 %); a flagged claim has
``1 + Poisson(0.5)`` edits and is usually touched by hand before submission (HFMA clean claim:
no edits and no manual touch). Copays are known at check-in (commercial 70 % of plans, Medicaid
30 %; preventive visits have none) and drive point-of-service collection in the ledger.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from devtools.seed.params import SeedParams, day_number

# appointment type -> ((procedure, charge cents, probability), ...)
VISIT_CODES = {
    0: (("99213", 14000, 0.65), ("99214", 20500, 0.35)),
    1: (("99203", 19000, 0.6), ("99204", 28500, 0.4)),
    2: (("99396", 26000, 1.0),),
}
ADD_ONS = (("36415", 2200, 0.30), ("85025", 3800, 0.15), ("93000", 7500, 0.05))
FLU = ("90686", 4800)
COMMERCIAL = (2, 3, 4, 5, 6)


def claims_frame(p: SeedParams, appts: pd.DataFrame, clinics: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(claims, lines) for completed appointments with a payer, created by ``end_date``.

    claims: ``claim_ix, appt_ix, clinic_ix, provider_ix, payer_ix, patient_ix, type_ix,
    service_day, created_day, submitted_day (-1 = not yet), charge_cents, n_lines,
    scrubber_edits, manually_touched, clean, copay_cents, copay_at_service``.
    lines: ``claim_ix, line_number (1-based), procedure, charge_cents``.
    """
    rng = p.rng("claims")
    end = day_number(p.end_date)
    v = appts[(appts["status"] == "completed") & (appts["payer_ix"] >= 0)]
    n = len(v)
    created = v["appt_day"].to_numpy() + rng.poisson(0.7, size=n)
    keep = created <= end
    v, created = v[keep], created[keep]
    n = len(v)
    claim_ix = np.arange(n)
    type_ix = v["type_ix"].to_numpy()

    # primary visit line
    first_code = np.empty(n, dtype=object)
    first_charge = np.zeros(n, dtype="int64")
    u = rng.random(n)
    for t, codes in VISIT_CODES.items():
        cum = 0.0
        for code, charge, prob in codes:
            m = (type_ix == t) & (u >= cum) & (u < cum + prob + (1e-9 if prob == 1.0 else 0))
            first_code[m], first_charge[m] = code, charge
            cum += prob
    parts = [pd.DataFrame({"claim_ix": claim_ix, "procedure": first_code, "charge_cents": first_charge})]
    for code, charge, prob in ADD_ONS:
        m = rng.random(n) < prob
        parts.append(pd.DataFrame({"claim_ix": claim_ix[m], "procedure": code, "charge_cents": charge}))
    month = pd.to_datetime(v["appt_day"].to_numpy(), unit="D").month.to_numpy()
    flu_season = np.isin(month, (9, 10, 11, 12, 1))
    m = rng.random(n) < np.where(flu_season, 0.3, 0.01)
    parts.append(pd.DataFrame({"claim_ix": claim_ix[m], "procedure": FLU[0], "charge_cents": FLU[1]}))
    lines = pd.concat(parts, ignore_index=True).sort_values("claim_ix", kind="stable").reset_index(drop=True)
    lines["line_number"] = lines.groupby("claim_ix").cumcount() + 1
    charge = lines.groupby("claim_ix")["charge_cents"].sum().reindex(claim_ix).to_numpy()
    n_lines = lines.groupby("claim_ix").size().reindex(claim_ix).to_numpy()

    clinic_ix = v["clinic_ix"].to_numpy()
    clean_p = rng.uniform(0.88, 0.975, size=len(clinics))[clinic_ix]
    flagged = rng.random(n) >= clean_p
    kind = rng.random(n)
    edits = np.where(flagged & (kind < 0.9), 1 + rng.poisson(0.5, size=n), 0)
    touched = flagged & ((kind < 0.7) | (kind >= 0.9))
    submitted = created + np.where(flagged, rng.integers(1, 6, size=n), rng.integers(0, 2, size=n))
    submitted = np.where(submitted <= end, submitted, -1)

    payer = v["payer_ix"].to_numpy()
    office = type_ix != 2
    has_copay = office & np.where(np.isin(payer, COMMERCIAL), rng.random(n) < 0.7,
                                  (payer == 1) & (rng.random(n) < 0.3))
    copay = np.where(has_copay, np.where(payer == 1, 400, rng.choice([2500, 4000], size=n)), 0)
    claims = pd.DataFrame({
        "claim_ix": claim_ix, "appt_ix": v["appt_ix"].to_numpy(), "clinic_ix": clinic_ix,
        "provider_ix": v["provider_ix"].to_numpy(), "payer_ix": payer,
        "patient_ix": v["patient_ix"].to_numpy(), "type_ix": type_ix,
        "service_day": v["appt_day"].to_numpy(), "created_day": created, "submitted_day": submitted,
        "charge_cents": charge, "n_lines": n_lines, "scrubber_edits": edits,
        "manually_touched": touched, "clean": ~flagged, "copay_cents": copay,
        "copay_at_service": has_copay & (rng.random(n) < 0.72),
        "insurance_verified": v["insurance_verified"].to_numpy(),
        "auth_lapse": (v["authorization_required"] & ~v["authorized"]).to_numpy(),
    })
    return claims, lines
