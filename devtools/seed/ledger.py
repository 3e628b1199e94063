"""The ledger (daily journal postings) and daily net A/R snapshots.

Postings are the practice-management system's daily batches: one entry per clinic, payer (or
the patient), posting date, kind and point-of-service flag, summing the claim-level events:

* charges when a claim is created (self-pay visits on the visit day);
* copays collected at check-in (``at_service``), patient balances paid 10-60 days after the
  remittance (85 %), the rest written off as bad debt after 120 days;
* payer payments and CO-45 contractual adjustments on remittance dates; reversals post as
  refunds (recoupments); denials not reworked are written off 45 days after the denial (the
  expected payment as ``denial_write_off``, the fee-schedule difference as contractual);
* self-pay visits: 45 % at service, a 35 % self-pay discount (posted as contractual: the
  self-pay fee schedule), the rest paid later or bad debt.

Net A/R of a clinic on day t = charges − payments − adjustments − write-offs + refunds posted
by t, plus the balance of visits before the history window (which runs off exponentially over
about five weeks from the steady-state level), so days in A/R is realistic from day one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from devtools.seed.params import SeedParams, day_number

SIGN = {"charge": 1, "refund": 1, "payer_payment": -1, "patient_payment": -1,
        "contractual_adjustment": -1, "denial_write_off": -1, "bad_debt_write_off": -1,
        "other_adjustment": -1}
SELF_PAY_FEE = np.array([14000, 19000, 26000])


def _ev(clinic, payer, day, kind, amount, at_service=None) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    clinic = np.asarray(clinic)
    n = len(clinic)
    return pd.DataFrame({"clinic_ix": clinic, "payer_ix": np.broadcast_to(np.asarray(payer), n),
                         "day": np.asarray(day), "kind": kind, "at_service": at_service,
                         "amount": np.asarray(amount).astype("int64")})


def ledger_events(p: SeedParams, claims: pd.DataFrame, remits: pd.DataFrame, appts: pd.DataFrame,
                  paid_path: pd.DataFrame, denied_first: pd.DataFrame) -> pd.DataFrame:
    """Claim-level money events: ``clinic_ix, payer_ix (-1 patient), day, kind, at_service, amount``."""
    rng = p.rng("ledger")
    end = day_number(p.end_date)
    cl = claims
    ev = [_ev(cl["clinic_ix"], cl["payer_ix"], cl["created_day"], "charge", cl["charge_cents"])]
    pos = cl[cl["copay_at_service"] & (cl["copay_cents"] > 0)]
    ev.append(_ev(pos["clinic_ix"], -1, pos["service_day"], "patient_payment", pos["copay_cents"], True))

    r = remits.merge(cl[["claim_ix", "clinic_ix", "payer_ix"]], on="claim_ix", how="left")
    pay = r[r["kind"].isin(["paid", "rework", "corrected"]) & (r["paid_cents"] > 0)]
    ev.append(_ev(pay["clinic_ix"], pay["payer_ix"], pay["remit_day"], "payer_payment", pay["paid_cents"]))
    con = r[r["kind"].isin(["paid", "rework"]) & (r["co45"] > 0)]
    ev.append(_ev(con["clinic_ix"], con["payer_ix"], con["remit_day"], "contractual_adjustment", con["co45"]))
    rev = r[r["kind"] == "reversal"]
    ev.append(_ev(rev["clinic_ix"], rev["payer_ix"], rev["remit_day"], "refund", -rev["paid_cents"]))

    # patient balance after the (first paying) adjudication
    adj = r[r["kind"].isin(["paid", "rework"])]
    collected = np.where(cl["copay_at_service"].to_numpy(), cl["copay_cents"].to_numpy(), 0)[adj["claim_ix"].to_numpy()]
    balance = adj["pr_cents"].to_numpy() - collected
    m = balance < 0
    ev.append(_ev(adj["clinic_ix"][m], -1, adj["remit_day"][m] + 14, "refund", -balance[m]))
    pays = (balance > 0) & (rng.random(len(adj)) < 0.85)
    later = adj["remit_day"].to_numpy() + 10 + rng.poisson(25, size=len(adj))
    ev.append(_ev(adj["clinic_ix"][pays], -1, later[pays], "patient_payment", balance[pays], False))
    bad = (balance > 0) & ~pays
    ev.append(_ev(adj["clinic_ix"][bad], -1, adj["remit_day"][bad] + 120, "bad_debt_write_off", balance[bad]))

    lost = denied_first[~denied_first["reworked"]]
    lc = cl.iloc[lost["claim_ix"].to_numpy()]
    # the expected payment is written off as a denial; the fee-schedule difference as contractual
    expected_co45 = paid_path["co45"].to_numpy()[lost["claim_ix"].to_numpy()]
    wo_day = lost["day1"].to_numpy() + 45
    ev.append(_ev(lc["clinic_ix"].to_numpy(), lc["payer_ix"].to_numpy(), wo_day,
                  "denial_write_off", lc["charge_cents"].to_numpy() - expected_co45))
    ev.append(_ev(lc["clinic_ix"].to_numpy(), lc["payer_ix"].to_numpy(), wo_day,
                  "contractual_adjustment", expected_co45))
    refund_copay = lc["copay_at_service"].to_numpy() & (lc["copay_cents"].to_numpy() > 0)
    ev.append(_ev(lc["clinic_ix"].to_numpy()[refund_copay], -1, lost["day1"].to_numpy()[refund_copay] + 50,
                  "refund", lc["copay_cents"].to_numpy()[refund_copay]))

    sp = appts[(appts["status"] == "completed") & (appts["payer_ix"] < 0)]
    fee = SELF_PAY_FEE[sp["type_ix"].to_numpy()]
    c, d = sp["clinic_ix"].to_numpy(), sp["appt_day"].to_numpy()
    ev.append(_ev(c, -1, d, "charge", fee))
    ev.append(_ev(c, -1, d, "patient_payment", np.round(fee * 0.45).astype("int64"), True))
    ev.append(_ev(c, -1, d, "contractual_adjustment", np.round(fee * 0.35).astype("int64")))
    rest = fee - np.round(fee * 0.45).astype("int64") - np.round(fee * 0.35).astype("int64")
    paid_later = rng.random(len(sp)) < 0.6
    ev.append(_ev(c[paid_later], -1, d[paid_later] + 30, "patient_payment", rest[paid_later], False))
    ev.append(_ev(c[~paid_later], -1, d[~paid_later] + 120, "bad_debt_write_off", rest[~paid_later]))

    out = pd.concat([e for e in ev if len(e)], ignore_index=True)
    out = out[(out["day"] <= end) & (out["amount"] > 0)]
    return out.reset_index(drop=True)


def journal(events: pd.DataFrame) -> pd.DataFrame:
    """Daily postings: one row per ``clinic_ix, payer_ix, day, kind, at_service`` with ``amount``."""
    e = events.assign(pos=events["at_service"].map({True: 1, False: 0}).fillna(-1).astype("int64"))
    g = e.groupby(["clinic_ix", "payer_ix", "day", "kind", "pos"], sort=True)["amount"].sum().reset_index()
    g["at_service"] = g["pos"].map({1: True, 0: False, -1: None})
    return g.drop(columns="pos")


def expected_allowances(claims: pd.DataFrame, remits: pd.DataFrame, paid_path: pd.DataFrame,
                        denied_first: pd.DataFrame) -> pd.DataFrame:
    """``clinic_ix, day, v``: the contractual allowance expected on claims not yet adjudicated
    (net A/R is gross A/R less it; HFMA), from creation until the paying remittance or write-off."""
    expected = paid_path["co45"].to_numpy()
    c = claims["clinic_ix"].to_numpy()
    resolved = remits[remits["kind"].isin(["paid", "rework"])].groupby("claim_ix")["remit_day"].min()
    lost = denied_first[~denied_first["reworked"]]
    resolved = pd.concat([resolved, pd.Series(lost["day1"].to_numpy() + 45, index=lost["claim_ix"].to_numpy())])
    ix = resolved.index.to_numpy()
    return pd.DataFrame({"clinic_ix": np.concatenate([c, c[ix]]),
                         "day": np.concatenate([claims["created_day"].to_numpy(), resolved.to_numpy()]),
                         "v": np.concatenate([-expected, expected[ix]])})


def ar_snapshots(p: SeedParams, events: pd.DataFrame, allowances: pd.DataFrame, n_clinics: int) -> pd.DataFrame:
    """``clinic_ix, day, net_ar_cents`` for every clinic and day of the history window."""
    first, end = day_number(p.start_date), day_number(p.end_date)
    days = np.arange(first, end + 1)
    signed = events["amount"].to_numpy() * events["kind"].map(SIGN).to_numpy()
    frame = pd.concat([pd.DataFrame({"clinic_ix": events["clinic_ix"].to_numpy(),
                                     "day": events["day"].to_numpy(), "v": signed}),
                       allowances[allowances["day"] <= end]], ignore_index=True)
    grid = frame.groupby(["clinic_ix", "day"])["v"].sum().unstack(fill_value=0)
    grid = grid.reindex(index=np.arange(n_clinics), columns=days, fill_value=0)
    cum = grid.cumsum(axis=1).to_numpy().astype("float64")
    charges = events[events["kind"] == "charge"].groupby("clinic_ix")["amount"].sum()
    daily = charges.reindex(np.arange(n_clinics), fill_value=0).to_numpy() / len(days)
    steady = cum[:, -30:].mean(axis=1) if len(days) >= 150 else daily * 0.55 * 40
    opening = steady[:, None] * np.exp(-(days - first)[None, :] / 35.0)
    ar = np.round(cum + opening).astype("int64")
    return pd.DataFrame({"clinic_ix": np.repeat(np.arange(n_clinics), len(days)),
                         "day": np.tile(days, n_clinics), "net_ar_cents": ar.ravel()})
