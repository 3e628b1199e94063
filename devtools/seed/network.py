"""Clinics (with IANA time zones), providers, payers and weekly schedule templates.

Frames use local integer indices (``clinic_ix``, ``provider_ix``, ``payer_ix``); the loader maps
them to database ids.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.text import fold
from devtools.seed.params import SeedParams

PLACES = (
    "Harbour", "Northside", "Riverside", "Lakeview", "Cedar Hill", "Maple Grove", "Elm Street",
    "Westgate", "Eastbrook", "Summit", "Pinecrest", "Oak Park", "Bayfront", "Highland", "Meadowbrook",
    "Stonebridge", "Fairview", "Brookside", "Sunset", "Willow Creek", "Española Valley", "Clearwater",
    "Ridgeview", "Hillcrest", "Springfield", "Greenfield", "Kingsport", "Mesa Verde", "Canyon",
    "Prairie", "Juniper", "Aspen", "Magnolia", "Cypress", "Bluebonnet", "Redwood", "Coral Bay",
    "Kailua", "Mānoa", "Sierra", "Desert Bloom", "Saguaro", "Coyote Springs", "Lincoln Park",
    "Union Square", "Capitol Hill", "Old Town", "Mill Creek", "Parkside", "Seaside", "Beacon",
)
KINDS = ("Family Practice", "Primary Care", "Internal Medicine", "Pediatrics", "Health Center")
# Several US zones, weighted toward the populous ones; Phoenix has no DST, Honolulu no DST either.
ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
         "America/Phoenix", "Pacific/Honolulu")
ZONE_WEIGHTS = (0.34, 0.26, 0.12, 0.18, 0.06, 0.04)
FIRST = ("Maria", "James", "Aisha", "Chen", "Olivia", "Mateo", "Priya", "Daniel", "Sofia", "Kwame",
         "Emily", "Noah", "Fatima", "Lucas", "Hannah", "Diego", "Grace", "Omar", "Zoe", "Ravi",
         "Leila", "Samuel", "Ingrid", "Tomás", "Yuki", "Ethan", "Amara", "Jonas", "Nadia", "Felix")
LAST = ("Garcia", "Okafor", "Nguyen", "Smith", "Patel", "Kowalski", "Haddad", "Johansson", "Kim",
        "Rossi", "Müller", "Brown", "Santos", "Cohen", "Ibrahim", "Lee", "Martin", "Novak", "Silva",
        "Walker", "Tanaka", "Hughes", "Mendoza", "Fischer", "O'Brien", "Díaz", "Lindqvist", "Adeyemi")
SPECIALTIES = ("family medicine", "internal medicine", "pediatrics", "nurse practitioner")

# key, name, share of patients (self-pay is the remainder and has no payer row)
PAYERS = (
    ("medicare", "Medicare", 0.27),
    ("medicaid", "Medicaid", 0.18),
    ("bcbs", "Blue Cross Blue Shield", 0.17),
    ("aetna", "Aetna", 0.11),
    ("united", "UnitedHealthcare", 0.11),
    ("cigna", "Cigna", 0.07),
    ("humana", "Humana", 0.04),
)
SELF_PAY_SHARE = 1.0 - sum(p[2] for p in PAYERS)
APPOINTMENT_TYPES = ("follow-up", "new patient", "annual physical")


def clinics_frame(p: SeedParams) -> pd.DataFrame:
    """One row per clinic: ``clinic_ix, key, name, name_folded, timezone, size`` (providers)."""
    rng = p.rng("network")
    n = p.clinics
    order = rng.permutation(len(PLACES))
    names, keys = [], []
    for i in range(n):
        place = PLACES[order[i % len(PLACES)]]
        kind = KINDS[int(rng.integers(len(KINDS)))]
        suffix = "" if i < len(PLACES) else f" {i // len(PLACES) + 1}"
        names.append(f"{place} {kind}{suffix}")
        keys.append(fold(f"{place}{suffix}").replace(" ", "-").replace("'", ""))
    zones = rng.choice(len(ZONES), size=n, p=ZONE_WEIGHTS)
    zones[: min(n, len(ZONES))] = np.arange(min(n, len(ZONES)))  # every zone appears when n >= 6
    return pd.DataFrame({
        "clinic_ix": np.arange(n), "key": keys, "name": names,
        "name_folded": [fold(x) for x in names], "timezone": [ZONES[z] for z in zones],
        "size": rng.integers(2, 9, size=n),
    })


def providers_frame(p: SeedParams, clinics: pd.DataFrame) -> pd.DataFrame:
    """Providers (2-8 per clinic) with their access behaviour.

    ``backlog_days``: mean extra lead time of advance bookings (drives third-next-available);
    ``same_day_share``: share of slots held for same-day access; ``fill``: probability an advance
    slot is booked eventually.
    """
    rng = p.rng("network")
    rng.integers(0, 2**31, size=4 * len(clinics))  # decorrelate from clinics_frame draws
    clinic_ix = np.repeat(clinics["clinic_ix"].to_numpy(), clinics["size"].to_numpy())
    n = len(clinic_ix)
    within = np.concatenate([np.arange(s) for s in clinics["size"].to_numpy()])
    first = rng.integers(len(FIRST), size=n)
    last = rng.integers(len(LAST), size=n)
    spec = rng.choice(len(SPECIALTIES), size=n, p=(0.45, 0.25, 0.15, 0.15))
    names = [f"{'' if SPECIALTIES[s] == 'nurse practitioner' else 'Dr. '}{FIRST[f]} {LAST[l]}"
             + ("" if SPECIALTIES[s] != "nurse practitioner" else ", NP")
             for f, l, s in zip(first, last, spec, strict=True)]
    ckeys = clinics["key"].to_numpy()[clinic_ix]
    return pd.DataFrame({
        "provider_ix": np.arange(n), "clinic_ix": clinic_ix,
        "key": [f"{c}-p{w + 1}" for c, w in zip(ckeys, within, strict=True)],
        "name": names, "name_folded": [fold(x) for x in names],
        "specialty": [SPECIALTIES[s] for s in spec],
        "backlog_days": np.clip(rng.lognormal(np.log(8.0), 0.6, size=n), 1.5, 45.0),
        "same_day_share": np.clip(rng.beta(5.5, 8, size=n), 0.1, 0.75),
        "fill": np.clip(rng.beta(14, 2, size=n), 0.7, 0.99),
        "slot_minutes": np.where(spec == 2, 15, rng.choice([15, 20], size=n, p=(0.8, 0.2))),
    })


def payers_frame() -> pd.DataFrame:
    """``payer_ix, key, name, name_folded, share``."""
    return pd.DataFrame({
        "payer_ix": np.arange(len(PAYERS)), "key": [k for k, _, _ in PAYERS],
        "name": [n for _, n, _ in PAYERS], "name_folded": [fold(n) for _, n, _ in PAYERS],
        "share": [s for _, _, s in PAYERS],
    })


def templates_frame(p: SeedParams, providers: pd.DataFrame) -> pd.DataFrame:
    """Weekly sessions: ``provider_ix, weekday (0=Mon), start_min, end_min, slot_minutes,
    appointment_type``. Most providers work 5 days; 30 % take one weekday off. Mornings
    08:00-12:00, afternoons 13:00-17:00; one session a week for new patients, one for physicals.
    """
    rng = p.rng("templates")
    rows = []
    for prov in providers.itertuples(index=False):
        off = int(rng.integers(5)) if rng.random() < 0.3 else -1
        new_session = int(rng.integers(10))
        phys_session = int(rng.integers(10))
        for wd in range(5):
            if wd == off:
                continue
            for half, (start, end) in enumerate(((8 * 60, 12 * 60), (13 * 60, 17 * 60))):
                s = wd * 2 + half
                kind = "new patient" if s == new_session else ("annual physical" if s == phys_session else "follow-up")
                minutes = 30 if kind != "follow-up" else int(prov.slot_minutes)
                rows.append((prov.provider_ix, wd, start, end, minutes, kind))
    return pd.DataFrame(rows, columns=["provider_ix", "weekday", "start_min", "end_min", "slot_minutes",
                                       "appointment_type"])
