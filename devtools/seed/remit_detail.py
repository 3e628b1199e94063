"""Service lines (SVC) and adjustments (CAS) of generated remittances, and their classification
by the product's own rules (:func:`bot.denials.classify_claim`).

Classification runs once per distinct *pattern* (status code, sign of the payment, which CAS
codes are present at claim and line level) on a representative ``ClaimPayment``: the rules only
compare amounts with zero and pick the largest denial adjustment, and every generated claim has
at most one denial adjustment per level, so the representative gets the same answer as each row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from devtools.seed.codes import DENIALS, LINE_DENIALS

PATTERN = ["status_code", "paid_sign", "co45_sign", "pr1_sign", "pr2_sign", "pr3_sign", "denial_ix",
           "line_denial_ix", "duplicate"]


def service_lines(remits: pd.DataFrame, lines: pd.DataFrame, line_path: pd.DataFrame) -> pd.DataFrame:
    """``remit_ix, line_number, procedure, charge_cents, paid_cents, is_denial`` per SVC."""
    counts = lines.groupby("claim_ix").size()
    n_claims = int(lines["claim_ix"].max()) + 1 if len(lines) else 0
    n_lines = counts.reindex(np.arange(n_claims), fill_value=0).to_numpy()
    start = np.concatenate([[0], np.cumsum(n_lines)[:-1]])
    claim = remits["claim_ix"].to_numpy()
    reps = n_lines[claim]
    r_ix = np.repeat(np.arange(len(remits)), reps)
    within = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
    l_ix = np.repeat(start[claim], reps) + within
    sign = remits["sign"].to_numpy()[r_ix]
    paid_like = remits["kind"].isin(["paid", "rework", "corrected", "reversal"]).to_numpy()[r_ix]
    denied_line = line_path["denied"].to_numpy()[l_ix]
    return pd.DataFrame({
        "remit_ix": remits["remit_ix"].to_numpy()[r_ix],
        "line_number": lines["line_number"].to_numpy()[l_ix],
        "procedure": "HC:" + lines["procedure"].to_numpy(dtype=object)[l_ix],
        "charge_cents": sign * lines["charge_cents"].to_numpy()[l_ix],
        "paid_cents": np.where(paid_like, sign * line_path["paid"].to_numpy()[l_ix], 0),
        "is_denial": paid_like & denied_line & (sign > 0),
    })


def adjustments(remits: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """``remit_ix, line_number (-1 = claim level), group_code, carc, rarcs, amount_cents``."""
    parts = []
    r = remits
    for col, group, carc in (("co45", "CO", "45"), ("pr1", "PR", "1"), ("pr2", "PR", "2"), ("pr3", "PR", "3")):
        m = r[col].to_numpy() != 0
        parts.append(pd.DataFrame({"remit_ix": r["remit_ix"].to_numpy()[m], "line_number": -1,
                                   "group_code": group, "carc": carc, "rarcs": None,
                                   "amount_cents": r[col].to_numpy()[m]}))
    d = r[r["denial_ix"] >= 0]
    table = np.array(DENIALS, dtype=object)
    parts.append(pd.DataFrame({"remit_ix": d["remit_ix"].to_numpy(), "line_number": -1,
                               "group_code": table[d["denial_ix"].to_numpy(), 1],
                               "carc": table[d["denial_ix"].to_numpy(), 2],
                               "rarcs": table[d["denial_ix"].to_numpy(), 3],
                               "amount_cents": d["charge_cents"].to_numpy()}))
    dup = r[r["duplicate"]]
    parts.append(pd.DataFrame({"remit_ix": dup["remit_ix"].to_numpy(), "line_number": -1,
                               "group_code": "OA", "carc": "18", "rarcs": None,
                               "amount_cents": dup["charge_cents"].to_numpy()}))
    ld = r[r["line_denial_ix"] >= 0]
    line_charge = lines.set_index(["claim_ix", "line_number"])["charge_cents"]
    amount = line_charge.reindex(pd.MultiIndex.from_arrays(
        [ld["claim_ix"].to_numpy(), ld["line_denial_line"].to_numpy()])).to_numpy()
    ltable = np.array(LINE_DENIALS, dtype=object)
    parts.append(pd.DataFrame({"remit_ix": ld["remit_ix"].to_numpy(),
                               "line_number": ld["line_denial_line"].to_numpy(),
                               "group_code": ltable[ld["line_denial_ix"].to_numpy(), 0],
                               "carc": ltable[ld["line_denial_ix"].to_numpy(), 1],
                               "rarcs": ltable[ld["line_denial_ix"].to_numpy(), 2],
                               "amount_cents": ld["sign"].to_numpy() * amount}))
    out = pd.concat(parts, ignore_index=True)
    out["rarcs"] = out["rarcs"].replace("", None)
    return out.sort_values(["remit_ix", "line_number"], kind="stable").reset_index(drop=True)


def classify(remits: pd.DataFrame) -> pd.DataFrame:
    """``is_denial, denial_category, excluded, line_denials`` per remittance via ``bot.denials``."""
    from bot.denials import classify_claim

    keyed = pd.DataFrame({
        "status_code": remits["status_code"].to_numpy(),
        "paid_sign": np.sign(remits["paid_cents"].to_numpy()),
        **{f"{c}_sign": np.sign(remits[c].to_numpy()) for c in ("co45", "pr1", "pr2", "pr3")},
        "denial_ix": remits["denial_ix"].to_numpy(), "line_denial_ix": remits["line_denial_ix"].to_numpy(),
        "duplicate": remits["duplicate"].to_numpy(),
    })
    patterns = keyed.drop_duplicates().reset_index(drop=True)
    results = [classify_claim(_representative(row)) for row in patterns.itertuples(index=False)]
    patterns["is_denial"] = [res.is_denial for res in results]
    patterns["denial_category"] = [res.category for res in results]
    patterns["excluded"] = [res.status == "excluded" for res in results]
    patterns["line_denials"] = [len(res.line_denials) for res in results]
    merged = keyed.merge(patterns, on=PATTERN, how="left", sort=False)
    return merged[["is_denial", "denial_category", "excluded", "line_denials"]]


def _representative(row: tuple):  # type: ignore[no-untyped-def]
    from bot.x12.model import Adjustment, ClaimPayment, ServiceLine

    status, paid_sign, co45, pr1, pr2, pr3, denial_ix, line_denial_ix, duplicate = row
    adjs = [Adjustment(g, c, 100 * int(s)) for s, g, c in ((co45, "CO", "45"), (pr1, "PR", "1"),
                                                            (pr2, "PR", "2"), (pr3, "PR", "3")) if s]
    rarcs: list[str] = []
    if denial_ix >= 0:
        _, group, carc, rarc, _, _ = DENIALS[denial_ix]
        adjs.append(Adjustment(group, carc, 100))
        rarcs = [rarc] if rarc else []
    if duplicate:
        adjs.append(Adjustment("OA", "18", 100))
    svc = [ServiceLine("HC", "99213", (), 100, 100 * int(paid_sign), None, 0)]
    if line_denial_ix >= 0:
        group, carc, rarc, _ = LINE_DENIALS[line_denial_ix]
        sign = int(paid_sign) or 1
        svc.append(ServiceLine("HC", "36415", (), 10 * sign, 0, None, 0,
                               adjustments=[Adjustment(group, carc, 10 * sign)], rarcs=[rarc] if rarc else []))
    return ClaimPayment("X", str(status), 100, 100 * int(paid_sign), 0, None, None, 0,
                        adjustments=adjs, service_lines=svc, rarcs=rarcs)
