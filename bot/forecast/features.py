"""Features for no-show risk, computed as of the eve of each appointment (no leakage).

Input: the frame of :func:`storage.forecast_queries.appointment_frame` (every status). A
feature for an appointment on day *d* uses only outcomes of the same patient's appointments on
days before *d* (known on the eve of *d*) and bookings made before *d*; nothing after. The
patient is reached only through the keyed pseudonym, and no identifier enters a feature.

Sources for what carries signal: lead time and same-day booking dominate on the public
Vitória file (shared/data SOURCES.md); a patient's earlier no-shows and visit counts are the
strongest individual predictors in the published work (Dantas et al. 2018, *Health Policy*).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

OUTCOMES = ("completed", "no_show")
CATEGORICAL = ("clinic", "atype")
FLAGS = ("sms_reminder", "scholarship", "hypertension", "diabetes", "alcoholism", "handicap")
FEATURES = ("lead", "same_day", "wd", "hour", "bhour", "bwd", "clinic", "atype",
            "an", "ans", "arate", "lasty", "since", "booked_known", "pat_day_n", "same_moment", "fut_known",
            "contacts", "tenure", "p_sd", "p_nsd", "p_nsd_y", "p_nsd_rate", "age", *FLAGS)
DAY = pd.Timedelta(days=1)


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows with a known outcome; adds ``y`` (1 = no-show, 0 = attended)."""
    out = frame[frame["status"].isin(OUTCOMES)].copy()
    out["y"] = (out["status"] == "no_show").astype("int8")
    return out


