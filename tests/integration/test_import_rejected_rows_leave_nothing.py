"""A rejected row leaves nothing behind: lots, stock counts and inventory transactions never create
a clinic (an item can only be at a stored clinic, so a clinic not stored means ``unknown_sku``),
and in the feeds that do create clinics, providers and payers (supply items, claims) only the
rows kept create them; ``new_clinic`` goes to the first kept row of a new clinic (SQLite and
PostgreSQL). docs/formats/README.md. Files are written here; lines counted by hand (header = 1).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.ingest.base import FeedImporter, ImportSummary
from bot.ingest.claims import ClaimsImporter
from bot.ingest.runner import run_import
from bot.ingest.supply import InventoryImporter, LotsImporter, StockImporter, SupplyItemsImporter
from storage.db import session_scope
from storage.models import Clinic, ImportIssue, Payer, Provider
from storage.reference import ensure_clinics


def load(sessions: sessionmaker[Session], importer: FeedImporter, path: Path, text: str) -> ImportSummary:
    path.write_text(text, encoding="utf-8")
    with session_scope(sessions) as s:
        return run_import(s, importer, path, progress=False, rejects_path=path.with_suffix(".rejects.csv"))


def issues_of(sessions: sessionmaker[Session], summary: ImportSummary) -> set[tuple[int, str]]:
    with session_scope(sessions) as s:
        return {(i.line, i.code) for i in s.scalars(
            select(ImportIssue).where(ImportIssue.feed_load_id == summary.feed_load_id))}


def keys(sessions: sessionmaker[Session], model: type) -> list[str]:
    with session_scope(sessions) as s:
        return sorted(s.scalars(select(model.key)))


@pytest.fixture
def with_item(sessions: sessionmaker[Session], tmp_path: Path) -> sessionmaker[Session]:
    """Clinic seaside (stored) with one supply item, GLV."""
    with session_scope(sessions) as s:
        ensure_clinics(s, [{"key": "seaside", "name": "Seaside", "timezone": "America/Denver"}])
    done = load(sessions, SupplyItemsImporter(), tmp_path / "items.csv",
                "clinic,sku,name,lead_time_days\nseaside,GLV,Gloves,3\n")
    assert (done.imported, done.rejected) == (1, 0)
    return sessions


FEEDS = {  # importer, header, rows: 2 unknown sku at a clinic not stored, 3 bad date there,
    # 4 unknown sku at seaside, 5 the good row
    "lots": (LotsImporter, "clinic,sku,lot_number,expiry_date,quantity_on_hand",
             ["harbor,GLV,L1,2027-01-31,10", "harbor,GLV,L2,2027-02-30,10", "seaside,MASK,L3,2027-01-31,5",
              "seaside,GLV,L4,2027-01-31,5"]),
    "stock": (StockImporter, "clinic,sku,count_date,on_hand",
              ["harbor,GLV,2026-12-01,10", "harbor,GLV,2026-12-32,10", "seaside,MASK,2026-12-01,5",
               "seaside,GLV,2026-12-01,5"]),
    "inventory": (InventoryImporter, "tx_id,clinic,sku,tx_date,kind,quantity",
                  ["T1,harbor,GLV,2026-12-01,usage,1", "T2,harbor,GLV,2026-12-32,usage,1",
                   "T3,seaside,MASK,2026-12-01,usage,1", "T4,seaside,GLV,2026-12-01,usage,1"]),
}


@pytest.mark.parametrize("feed", sorted(FEEDS))
def test_rows_naming_items_create_no_clinic(with_item: sessionmaker[Session], tmp_path: Path, feed: str) -> None:
    make, header, rows = FEEDS[feed]
    summary = load(with_item, make(), tmp_path / f"{feed}.csv", "\n".join([header, *rows]) + "\n")
    assert (summary.read, summary.imported, summary.rejected, summary.warned) == (4, 1, 3, 0)
    found = issues_of(with_item, summary)
    assert {(2, "unknown_sku"), (4, "unknown_sku")} <= found and {line for line, _ in found} == {2, 3, 4}
    assert not any(code == "new_clinic" for _, code in found)
    assert keys(with_item, Clinic) == ["seaside"]


def test_rejected_item_rows_create_no_clinic_and_new_clinic_goes_to_a_kept_row(
        sessions: sessionmaker[Session], tmp_path: Path) -> None:
    summary = load(sessions, SupplyItemsImporter(), tmp_path / "items.csv",
                   "clinic,sku,name,lead_time_days,service_level\n"
                   "harbor,GLV,Gloves,3,1.5\n"  # 2: bad service level at a new clinic: rejected
                   "bay,GLV,Gloves,3,0.95\n"  # 3: bay, new, kept
                   "cove,GLV,Gloves,-1,0.95\n"  # 4: cove, negative lead time: rejected
                   "cove,MASK,Masks,2,0.9\n")  # 5: cove kept: it is created here
    assert (summary.read, summary.imported, summary.rejected, summary.warned) == (4, 2, 2, 2)
    found = issues_of(sessions, summary)
    assert {(line, code) for line, code in found if code == "new_clinic"} == {(3, "new_clinic"), (5, "new_clinic")}
    assert keys(sessions, Clinic) == ["bay", "cove"]


def test_rejected_claim_creates_no_clinic_provider_or_payer(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    summary = load(sessions, ClaimsImporter("k"), tmp_path / "claims.csv",
                   "claim_id,clinic,provider,payer,service_date,created_date,charge\n"
                   "C1,harbor,dr-x,acme,2026-02-30,2026-03-01,10\n"  # 2: no such date: rejected
                   "C2,bay,dr-y,zeta,2026-03-01,2026-03-01,10\n")  # 3: kept
    assert (summary.read, summary.imported, summary.rejected, summary.warned) == (2, 1, 1, 1)
    assert (3, "new_clinic") in issues_of(sessions, summary)
    assert (keys(sessions, Clinic), keys(sessions, Provider), keys(sessions, Payer)) == (["bay"], ["dr-y"], ["zeta"])
