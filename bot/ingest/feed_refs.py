"""Key → id resolution for the canonical CSV feeds (one query per chunk, never per row).

Clinics, providers and payers are created on first sight (``storage.reference.ensure_*``);
supply items and lots must already exist (an unknown SKU cannot be given a lead time), and so
must the clinics they are looked up in (:func:`stored_clinic_ids`: a feed naming items creates no clinic).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from storage.models import Clinic, SupplyItem, SupplyLot
from storage.reference import ensure_clinics, ensure_payers, ensure_providers


def _pairs(keys: pd.Series, names: pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame({"key": keys, "name": names}).dropna(subset=["key"]).drop_duplicates("key")
    frame["name"] = frame["name"].fillna(frame["key"])
    return frame


def clinic_ids(session: Session, keys: pd.Series, names: pd.Series,
               timezones: Mapping[str, str] | None = None, default_timezone: str | None = None) -> pd.Series:
    """Clinic id per row (Int64, NA where the key is empty); new clinics get the org-file zone."""
    zones = dict(timezones or {})
    rows = [{"key": k, "name": n, "timezone": zones.get(k) or default_timezone or "UTC"}
            for k, n in _pairs(keys, names).itertuples(index=False)]
    return keys.map(ensure_clinics(session, rows) if rows else {}).astype("Int64")


def stored_clinic_ids(session: Session, keys: pd.Series) -> pd.Series:
    """Clinic id per row among the stored clinics only (Int64, NA where empty or not stored); creates nothing."""
    wanted = [str(k) for k in keys.dropna().unique()]
    found = dict(session.execute(select(Clinic.key, Clinic.id).where(Clinic.key.in_(wanted))).all()) if wanted else {}
    return keys.map(found).astype("Int64")


def provider_ids(session: Session, keys: pd.Series, names: pd.Series, clinic_keys: pd.Series) -> pd.Series:
    frame = pd.DataFrame({"key": keys, "name": names, "clinic_key": clinic_keys}).dropna(subset=["key", "clinic_key"])
    if frame.empty:
        return pd.Series(pd.NA, index=keys.index, dtype="Int64")
    frame["name"] = frame["name"].fillna(frame["key"])
    return keys.map(ensure_providers(session, frame.drop_duplicates("key").to_dict("records"))).astype("Int64")


def payer_ids(session: Session, keys: pd.Series, names: pd.Series) -> pd.Series:
    rows = _pairs(keys, names).to_dict("records")
    return keys.map(ensure_payers(session, rows) if rows else {}).astype("Int64")


def clinic_zones(session: Session, keys: pd.Series, timezones: Mapping[str, str],
                 default_timezone: str | None) -> pd.Series:
    """IANA zone per row: organisation file, else the stored clinic, else ``default_timezone``."""
    wanted = [k for k in keys.dropna().unique() if k not in timezones]
    stored = dict(session.execute(select(Clinic.key, Clinic.timezone).where(Clinic.key.in_(wanted))).all()) if wanted else {}
    known = {**stored, **timezones}
    return keys.map(lambda k: known.get(k, default_timezone))


def item_ids(session: Session, clinic_id: pd.Series, sku: pd.Series) -> pd.Series:
    """Supply item id per (clinic id, SKU) row; NA when no such item exists."""
    pairs = {(int(c), s) for c, s in zip(clinic_id, sku, strict=True) if pd.notna(c) and pd.notna(s)}
    if not pairs:
        return pd.Series(pd.NA, index=sku.index, dtype="Int64")
    found = {(c, s): i for i, c, s in session.execute(select(SupplyItem.id, SupplyItem.clinic_id, SupplyItem.sku)
                                                      .where(tuple_(SupplyItem.clinic_id, SupplyItem.sku).in_(pairs)))}
    return pd.Series([found.get((int(c), s)) if pd.notna(c) else None for c, s in zip(clinic_id, sku, strict=True)],
                     index=sku.index, dtype="Int64")


def lot_ids(session: Session, item_id: pd.Series, lot: pd.Series) -> pd.Series:
    pairs = {(int(i), n) for i, n in zip(item_id, lot, strict=True) if pd.notna(i) and pd.notna(n)}
    if not pairs:
        return pd.Series(pd.NA, index=lot.index, dtype="Int64")
    found = {(i, n): lid for lid, i, n in session.execute(select(SupplyLot.id, SupplyLot.item_id, SupplyLot.lot_number)
                                                          .where(tuple_(SupplyLot.item_id, SupplyLot.lot_number).in_(pairs)))}
    return pd.Series([found.get((int(i), n)) if pd.notna(i) else None for i, n in zip(item_id, lot, strict=True)],
                     index=lot.index, dtype="Int64")
