"""835 remittances: first adjudication, rework after denials, reversals with corrections, duplicates.

First-pass denial probability = payer base rate × clinic factor (×1.6 for claims that were not
clean), plus causal drivers: unverified insurance adds eligibility denials, a missing required
authorization adds authorization denials. The planted spike adds one category for one clinic
and payer in the last ``spike_days``. Denied claims are reworked by category (``REWORK``) and
paid on resubmission; 0.4 % of paid claims are reversed (CLP02 22) and re-adjudicated; 0.3 %
draw a duplicate (OA-18). Only remittances dated on or before ``end_date`` exist.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from devtools.seed.adjudicate import adjudicate
from devtools.seed.codes import CATEGORY_MIX, CATEGORY_ORDER, DENIALS, REWORK, pick_code
from devtools.seed.params import SeedParams, day_number

BASE_DENIAL = np.array([0.05, 0.09, 0.06, 0.07, 0.08, 0.07, 0.06])  # by payer_ix
LAG_BASE = np.array([13, 20, 12, 14, 15, 12, 16])
LAG_MEAN = np.array([3, 8, 9, 10, 10, 9, 8])


@dataclass(frozen=True)
class Spike:
    """A planted denial spike: extra probability ``extra`` of category ``category`` on first
    remittances of ``clinic_ix``/``payer_ix`` dated in the last ``days`` days."""

    clinic_ix: int
    payer_ix: int
    category: str
    days: int
    extra: float = 0.25


def remittances(p: SeedParams, claims: pd.DataFrame, lines: pd.DataFrame, n_clinics: int,
                spike: Spike | None) -> dict[str, pd.DataFrame]:
    """Frames ``remits`` (one per CLP), ``lines`` (SVC) and ``adjustments`` (CAS triples), and
    ``paid_path`` (per claim: what a paid adjudication pays). ``spike`` None: no planted spike.

    remits: ``remit_ix, claim_ix, kind (paid|denied|rework|reversal|corrected|duplicate),
    status_code, remit_day, sign, charge_cents, paid_cents, pr_cents, co45, pr1, pr2, pr3,
    denial_ix, line_denial_ix, line_denial_line, duplicate, is_first``.
    """
    rng = p.rng("remits")
    end = day_number(p.end_date)
    per_claim, per_line = adjudicate(rng, claims, lines)
    sub = claims["submitted_day"].to_numpy()
    payer = claims["payer_ix"].to_numpy()
    n = len(claims)
    day1 = np.where(sub >= 0, sub + LAG_BASE[payer] + rng.poisson(LAG_MEAN[payer]), end + 1)
    has1 = day1 <= end

    # first-pass denial by category: matrix n × K of probabilities
    clinic_factor = rng.lognormal(0.0, 0.25, size=n_clinics)[claims["clinic_ix"].to_numpy()]
    base = BASE_DENIAL[payer] * clinic_factor * np.where(claims["clean"].to_numpy(), 1.0, 1.6)
    probs = np.outer(base, [CATEGORY_MIX[c] for c in CATEGORY_ORDER])
    probs[:, CATEGORY_ORDER.index("registration_eligibility")] += np.where(
        claims["insurance_verified"].to_numpy(), 0.0, 0.25)
    probs[:, CATEGORY_ORDER.index("authorization")] += np.where(claims["auth_lapse"].to_numpy(), 0.6, 0.0)
    if spike is not None:
        in_spike = ((claims["clinic_ix"].to_numpy() == spike.clinic_ix) & (payer == spike.payer_ix)
                    & (day1 > end - spike.days) & has1)
        probs[:, CATEGORY_ORDER.index(spike.category)] += np.where(in_spike, spike.extra, 0.0)
    cum = np.cumsum(probs, axis=1)
    u = rng.random(n)
    denied = u < np.minimum(cum[:, -1], 0.95)
    cat = np.where(denied, (u[:, None] >= cum).sum(axis=1), -1)
    code = np.where(denied, pick_code(rng, np.maximum(cat, 0)), -1)

    frames = []
    charge = claims["charge_cents"].to_numpy()

    def emit(mask: np.ndarray, kind: str, day: np.ndarray, paid_like: bool, sign: int = 1,
             status: str | np.ndarray = "1", denial: np.ndarray | None = None,
             duplicate: bool = False, first: bool = False) -> None:
        m = mask & (day <= end)
        idx = np.flatnonzero(m)
        f = pd.DataFrame({"claim_ix": idx, "kind": kind, "remit_day": day[m], "sign": sign,
                          "charge_cents": sign * charge[m]})
        f["status_code"] = status[m] if isinstance(status, np.ndarray) else status
        for col in ("co45", "pr1", "pr2", "pr3", "paid"):
            f[col] = sign * per_claim[col].to_numpy()[m] if paid_like else 0
        f["paid_cents"], f["pr_cents"] = f["paid"], f["pr1"] + f["pr2"] + f["pr3"]
        ld = per_claim["line_denial_ix"].to_numpy()[m] if paid_like else -1
        f["line_denial_ix"] = ld
        f["line_denial_line"] = per_claim["line_denial_line"].to_numpy()[m] if paid_like else -1
        f["denial_ix"] = denial[m] if denial is not None else -1
        f["duplicate"], f["is_first"] = duplicate, first
        frames.append(f)

    clp02 = np.array([d[4] for d in DENIALS] + ["1"])[code]
    emit(has1 & ~denied, "paid", day1, True, first=True)
    emit(has1 & denied, "denied", day1, False, status=clp02, denial=code, first=True)
    rework_p = np.array([REWORK[c] for c in CATEGORY_ORDER] + [0.0])[cat]
    reworked = has1 & denied & (rng.random(n) < rework_p)
    emit(reworked, "rework", day1 + 18 + rng.poisson(10, size=n), True)
    rev = has1 & ~denied & (rng.random(n) < 0.004)
    rev_day = day1 + rng.integers(15, 40, size=n)
    emit(rev, "reversal", rev_day, True, sign=-1, status="22")
    emit(rev, "corrected", rev_day, True)
    dup = has1 & (rng.random(n) < 0.003)
    emit(dup, "duplicate", day1 + 7 + rng.poisson(5, size=n), False, duplicate=True)

    r = pd.concat(frames, ignore_index=True).sort_values(["remit_day", "claim_ix"], kind="stable")
    r = r.reset_index(drop=True)
    r["remit_ix"] = np.arange(len(r))
    return {"remits": r, "paid_path": per_claim, "line_path": per_line,
            "denied_first": pd.DataFrame({"claim_ix": np.flatnonzero(has1 & denied),
                                          "reworked": reworked[has1 & denied],
                                          "day1": day1[has1 & denied]})}
