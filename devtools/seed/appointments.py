"""Appointments from booked slots, plus earlier bookings cancelled in time.

Outcomes follow the real no-show data (shared/data SOURCES.md, Vitória 2016): same-day bookings
almost always attend and no-show probability rises with lead time. Here
``logit P(no-show) = -3.2 + 0.6·ln(1 + lead_days) + clinic effect + payer effect`` gives about
4 % for same-day, 13 % at one week and 25 % at a month. Late cancellations (inside 24 h) are
~3.5 %, cancellations in time ~9 % of advance bookings (their slot is rebooked or left free).
Appointments on or before ``end_date`` have an outcome; later ones are ``scheduled``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from devtools.seed.params import SeedParams, day_number

STATUSES = ("completed", "no_show", "cancelled", "late_cancelled", "scheduled")
MEDICAID = 1


def patients(p: SeedParams, clinics: pd.DataFrame, payers: pd.DataFrame) -> pd.DataFrame:
    """A panel per clinic: ``patient_ix, clinic_ix, payer_ix`` (-1 = self-pay)."""
    rng = p.rng("patients")
    panel = clinics["size"].to_numpy() * 1400
    clinic_ix = np.repeat(clinics["clinic_ix"].to_numpy(), panel)
    shares = np.append(payers["share"].to_numpy(), 1.0 - payers["share"].sum())
    payer = rng.choice(len(shares), size=len(clinic_ix), p=shares / shares.sum())
    payer[payer == len(payers)] = -1
    return pd.DataFrame({"patient_ix": np.arange(len(clinic_ix)), "clinic_ix": clinic_ix, "payer_ix": payer})


def appointments_frame(p: SeedParams, clinics: pd.DataFrame, slots: pd.DataFrame,
                       panel: pd.DataFrame) -> pd.DataFrame:
    """Columns: ``appt_ix, slot_ix, clinic_ix, provider_ix, patient_ix, payer_ix, type_ix,
    start_min, booked_min, appt_day, lead_days, status, insurance_verified,
    authorization_required, authorized``."""
    rng = p.rng("appointments")
    booked = slots[slots["booked_min"].notna()]
    # earlier bookings that were cancelled in time: on rebooked advance slots and on free ones
    adv = slots[~slots["same_day"] & ~slots["blocked"]]
    had_cancel = np.where(adv["booked_min"].notna(), rng.random(len(adv)) < 0.09, rng.random(len(adv)) < 0.45)
    canc = adv[had_cancel].copy()
    base_lead = np.where(canc["lead_days"].notna(), canc["lead_days"].fillna(0), 0)
    canc["lead_days"] = base_lead + 1 + np.floor(rng.gamma(1.5, 5.0, size=len(canc)))
    canc["booked_min"] = ((canc["slot_day"] - canc["lead_days"]) * 1440
                          + rng.integers(8 * 60, 17 * 60, size=len(canc))).astype("float64")
    now_min = (day_number(p.end_date) + 1) * 1440 - 1
    canc = canc[canc["booked_min"] <= now_min]

    a = pd.concat([booked.assign(cancelled=False), canc.assign(cancelled=True)], ignore_index=True)
    a = a.sort_values(["slot_ix", "booked_min"], kind="stable").reset_index(drop=True)
    n = len(a)
    # patients: uniform over the clinic's panel
    offsets = np.concatenate([[0], np.cumsum(clinics["size"].to_numpy() * 1400)])
    c = a["clinic_ix"].to_numpy()
    patient_ix = offsets[c] + (rng.random(n) * (offsets[c + 1] - offsets[c])).astype("int64")
    payer_ix = panel["payer_ix"].to_numpy()[patient_ix]
    lead = a["lead_days"].to_numpy()

    clinic_effect = rng.normal(0, 0.3, size=len(clinics))[c]
    logit = (-3.2 + 0.6 * np.log1p(lead) + clinic_effect + np.where(payer_ix == MEDICAID, 0.35, 0.0)
             + np.where(a["type_ix"].to_numpy() == 1, 0.2, 0.0))
    no_show = rng.random(n) < 1 / (1 + np.exp(-logit))
    late = rng.random(n) < np.where(lead > 0, 0.04, 0.005)
    past = a["slot_day"].to_numpy() <= day_number(p.end_date)
    status = np.select(
        [a["cancelled"].to_numpy(), ~past, late, no_show],
        [STATUSES.index("cancelled"), STATUSES.index("scheduled"), STATUSES.index("late_cancelled"),
         STATUSES.index("no_show")], STATUSES.index("completed"))
    auth_req = rng.random(n) < np.where(a["type_ix"].to_numpy() == 0, 0.04, 0.12)
    verified = rng.random(n) < np.where(lead == 0, 0.88, 0.965)
    return pd.DataFrame({
        "appt_ix": np.arange(n), "slot_ix": a["slot_ix"].to_numpy(), "clinic_ix": c,
        "provider_ix": a["provider_ix"].to_numpy(), "patient_ix": patient_ix, "payer_ix": payer_ix,
        "type_ix": a["type_ix"].to_numpy(), "start_min": a["start_min"].to_numpy(),
        "duration": a["duration"].to_numpy(),
        "booked_min": a["booked_min"].to_numpy(), "appt_day": a["slot_day"].to_numpy(),
        "lead_days": lead.astype("int64"), "status": np.asarray(STATUSES, dtype=object)[status],
        "insurance_verified": verified, "authorization_required": auth_req,
        "authorized": np.where(auth_req, rng.random(n) < 0.92, False),
    })
