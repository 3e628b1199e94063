"""What a payer would pay on each claim: allowed amounts, contractual and patient cost share.

Allowed = charge × the payer's fee-schedule ratio (±3 % per line). Cost share per X12 CAS group
PR: PR-3 copay, PR-1 deductible (most often early in the benefit year), PR-2 coinsurance
(Medicare Part B 20 %). Preventive visits (annual physicals) carry no cost share (ACA).
``CO-45`` = charge − allowed. About 5 % of paid multi-line claims have their last add-on line
denied (``LINE_DENIALS``), which pays 0 and is adjusted at line level.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from devtools.seed.claims import COMMERCIAL
from devtools.seed.codes import LINE_DENIALS

ALLOWED_RATIO = np.array([0.44, 0.36, 0.62, 0.66, 0.63, 0.68, 0.50])  # by payer_ix


def adjudicate(rng: np.random.Generator, claims: pd.DataFrame, lines: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per claim, per line) payment if the claim is paid.

    per claim: ``co45, pr1, pr2, pr3, paid, line_denial_ix (-1 none), line_denial_line``;
    per line (aligned with ``lines``): ``allowed, paid, denied``.
    """
    n = len(claims)
    payer = claims["payer_ix"].to_numpy()
    l_claim = lines["claim_ix"].to_numpy()
    l_charge = lines["charge_cents"].to_numpy()
    noise = rng.normal(1.0, 0.03, size=len(lines))
    allowed = np.round(l_charge * ALLOWED_RATIO[payer[l_claim]] * noise).astype("int64")
    allowed = np.minimum(allowed, l_charge)

    n_lines = claims["n_lines"].to_numpy()
    denies_line = (n_lines >= 2) & (rng.random(n) < 0.05)
    w = np.array([d[3] for d in LINE_DENIALS])
    line_denial_ix = np.where(denies_line, np.searchsorted(np.cumsum(w / w.sum()), rng.random(n)), -1)
    line_denied = denies_line[l_claim] & (lines["line_number"].to_numpy() == n_lines[l_claim])
    allowed[line_denied] = 0
    co45_line = np.where(line_denied, 0, l_charge - allowed)

    a_total = np.bincount(l_claim, weights=allowed, minlength=n).astype("int64")
    co45 = np.bincount(l_claim, weights=co45_line, minlength=n).astype("int64")
    month = pd.to_datetime(claims["service_day"].to_numpy(), unit="D").month.to_numpy()
    preventive = claims["type_ix"].to_numpy() == 2
    commercial = np.isin(payer, COMMERCIAL)
    pr3 = np.where(preventive, 0, np.minimum(claims["copay_cents"].to_numpy(), a_total))
    rest = a_total - pr3
    ded_p = np.select([month <= 3, month <= 6], [0.35, 0.18], 0.08)
    ded_p = np.where(payer == 0, np.where(month <= 2, 0.3, 0.04), np.where(commercial, ded_p, 0.0))
    ded = ~preventive & (rng.random(n) < ded_p)
    full = rng.random(n) < 0.55
    pr1 = np.where(ded, np.where(full, rest, np.floor(rest * rng.uniform(0.2, 0.8, size=n))), 0).astype("int64")
    rest = rest - pr1
    coins = ~preventive & ((payer == 0) | (commercial & (rng.random(n) < 0.3)))
    pr2 = np.where(coins, np.round(rest * 0.2), 0).astype("int64")
    paid = a_total - pr1 - pr2 - pr3

    pr_total = pr1 + pr2 + pr3
    share = np.divide(allowed, a_total[l_claim], out=np.zeros(len(lines)), where=a_total[l_claim] > 0)
    l_pr = np.floor(pr_total[l_claim] * share).astype("int64")
    # rounding remainder on the first line of each claim
    first = lines["line_number"].to_numpy() == 1
    remainder = pr_total - np.bincount(l_claim, weights=l_pr, minlength=n).astype("int64")
    l_pr[first] += remainder[l_claim[first]]
    whole = pr_total[l_claim] == a_total[l_claim]  # e.g. all to the deductible: every line pays 0
    l_pr[whole] = allowed[whole]
    l_paid = allowed - l_pr
    per_claim = pd.DataFrame({
        "co45": co45, "pr1": pr1, "pr2": pr2, "pr3": pr3, "paid": paid,
        "line_denial_ix": line_denial_ix, "line_denial_line": np.where(denies_line, n_lines, -1),
    })
    per_line = pd.DataFrame({"allowed": allowed, "paid": l_paid, "denied": line_denied})
    return per_claim, per_line
