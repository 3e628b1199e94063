"""Supply feeds: items (docs/formats/supply-items.md), lots (lots.md), stock counts (stock.md)
and daily inventory transactions (inventory.md). Lots, counts and transactions name an item by
(clinic, sku); an unknown SKU is rejected (load the items first).
"""

from __future__ import annotations

from typing import ClassVar

import pandas as pd
from sqlalchemy.orm import Session

from bot.ingest.feed_fields import Fields, validate_frame_with
from bot.ingest.feed_refs import item_ids, lot_ids, stored_clinic_ids
from bot.ingest.issues import ChunkIssues
from bot.ingest.keyed import ClinicFeedImporter
from storage.bulk import UpsertCounts, upsert_frame
from storage.models import InventoryTransaction, StockCount, SupplyItem, SupplyLot

TX_KINDS = {"usage", "receipt", "expired", "adjustment"}


def _item_columns(f: Fields, out: pd.DataFrame) -> None:
    out["clinic"] = f.text("clinic", required=True)
    out["clinic_name"] = f.text("clinic_name", 200)
    out["sku"] = f.text("sku", required=True)


def parse_items(frame: pd.DataFrame, issues: ChunkIssues) -> pd.DataFrame:
    f = Fields(frame, issues)
    out = pd.DataFrame(index=frame.index)
    _item_columns(f, out)
    out["name"] = f.text("name", 200, required=True)
    out["unit"] = f.text("unit", 32).fillna("each")
    out["unit_cost_cents"] = f.money_cents("unit_cost", required=False).fillna(0)
    out["lead_time_days"] = f.number("lead_time_days", minimum=0)
    out["lead_time_sd_days"] = f.number("lead_time_sd_days", required=False, minimum=0).fillna(0.0)
    level = f.number("service_level", required=False)
    bad = level.notna() & ~level.between(0, 1, inclusive="neither")
    issues.reject(bad, "invalid_service_level", "service_level must be a probability between 0 and 1 (e.g. 0.95)")
    out["service_level"] = level.fillna(0.95)
    out["par_level"] = f.number("par_level", required=False, minimum=0)
    out["critical"] = f.flag("critical", default=False)
    return out


def parse_lots(frame: pd.DataFrame, issues: ChunkIssues) -> pd.DataFrame:
    f = Fields(frame, issues)
    out = pd.DataFrame(index=frame.index)
    _item_columns(f, out)
    out["lot_number"] = f.text("lot_number", required=True)
    out["expiry_date"] = f.date("expiry_date")
    out["quantity_on_hand"] = f.number("quantity_on_hand", minimum=0)
    out["received_date"] = f.date("received_date", required=False)
    return out


def parse_stock(frame: pd.DataFrame, issues: ChunkIssues) -> pd.DataFrame:
    f = Fields(frame, issues)
    out = pd.DataFrame(index=frame.index)
    _item_columns(f, out)
    out["count_date"] = f.date("count_date")
    out["on_hand"] = f.number("on_hand", minimum=0)
    return out


def parse_inventory(frame: pd.DataFrame, issues: ChunkIssues) -> pd.DataFrame:
    f = Fields(frame, issues)
    out = pd.DataFrame(index=frame.index)
    out["external_id"] = f.text("tx_id", required=True)
    _item_columns(f, out)
    out["lot_number"] = f.text("lot_number")
    out["tx_date"] = f.date("tx_date")
    out["kind"] = f.code("kind", TX_KINDS)
    out["quantity"] = f.number("quantity")
    signed = out["kind"].eq("adjustment")
    issues.reject(~signed & out["quantity"].le(0).fillna(False), "invalid_quantity",
                  "quantity must be positive (only an adjustment is signed)")
    issues.reject(signed & out["quantity"].eq(0).fillna(False), "invalid_quantity", "an adjustment of 0 changes nothing")
    return out


def validate_items_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    return validate_frame_with(parse_items, frame)


def validate_lots_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    return validate_frame_with(parse_lots, frame)


def validate_stock_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    return validate_frame_with(parse_stock, frame)


def validate_inventory_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    return validate_frame_with(parse_inventory, frame)