def _asof(keys: pd.DataFrame, table: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """For each row of ``keys`` (``pid``, ``k``), the last ``table`` row of that ``pid`` with
    ``t <= k``; columns ``cols`` (NaN when none). Same order as ``keys``."""
    # one resolution on both sides (pandas refuses to merge datetime64[us] with [s])
    q = keys.assign(_i=np.arange(len(keys)), k=keys["k"].astype("datetime64[ns]")).sort_values("k", kind="stable")
    t = table.assign(t=table["t"].astype("datetime64[ns]")).sort_values("t", kind="stable")
    m = pd.merge_asof(q, t, left_on="k", right_on="t", by="pid", direction="backward")
    return m.sort_values("_i")[cols + ["t"]].reset_index(drop=True)


def build_features(rows: pd.DataFrame, history: pd.DataFrame, vocab: dict[str, list[str]]) -> pd.DataFrame:
    """Feature frame (columns :data:`FEATURES`, index of ``rows``) for the appointments ``rows``.

    ``history``: every appointment known (any status, may include ``rows``); ``vocab``: category
    values per :data:`CATEGORICAL` feature (unknown values become NaN).
    """
    day = rows["appointment_date"]
    booked = rows["booked_at"]
    lead = rows["lead_days"].astype("float64")
    lead = lead.where(lead.notna(), (day - booked.dt.normalize()).dt.days)
    f = pd.DataFrame(index=rows.index)
    f["lead"] = lead.clip(lower=0)
    f["same_day"] = (f["lead"] <= 0).astype("float64")
    f["wd"] = day.dt.day_of_week.astype("float64")
    f["hour"] = rows["appointment_at"].dt.hour.astype("float64").fillna(-1.0)  # -1: no time of day
    f["bhour"] = booked.dt.hour.astype("float64").fillna(-1.0)
    f["bwd"] = booked.dt.day_of_week.astype("float64").fillna(-1.0)
    f["clinic"] = _codes(rows["clinic_id"].astype(str), vocab.get("clinic", []))
    f["atype"] = _codes(rows["appointment_type"].fillna("").astype(str), vocab.get("atype", []))
    # integer patient codes: grouping on them is several times faster than on pseudonym text
    codes, _ = pd.factorize(pd.concat([rows["patient_pseudonym"], history["patient_pseudonym"]], ignore_index=True))
    rows_pid, hist_pid = codes[: len(rows)], codes[len(rows):]
    history = history.assign(patient_pseudonym=hist_pid)
    keys = pd.DataFrame({"pid": rows_pid, "k": (day - DAY).to_numpy()})
    for name, values in _history(keys, history, day).items():
        f[name] = values
    kept = history[history["status"] != "cancelled"]
    f["pat_day_n"] = _same_day_known(rows_pid, day, booked, kept)
    moment = kept.groupby(["patient_pseudonym", "booked_at"]).size()  # booked together, in one go
    f["same_moment"] = moment.reindex(pd.MultiIndex.from_arrays([rows_pid, booked])).fillna(1).to_numpy()
    f["fut_known"] = f["booked_known"] - f["an"] - f["pat_day_n"]
    # the band's lower bound in years; flags 1/0 as stored; -1 where unknown (a feed without
    # them: a column of NaN only is one the booster cannot bin)
    band = rows["age_band"] if "age_band" in rows else pd.Series(None, index=rows.index, dtype=object)
    age = pd.to_numeric(band.astype("string").str.extract(r"^(\d+)", expand=False), errors="coerce")
    f["age"] = age.fillna(-1.0).to_numpy(dtype="float64")
    for flag in FLAGS:
        f[flag] = rows[flag].astype("float64").fillna(-1.0).to_numpy() if flag in rows else -1.0
    return f[list(FEATURES)]


def _same_day_known(rows_pid: np.ndarray, day: pd.Series, booked: pd.Series, kept: pd.DataFrame) -> np.ndarray:
    """Per row: the patient's appointments on the same day known when the row is scored, itself
    included: those booked before that day (known on its eve) plus, for a row booked on the day
    itself, the same-day bookings made up to its own booking instant (none made later)."""
    when = kept["booked_at"]
    early = when.isna() | (when < kept["appointment_date"])
    before = kept[early].groupby(["patient_pseudonym", "appointment_date"]).size()
    n_before = before.reindex(pd.MultiIndex.from_arrays([rows_pid, day])).fillna(0).to_numpy()
    late = kept[~early]
    own_late = (booked.notna() & (booked >= day)).to_numpy()
    if not own_late.any() or late.empty:
        return np.asarray(np.maximum(n_before + own_late, 1), dtype="float64")
    table = pd.DataFrame({"pid": late["patient_pseudonym"].to_numpy(), "d": late["appointment_date"].to_numpy(),
                          "t": late["booked_at"].astype("datetime64[ns]").to_numpy()}).sort_values("t", kind="stable")
    table["n"] = table.groupby(["pid", "d"]).cumcount() + 1
    table = table.groupby(["pid", "d", "t"], as_index=False)["n"].max()  # ties: booked at one instant
    q = pd.DataFrame({"pid": rows_pid[own_late], "d": day.to_numpy()[own_late],
                      "t": booked.to_numpy()[own_late].astype("datetime64[ns]"), "_i": np.flatnonzero(own_late)})
    m = pd.merge_asof(q.sort_values("t", kind="stable"), table.sort_values("t", kind="stable"), on="t",
                      by=["pid", "d"], direction="backward").sort_values("_i")
    n_late = np.zeros(len(rows_pid))
    n_late[m["_i"].to_numpy()] = m["n"].fillna(1).to_numpy()
    return np.asarray(np.maximum(n_before + n_late, 1), dtype="float64")


def _history(keys: pd.DataFrame, history: pd.DataFrame, day: pd.Series) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    known = labelled(history)[["patient_pseudonym", "appointment_date", "y", "lead_days"]].rename(
        columns={"patient_pseudonym": "pid", "appointment_date": "t"}).sort_values(["pid", "t"], kind="stable")
    known["sd"] = (known["lead_days"].fillna(1) <= 0).astype("int64")
    known["nsd_y"] = known["y"] * (1 - known["sd"])
    g = known.groupby("pid", sort=False)
    known["an"] = g.cumcount() + 1
    known["ans"] = g["y"].cumsum()
    known["p_sd"] = g["sd"].cumsum()
    known["p_nsd_y"] = g["nsd_y"].cumsum()
    per_day = known.groupby(["pid", "t"], as_index=False).agg(
        an=("an", "max"), ans=("ans", "max"), p_sd=("p_sd", "max"), p_nsd_y=("p_nsd_y", "max"), lasty=("y", "max"))
    m = _asof(keys, per_day, ["an", "ans", "p_sd", "p_nsd_y", "lasty"])
    an, ans = m["an"].fillna(0).to_numpy(), m["ans"].fillna(0).to_numpy()
    out["an"], out["ans"], out["arate"] = an, ans, (ans + 0.2) / (an + 1)
    out["lasty"] = m["lasty"].fillna(-1).to_numpy()
    out["since"] = (day.to_numpy() - m["t"].to_numpy()) / np.timedelta64(1, "D")
    out["since"] = np.nan_to_num(out["since"].astype("float64"), nan=999.0)
    out["p_sd"] = m["p_sd"].fillna(0).to_numpy()
    out["p_nsd"] = an - out["p_sd"]
    out["p_nsd_y"] = m["p_nsd_y"].fillna(0).to_numpy()
    out["p_nsd_rate"] = (out["p_nsd_y"] + 0.3) / (out["p_nsd"] + 1)
    bookings = pd.DataFrame({"pid": history["patient_pseudonym"].to_numpy(),
                             "t": history["booked_at"].dt.normalize().fillna(history["appointment_date"]).to_numpy()})
    counts = bookings.groupby(["pid", "t"]).size().rename("n").reset_index().sort_values(["pid", "t"])
    counts["booked_known"] = counts.groupby("pid")["n"].cumsum()
    counts["contacts"] = counts.groupby("pid").cumcount() + 1
    counts["first"] = counts.groupby("pid")["t"].transform("min")
    b = _asof(keys, counts[["pid", "t", "booked_known", "contacts", "first"]], ["booked_known", "contacts", "first"])
    out["booked_known"] = b["booked_known"].fillna(0).to_numpy()
    out["contacts"] = b["contacts"].fillna(0).to_numpy()
    tenure = (day.to_numpy() - b["first"].to_numpy()) / np.timedelta64(1, "D")
    out["tenure"] = np.nan_to_num(tenure.astype("float64"), nan=-1.0)
    return out


def _codes(values: pd.Series, vocab: list[str]) -> np.ndarray:
    lookup = {v: i for i, v in enumerate(vocab)}
    codes: np.ndarray = values.map(lookup).astype("float64").to_numpy()
    return codes


def vocabulary(rows: pd.DataFrame) -> dict[str, list[str]]:
    """Category values seen in training (clinic ids as text, appointment types), sorted."""
    return {"clinic": sorted(rows["clinic_id"].astype(str).unique().tolist()),
            "atype": sorted(rows["appointment_type"].fillna("").astype(str).unique().tolist())}
