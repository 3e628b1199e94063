"""Net A/R per calendar day (``kpi_daily`` component ``net-ar``), what days in A/R divides.

For every day from the first to the last A/R snapshot: each clinic's latest snapshot on or
before the day (clinic grain, ``n`` = net A/R cents, ``d`` = ``d_rows`` = 1) and their sum over
the clinics that have one (network grain, ``d`` = how many). ``bot.kpi.revenue_windows`` then
reads one row per trend point instead of seeking every clinic's snapshot.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.models import ArSnapshot
from storage.models.rollups import KpiDaily
from storage.rollups_slots import _write

COMPONENT = "net-ar"


def refresh_net_ar(session: Session) -> int:
    """Recompute the ``net-ar`` rows from all snapshots. Returns rows written."""
    session.execute(delete(KpiDaily).where(KpiDaily.component == COMPONENT))
    snaps = pd.DataFrame(session.execute(select(ArSnapshot.clinic_id, ArSnapshot.as_of_date,
                                                ArSnapshot.net_ar_cents)).all(),
                         columns=["clinic_id", "day", "cents"])
    if snaps.empty:
        return 0
    snaps["day"] = pd.to_datetime(snaps["day"])
    wide = snaps.pivot(index="day", columns="clinic_id", values="cents").astype(float)
    wide = wide.reindex(pd.date_range(wide.index.min(), wide.index.max(), freq="D")).ffill()
    clinics = wide.stack().rename("n").reset_index()  # stack drops the days before a clinic's first snapshot
    clinics.columns = ["day", "clinic_id", "n"]
    network = pd.DataFrame({"day": wide.index, "n": wide.sum(axis=1, min_count=1).to_numpy(),
                            "d": wide.notna().sum(axis=1).to_numpy()}).dropna(subset=["n"])
    rows = pd.concat([
        pd.DataFrame({"grain": "clinic", "clinic_id": clinics["clinic_id"].astype("Int64"), "day": clinics["day"],
                      "n": clinics["n"], "d": 1.0, "d_rows": 1}),
        pd.DataFrame({"grain": "network", "clinic_id": pd.array([None] * len(network), dtype="Int64"),
                      "day": network["day"], "n": network["n"], "d": network["d"].astype(float),
                      "d_rows": network["d"].astype(int)}),
    ], ignore_index=True)
    rows.insert(0, "component", COMPONENT)
    rows["key_id"] = pd.array([None] * len(rows), dtype="Int64")
    _write(session, KpiDaily.__table__, rows)
    return len(rows)
