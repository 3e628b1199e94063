"""Write a generated network through the storage layer the importers use.

Reference rows go through ``storage.reference.ensure_*``; every table with a natural key through
``storage.bulk.upsert_frame`` (so a second run of the same seed changes nothing); remittance
service lines and adjustments, which have no natural key, are replaced for the seed's
remittances, like the 835 importer writes them once per new remittance. One ``FeedLoad`` per
feed records the run (finished at generation time, except the planted stopped feed).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from devtools.seed import rows, rows_ops
from devtools.seed.generate import Network
from devtools.seed.planted import STOPPED_FEED
from devtools.seed.timeutil import days_to_dates
from storage.bulk import UpsertCounts, upsert_frame
from storage.bulk_values import column_values
from storage.models import (
    Appointment,
    ArSnapshot,
    Claim,
    FeedLoad,
    LedgerEntry,
    Remittance,
    RemittanceAdjustment,
    RemittanceServiceLine,
    ScheduleTemplate,
    Slot,
    utcnow,
)
from storage.reference import ensure_clinics, ensure_payers, ensure_providers

CHUNK = 250_000
#: the ``FeedLoad.feed`` names the seed records: each the name the importer of the same rows records
#: (``bot.ingest``: supply items "supply", stock counts and transactions "inventory", lots "lots"),
#: so freshness and "as of" read the same loads after a seed as after an import
FEEDS = ("appointments", "slots", "claims", "remittances", "ledger", "ar", "supply", "inventory", "lots",
         "coding_audits", "surveys", "compliance")
Tick = Callable[[str, int], None]


class Loader:
    """Writes one :class:`Network` in the caller's session (the caller commits)."""

    def __init__(self, session: Session, net: Network, pseudonyms: np.ndarray, tick: Tick) -> None:
        self.s, self.net, self.f, self.tick = session, net, net.frames, tick
        self.pseudonyms = pseudonyms
        self.now = utcnow()
        self.counts: dict[str, int] = {}
        self.loads: dict[str, FeedLoad] = {}

    def run(self) -> dict[str, int]:
        if self.s.connection().dialect.name == "sqlite":
            # a bigger page cache for this connection: index maintenance on multi-million-row
            # inserts stays in memory (the default is 2 MB)
            self.s.connection().exec_driver_sql("PRAGMA cache_size = -262144")
        self._feed_loads()
        self._reference()
        self._scheduling()
        self._revenue()
        self._operations()
        self._close_feed_loads()
        return self.counts

    # -- helpers -------------------------------------------------------------------------
    def _upsert(self, name: str, model: object, frame: pd.DataFrame, key: tuple[str, ...],
                feed: str | None) -> UpsertCounts:
        if feed is not None:
            frame = frame.assign(feed_load_id=self.loads[feed].id)
        total = UpsertCounts()
        for start in range(0, len(frame), CHUNK):
            part = frame.iloc[start:start + CHUNK]
            total = total + upsert_frame(self.s, model, part, key)
            self.tick(name, len(part))
        self.counts[name] = self.counts.get(name, 0) + len(frame)
        return total

    def _insert(self, name: str, model: object, frame: pd.DataFrame) -> None:
        """Plain bulk insert (tables without a natural key), via the storage value conversion."""
        table = model.__table__  # type: ignore[attr-defined]
        conn = self.s.connection()
        dialect = conn.dialect.name
        raw = conn.connection.dbapi_connection
        assert raw is not None  # a checked-out connection holds its DBAPI connection
        cols = list(frame.columns)
        names = ", ".join(f'"{c}"' for c in cols)
        for start in range(0, len(frame), CHUNK):
            part = frame.iloc[start:start + CHUNK]
            values = list(zip(*(column_values(part[c], table.c[c].type, dialect) for c in cols), strict=True))
            cur = raw.cursor()
            try:
                if dialect == "postgresql":
                    with cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                        for row in values:
                            copy.write_row(row)
                else:
                    cur.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" * len(cols))})',
                                    values)
            finally:
                cur.close()
            self.tick(name, len(part))
        self.counts[name] = self.counts.get(name, 0) + len(frame)

    def _id_map(self, column: object, id_column: object, where: object, keys: pd.Series) -> np.ndarray:
        found: dict[Any, Any] = dict(self.s.execute(select(column, id_column).where(where)).all())  # type: ignore[call-overload]
        return keys.map(found).to_numpy()

    # -- stages --------------------------------------------------------------------------
    def _feed_loads(self) -> None:
        p = self.net.params
        for feed in FEEDS:
            load = FeedLoad(feed=feed, source_name=f"seed {p.seed}: {p.clinics} clinics × {p.days} days",
                            file_format="generated", started_at=self.now)
            self.s.add(load)
            self.loads[feed] = load
        self.s.flush()

    def _reference(self) -> None:
        c, pr, py = self.f["clinics"], self.f["providers"], self.f["payers"]
        cmap = ensure_clinics(self.s, c[["key", "name", "timezone"]].to_dict("records"))
        self.clinic_ids = c["key"].map(cmap).to_numpy()
        self.zones = c["timezone"].to_numpy(dtype=object)
        provs = pr.assign(clinic_key=c["key"].to_numpy()[pr["clinic_ix"].to_numpy()])
        pmap = ensure_providers(self.s, provs[["key", "clinic_key", "name", "specialty"]].to_dict("records"))
        self.provider_ids = pr["key"].map(pmap).to_numpy()
        ymap = ensure_payers(self.s, py[["key", "name"]].to_dict("records"))
        self.payer_ids = pd.array([*py["key"].map(ymap).tolist(), pd.NA], dtype="Int64")  # [-1] -> NA
        self.counts.update({"clinics": len(c), "providers": len(pr), "payers": len(py)})

    def _scheduling(self) -> None:
        f = self.f
        self._upsert("schedule_templates", ScheduleTemplate, rows.templates(f["templates"], self.provider_ids),
                     ("provider_id", "weekday", "start_time"), None)
        self._upsert("slots", Slot, rows.slots(f["slots"], self.zones, self.clinic_ids, self.provider_ids),
                     ("source", "external_id"), "slots")
        self._upsert("appointments", Appointment, rows.appointments(
            f["appointments"], self.zones, self.clinic_ids, self.provider_ids, self.pseudonyms),
            ("source", "external_id"), "appointments")

    def _revenue(self) -> None:
        f = self.f
        claims = rows.claims(f["claims"], self.clinic_ids, self.provider_ids, self.payer_ids, self.pseudonyms)
        self._upsert("claims", Claim, claims, ("source", "external_id"), "claims")
        claim_ids = self._id_map(Claim.external_id, Claim.id, Claim.source == rows.SOURCE, claims["external_id"])
        payer_keys = self.f["payers"]["key"].to_numpy(dtype=object)
        remits = rows.remittances(f["remits"], f["claims"], payer_keys, self.clinic_ids,
                                  self.payer_ids, claim_ids)
        rem_counts = self._upsert("remittances", Remittance, remits, ("natural_key",), "remittances")
        rem_ids = self._id_map(Remittance.natural_key, Remittance.id, Remittance.id.is_not(None), remits["natural_key"])
        if rem_counts.updated or rem_counts.unchanged:  # a re-run: replace this seed's children
            for start in range(0, len(rem_ids), 20_000):
                part = [int(x) for x in rem_ids[start:start + 20_000]]
                self.s.execute(delete(RemittanceAdjustment).where(RemittanceAdjustment.remittance_id.in_(part)))
                self.s.execute(delete(RemittanceServiceLine).where(RemittanceServiceLine.remittance_id.in_(part)))
        sl = f["service_lines"]
        self._insert("remittance_service_lines", RemittanceServiceLine, pd.DataFrame({
            "remittance_id": rem_ids[sl["remit_ix"].to_numpy()], "line_number": sl["line_number"].to_numpy(),
            "procedure": sl["procedure"].to_numpy(), "charge_cents": sl["charge_cents"].to_numpy(),
            "paid_cents": sl["paid_cents"].to_numpy(), "is_denial": sl["is_denial"].to_numpy()}))
        adj = f["adjustments"]
        line_level = adj["line_number"].to_numpy() >= 0
        rid = rem_ids[adj["remit_ix"].to_numpy()]
        line_ids = np.full(len(adj), -1, dtype="int64")
        if line_level.any():
            wanted = set(rid[line_level].tolist())
            found = {(r, n): i for i, r, n in self.s.execute(select(
                RemittanceServiceLine.id, RemittanceServiceLine.remittance_id, RemittanceServiceLine.line_number)
                .where(RemittanceServiceLine.remittance_id.in_(wanted)))}
            line_ids[line_level] = [found[(r, n)] for r, n in zip(rid[line_level], adj["line_number"].to_numpy()[line_level], strict=True)]
        ids = pd.Series(pd.array(line_ids, dtype="Int64"))
        ids[~line_level] = pd.NA
        self._insert("remittance_adjustments", RemittanceAdjustment, pd.DataFrame({
            "remittance_id": rid, "service_line_id": ids, "group_code": adj["group_code"].to_numpy(),
            "carc": adj["carc"].to_numpy(), "rarcs": adj["rarcs"].to_numpy(),
            "amount_cents": adj["amount_cents"].to_numpy()}))
        clinic_keys = f["clinics"]["key"].to_numpy(dtype=object)
        self._upsert("ledger_entries", LedgerEntry, rows.ledger(f["ledger"], clinic_keys, payer_keys,
                                                                self.clinic_ids, self.payer_ids),
                     ("source", "external_id"), "ledger")
        ar = f["ar"]
        self._upsert("ar_snapshots", ArSnapshot, pd.DataFrame({
            "clinic_id": self.clinic_ids[ar["clinic_ix"].to_numpy()], "as_of_date": days_to_dates(ar["day"].to_numpy()),
            "net_ar_cents": ar["net_ar_cents"].to_numpy()}), ("clinic_id", "as_of_date"), "ar")

    def _operations(self) -> None:
        rows_ops.write(self)

    def _close_feed_loads(self) -> None:
        p = self.net.params
        ranges = {
            "appointments": ("appointments", "appt_day"), "slots": ("slots", "slot_day"),
            "claims": ("claims", "created_day"), "remittances": ("remits", "remit_day"),
            "ledger": ("ledger", "day"), "ar": ("ar", "day"), "inventory": ("inventory", "day"),
            "lots": ("lots", "received_day"), "coding_audits": ("coding_audits", "day"),
            "surveys": ("surveys", "day"), "compliance": ("compliance", "due_day"),
        }
        counted = {"appointments": "appointments", "slots": "slots", "claims": "claims", "remittances": "remittances",
                   "ledger": "ledger_entries", "ar": "ar_snapshots", "supply": "supply_items",
                   "inventory": "inventory_transactions",
                   "lots": "supply_lots", "coding_audits": "coding_audits", "surveys": "survey_responses",
                   "compliance": "compliance_items"}
        for feed, load in self.loads.items():
            n = self.counts.get(counted[feed], 0)
            load.rows_read = load.rows_imported = n
            days = self.f[ranges[feed][0]][ranges[feed][1]] if feed in ranges else None
            if days is not None and len(days):
                load.data_min_date = days_to_dates(np.array([days.min()])).dt.date.iloc[0]
                load.data_max_date = days_to_dates(np.array([days.max()])).dt.date.iloc[0]
            load.finished_at = utcnow()
            if feed == STOPPED_FEED and p.plant_events:
                load.started_at = self.now - timedelta(days=p.stopped_feed_days, minutes=3)
                load.finished_at = self.now - timedelta(days=p.stopped_feed_days)
        self.s.flush()