class _SupplyImporter(ClinicFeedImporter):
    creates: ClassVar[tuple[str, ...]] = ()  # items name a stored clinic; only SupplyItemsImporter creates one

    def _item_ids(self, session: Session, p: pd.DataFrame, issues: ChunkIssues) -> pd.Series:
        """Supply item id per row (lots, stock, inventory), looked up and never created: a clinic
        not stored yet has no item, so its rows are ``unknown_sku`` and no clinic is created."""
        ids = item_ids(session, stored_clinic_ids(session, p["clinic"]), p["sku"])
        unknown = p["sku"].notna() & p["clinic"].notna() & ids.isna()
        issues.reject(unknown, "unknown_sku", "no supply item with this sku at this clinic; import supply items first")
        return ids

    def load(self, session: Session, frame: pd.DataFrame) -> UpsertCounts:
        if "feed_load_id" not in self.model.__table__.c:
            frame = frame.drop(columns=["feed_load_id"])
        return upsert_frame(session, self.model, frame, self.natural_key)


class SupplyItemsImporter(_SupplyImporter):
    feed = "supply"
    noun = ("supply item", "supply items")
    model = SupplyItem
    natural_key = ("clinic_id", "sku")
    formats = {"canonical": ("clinic", "sku", "name", "lead_time_days")}
    creates = ("clinic",)

    def validate(self, chunk: pd.DataFrame, issues: ChunkIssues, session: Session) -> pd.DataFrame:  # type: ignore[override]  # validate_uses_session: always given one
        return self.clinics.apply(parse_items(chunk, issues), issues, session)  # ids: create_references


class LotsImporter(_SupplyImporter):
    feed = "lots"
    noun = ("lot", "lots")
    model = SupplyLot
    natural_key = ("item_id", "lot_number")
    date_column = "expiry_date"
    formats = {"canonical": ("clinic", "sku", "lot_number", "expiry_date", "quantity_on_hand")}

    def validate(self, chunk: pd.DataFrame, issues: ChunkIssues, session: Session) -> pd.DataFrame:  # type: ignore[override]  # validate_uses_session: always given one
        p = self.clinics.apply(parse_lots(chunk, issues), issues, session)
        out = p[["lot_number", "expiry_date", "quantity_on_hand", "received_date"]].copy()
        out.insert(0, "item_id", self._item_ids(session, p, issues))
        return out


class StockImporter(_SupplyImporter):
    feed = "inventory"
    noun = ("stock count", "stock counts")
    model = StockCount
    natural_key = ("item_id", "count_date")
    date_column = "count_date"
    formats = {"canonical": ("clinic", "sku", "count_date", "on_hand")}

    def validate(self, chunk: pd.DataFrame, issues: ChunkIssues, session: Session) -> pd.DataFrame:  # type: ignore[override]  # validate_uses_session: always given one
        p = self.clinics.apply(parse_stock(chunk, issues), issues, session)
        out = p[["count_date", "on_hand"]].copy()
        out.insert(0, "item_id", self._item_ids(session, p, issues))
        return out


class InventoryImporter(_SupplyImporter):
    feed = "inventory"
    noun = ("inventory transaction", "inventory transactions")
    model = InventoryTransaction
    date_column = "tx_date"
    formats = {"canonical": ("tx_id", "clinic", "sku", "tx_date", "kind", "quantity")}

    def validate(self, chunk: pd.DataFrame, issues: ChunkIssues, session: Session) -> pd.DataFrame:  # type: ignore[override]  # validate_uses_session: always given one
        p = self.clinics.apply(parse_inventory(chunk, issues), issues, session)
        out = p[["external_id", "tx_date", "kind", "quantity"]].copy()
        out = self.with_source(out)
        out["item_id"] = self._item_ids(session, p, issues)
        out["lot_id"] = lot_ids(session, out["item_id"], p["lot_number"])
        unknown = p["lot_number"].notna() & out["item_id"].notna() & out["lot_id"].isna()
        issues.warn(unknown, "unknown_lot", "lot_number matches no imported lot; kept without the lot")
        return out
