"""Turn generated frames into table-shaped frames (model column names, storage conventions).

Pure functions: database ids come in as arrays indexed by the generator's local indices
(``clinic_ids[clinic_ix]``); instants become naive UTC, local day numbers become dates.
"""

from __future__ import annotations

from datetime import time

import numpy as np
import pandas as pd

from devtools.seed.network import APPOINTMENT_TYPES
from devtools.seed.timeutil import days_to_dates, local_minutes_to_utc

SOURCE = "seed"


def ext_ids(prefix: str, ix: np.ndarray, width: int = 9) -> pd.Series:
    """``prefix`` + zero-padded integers, e.g. ``A000000042``."""
    return prefix + pd.Series(np.asarray(ix, dtype="int64")).astype(str).str.zfill(width)


def nullable_ids(ids: np.ndarray, ix: np.ndarray) -> pd.Series:
    """Database ids for indices where ``ix >= 0``, else null (``Int64``)."""
    ix = np.asarray(ix)
    out = pd.array(np.where(ix >= 0, ids[np.maximum(ix, 0)], 0), dtype="Int64")
    out[ix < 0] = pd.NA
    return pd.Series(out)


def templates(f: pd.DataFrame, provider_ids: np.ndarray) -> pd.DataFrame:
    def as_time(minutes: pd.Series) -> list[time]:
        return [time(int(m) // 60, int(m) % 60) for m in minutes]

    return pd.DataFrame({"provider_id": provider_ids[f["provider_ix"].to_numpy()], "weekday": f["weekday"].to_numpy(),
                         "start_time": as_time(f["start_min"]), "end_time": as_time(f["end_min"]),
                         "slot_minutes": f["slot_minutes"].to_numpy(),
                         "appointment_type": f["appointment_type"].to_numpy()})


def slots(s: pd.DataFrame, zones: np.ndarray, clinic_ids: np.ndarray, provider_ids: np.ndarray) -> pd.DataFrame:
    tz = zones[s["clinic_ix"].to_numpy()]
    state = np.where(s["blocked"].to_numpy(), "blocked", np.where(s["booked_min"].notna().to_numpy(), "booked", "free"))
    return pd.DataFrame({
        "source": SOURCE, "external_id": ext_ids("S", s["slot_ix"].to_numpy()),
        "clinic_id": clinic_ids[s["clinic_ix"].to_numpy()], "provider_id": provider_ids[s["provider_ix"].to_numpy()],
        "slot_date": days_to_dates(s["slot_day"].to_numpy()),
        "start_at": local_minutes_to_utc(s["start_min"].to_numpy(), tz),
        "duration_minutes": s["duration"].to_numpy(),
        "appointment_type": np.asarray(APPOINTMENT_TYPES, dtype=object)[s["type_ix"].to_numpy()],
        "state": state, "created_at": local_minutes_to_utc(s["created_min"].to_numpy(), tz),
        "booked_at": local_minutes_to_utc(s["booked_min"].to_numpy(), tz),
    })


def appointments(a: pd.DataFrame, zones: np.ndarray, clinic_ids: np.ndarray, provider_ids: np.ndarray,
                 pseudonyms: np.ndarray) -> pd.DataFrame:
    tz = zones[a["clinic_ix"].to_numpy()]
    required = a["authorization_required"].to_numpy()
    authorized = pd.Series(a["authorized"].to_numpy(), dtype="boolean")
    authorized[~required] = pd.NA
    return pd.DataFrame({
        "source": SOURCE, "external_id": ext_ids("A", a["appt_ix"].to_numpy()),
        "clinic_id": clinic_ids[a["clinic_ix"].to_numpy()], "provider_id": provider_ids[a["provider_ix"].to_numpy()],
        "patient_pseudonym": pseudonyms[a["patient_ix"].to_numpy()],
        "booked_at": local_minutes_to_utc(a["booked_min"].to_numpy(), tz),
        "appointment_at": local_minutes_to_utc(a["start_min"].to_numpy(), tz),
        "appointment_date": days_to_dates(a["appt_day"].to_numpy()),
        "status": a["status"].to_numpy(),
        "appointment_type": np.asarray(APPOINTMENT_TYPES, dtype=object)[a["type_ix"].to_numpy()],
        "lead_days": a["lead_days"].to_numpy(), "insurance_verified": a["insurance_verified"].to_numpy(),
        "authorization_required": required, "authorized": authorized,
    })


def claims(c: pd.DataFrame, clinic_ids: np.ndarray, provider_ids: np.ndarray, payer_ids: np.ndarray,
           pseudonyms: np.ndarray) -> pd.DataFrame:
    ext = ext_ids("C", c["claim_ix"].to_numpy())
    submitted = days_to_dates(np.maximum(c["submitted_day"].to_numpy(), 0))
    submitted[c["submitted_day"].to_numpy() < 0] = pd.NaT
    return pd.DataFrame({
        "source": SOURCE, "external_id": ext, "patient_control_number": ext,
        "clinic_id": clinic_ids[c["clinic_ix"].to_numpy()], "provider_id": provider_ids[c["provider_ix"].to_numpy()],
        "payer_id": payer_ids[c["payer_ix"].to_numpy()], "patient_pseudonym": pseudonyms[c["patient_ix"].to_numpy()],
        "service_date": days_to_dates(c["service_day"].to_numpy()),
        "created_date": days_to_dates(c["created_day"].to_numpy()), "submitted_date": submitted,
        "charge_cents": c["charge_cents"].to_numpy(), "scrubber_edits": c["scrubber_edits"].to_numpy(),
        "manually_touched": c["manually_touched"].to_numpy(), "clean": c["clean"].to_numpy(),
    })


def remittances(r: pd.DataFrame, claims_f: pd.DataFrame, payer_keys: np.ndarray, clinic_ids: np.ndarray,
                payer_ids: np.ndarray, claim_ids: np.ndarray) -> pd.DataFrame:
    """Remittance rows; ``natural_key`` is computed exactly as the 835 importer does."""
    from bot.ingest.remittance_keys import natural_key

    c = claims_f.iloc[r["claim_ix"].to_numpy()]
    payer_ix = c["payer_ix"].to_numpy()
    pcn = ext_ids("C", r["claim_ix"].to_numpy()).to_numpy()
    kind_no = r["kind"].map({"paid": 1, "denied": 1, "rework": 2, "reversal": 1, "corrected": 3,
                             "duplicate": 4}).to_numpy()
    icn = (pd.Series(np.char.upper(payer_keys[payer_ix].astype(str)).astype("U3")) + ext_ids("", r["claim_ix"].to_numpy(), 10)
           + kind_no.astype(str)).to_numpy()
    dates = days_to_dates(r["remit_day"].to_numpy()).dt.date.to_numpy()
    frame = pd.DataFrame({
        "patient_control_number": pcn, "payer_claim_control_number": icn,
        "status_code": r["status_code"].to_numpy(), "charge_cents": r["charge_cents"].to_numpy(),
        "paid_cents": r["paid_cents"].to_numpy(), "patient_responsibility_cents": r["pr_cents"].to_numpy()})
    keys = [natural_key(pk, row, d) for pk, row, d in zip(payer_keys[payer_ix], frame.itertuples(index=False), dates, strict=True)]
    return pd.DataFrame({
        "natural_key": keys, "claim_id": claim_ids[r["claim_ix"].to_numpy()],
        "clinic_id": clinic_ids[c["clinic_ix"].to_numpy()], "payer_id": payer_ids[payer_ix],
        "patient_control_number": pcn, "payer_claim_control_number": icn,
        "claim_status_code": r["status_code"].to_numpy(), "remit_date": days_to_dates(r["remit_day"].to_numpy()),
        "charge_cents": r["charge_cents"].to_numpy(), "paid_cents": r["paid_cents"].to_numpy(),
        "patient_responsibility_cents": r["pr_cents"].to_numpy(), "is_first": r["is_first"].to_numpy(),
        "excluded": r["excluded"].to_numpy(), "is_denial": r["is_denial"].to_numpy(),
        "denial_category": r["denial_category"].to_numpy(), "line_denials": r["line_denials"].to_numpy(),
    })


def ledger(j: pd.DataFrame, clinic_keys: np.ndarray, payer_keys: np.ndarray, clinic_ids: np.ndarray,
           payer_ids: np.ndarray) -> pd.DataFrame:
    pk = np.append(payer_keys, "patient")[j["payer_ix"].to_numpy()]  # -1 -> "patient"
    dates = days_to_dates(j["day"].to_numpy())
    flag = j["at_service"].map({True: ":at-service", False: ":later"}).fillna("").to_numpy()
    ext = (pd.Series(clinic_keys[j["clinic_ix"].to_numpy()]) + ":" + pk + ":" + dates.dt.strftime("%Y-%m-%d")
           + ":" + j["kind"].to_numpy() + flag)
    return pd.DataFrame({
        "source": SOURCE, "external_id": ext, "clinic_id": clinic_ids[j["clinic_ix"].to_numpy()],
        "payer_id": payer_ids[j["payer_ix"].to_numpy()], "posted_date": dates, "kind": j["kind"].to_numpy(),
        "amount_cents": j["amount"].to_numpy(), "at_service": pd.Series(j["at_service"].to_numpy(), dtype="boolean"),
    })
