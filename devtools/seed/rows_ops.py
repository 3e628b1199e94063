"""Write the operations tables (inventory, compliance, coding audits, surveys) for a
:class:`devtools.seed.load.Loader` (anything with the :class:`Target` fields)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from devtools.seed.rows import SOURCE, ext_ids
from devtools.seed.timeutil import days_to_dates
from storage.bulk import UpsertCounts
from storage.models import (
    CodingAudit,
    ComplianceItem,
    InventoryTransaction,
    StockCount,
    SupplyItem,
    SupplyLot,
    SurveyResponse,
)


class Target(Protocol):
    """What :func:`write` uses of the loader: its session, the network's frames, the ids of the
    clinics and providers written so far, the patient pseudonyms and its chunked upsert."""

    @property
    def s(self) -> Session: ...

    @property
    def f(self) -> Mapping[str, pd.DataFrame]: ...

    @property
    def clinic_ids(self) -> np.ndarray: ...

    @property
    def provider_ids(self) -> np.ndarray: ...

    @property
    def pseudonyms(self) -> np.ndarray: ...

    def _upsert(self, name: str, model: object, frame: pd.DataFrame, key: tuple[str, ...],
                feed: str | None) -> UpsertCounts: ...


def _dates_or_null(days: np.ndarray) -> pd.Series:
    out = days_to_dates(np.maximum(days, 0))
    out[np.asarray(days) < 0] = pd.NaT
    return out


def write(ld: Target) -> None:
    f = ld.f
    items = f["supply_items"]
    frame = pd.DataFrame({
        "clinic_id": ld.clinic_ids[items["clinic_ix"].to_numpy()], "sku": items["sku"].to_numpy(),
        "name": items["name"].to_numpy(), "unit": items["unit"].to_numpy(),
        "unit_cost_cents": items["unit_cost_cents"].to_numpy(), "lead_time_days": items["lead_time_days"].astype(float),
        "lead_time_sd_days": items["lead_time_sd_days"].astype(float), "service_level": items["service_level"],
        "par_level": items["par_level"].round(1), "critical": items["critical"].to_numpy()})
    ld._upsert("supply_items", SupplyItem, frame, ("clinic_id", "sku"), None)
    found = {(c, s): i for i, c, s in ld.s.execute(select(SupplyItem.id, SupplyItem.clinic_id, SupplyItem.sku))}
    item_ids = np.array([found[(int(c), s)] for c, s in zip(frame["clinic_id"], frame["sku"], strict=True)])

    lots = f["lots"]
    lot_frame = pd.DataFrame({
        "item_id": item_ids[lots["item_ix"].to_numpy()], "lot_number": lots["lot_number"].to_numpy(),
        "expiry_date": days_to_dates(lots["expiry_day"].to_numpy()),
        "quantity_on_hand": lots["quantity_on_hand"].astype(float),
        "received_date": days_to_dates(lots["received_day"].to_numpy())})
    ld._upsert("supply_lots", SupplyLot, lot_frame, ("item_id", "lot_number"), None)
    wanted = set(lot_frame["item_id"].tolist())
    lot_found = {(it, n): i for i, it, n in ld.s.execute(
        select(SupplyLot.id, SupplyLot.item_id, SupplyLot.lot_number).where(SupplyLot.item_id.in_(wanted)))}
    lot_ids = np.array([lot_found[(int(it), n)] for it, n in zip(lot_frame["item_id"], lot_frame["lot_number"], strict=True)])

    tx = f["inventory"]
    ld._upsert("inventory_transactions", InventoryTransaction, pd.DataFrame({
        "source": SOURCE, "external_id": ext_ids("I", np.arange(len(tx))),
        "item_id": item_ids[tx["item_ix"].to_numpy()], "lot_id": lot_ids[tx["lot_ix"].to_numpy()],
        "tx_date": days_to_dates(tx["day"].to_numpy()), "kind": tx["kind"].to_numpy(),
        "quantity": tx["quantity"].astype(float)}), ("source", "external_id"), "inventory")
    counts = f["stock_counts"]
    ld._upsert("stock_counts", StockCount, pd.DataFrame({
        "item_id": item_ids[counts["item_ix"].to_numpy()], "count_date": days_to_dates(counts["day"].to_numpy()),
        "on_hand": counts["on_hand"].astype(float)}), ("item_id", "count_date"), "inventory")

    comp = f["compliance"]
    ld._upsert("compliance_items", ComplianceItem, pd.DataFrame({
        "clinic_id": ld.clinic_ids[comp["clinic_ix"].to_numpy()], "key": comp["key"].to_numpy(),
        "kind": comp["kind"].to_numpy(), "title": comp["title"].to_numpy(), "owner": comp["owner"].to_numpy(),
        "due_date": days_to_dates(comp["due_day"].to_numpy()), "recurrence_months": comp["recurrence_months"].to_numpy(),
        "status": comp["status"].to_numpy(), "completed_date": _dates_or_null(comp["completed_day"].to_numpy()),
        "corrective_action_due": _dates_or_null(comp["corrective_day"].to_numpy())}), ("clinic_id", "key"), None)

    audits = f["coding_audits"]
    pkeys = f["providers"]["key"].to_numpy(dtype=object)[audits["provider_ix"].to_numpy()]
    month = days_to_dates(audits["day"].to_numpy()).dt.strftime("%Y-%m")
    ld._upsert("coding_audits", CodingAudit, pd.DataFrame({
        "source": SOURCE, "external_id": "CA-" + pd.Series(pkeys) + "-" + month,
        "clinic_id": ld.clinic_ids[audits["clinic_ix"].to_numpy()],
        "provider_id": ld.provider_ids[audits["provider_ix"].to_numpy()],
        "audit_date": days_to_dates(audits["day"].to_numpy()), "codes_audited": audits["codes_audited"].to_numpy(),
        "codes_matched": audits["codes_matched"].to_numpy(), "method": "code-over-code"}),
        ("source", "external_id"), "coding_audits")

    sv = f["surveys"]
    ld._upsert("survey_responses", SurveyResponse, pd.DataFrame({
        "source": SOURCE, "external_id": ext_ids("SV", sv["appt_ix"].to_numpy()),
        "clinic_id": ld.clinic_ids[sv["clinic_ix"].to_numpy()], "provider_id": ld.provider_ids[sv["provider_ix"].to_numpy()],
        "response_date": days_to_dates(sv["day"].to_numpy()), "provider_rating": sv["rating"].to_numpy(),
        "patient_pseudonym": ld.pseudonyms[sv["patient_ix"].to_numpy()]}), ("source", "external_id"), "surveys")
