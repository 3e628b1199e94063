"""Canonical CSV feeds on SQLite and PostgreSQL: stored values, bad rows by line, idempotence.

Expected values are read off the literal CSV text in each test.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.ingest.base import FeedImporter, ImportSummary
from bot.ingest.coding_audits import CodingAuditsImporter
from bot.ingest.ledger import ArImporter, LedgerImporter
from bot.ingest.runner import run_import
from bot.ingest.slots import SlotsImporter
from bot.ingest.supply import InventoryImporter, LotsImporter, StockImporter, SupplyItemsImporter
from bot.ingest.surveys import SurveysImporter
from storage.db import session_scope
from storage.models import (
    ArSnapshot,
    Claim,
    CodingAudit,
    FeedLoad,
    InventoryTransaction,
    LedgerEntry,
    Slot,
    StockCount,
    SupplyItem,
    SupplyLot,
    SurveyResponse,
)


def load(sessions: sessionmaker[Session], importer: FeedImporter, tmp_path: Path, name: str, text: str) -> ImportSummary:
    path = tmp_path / f"{name}.csv"
    path.write_text(text)
    with session_scope(sessions) as s:
        return run_import(s, importer, path, progress=False, rejects_path=tmp_path / f"{name}.rejects.csv")


def rejected_lines(summary: ImportSummary) -> list[int]:
    return sorted({i.line for i in summary.first_issues if i.severity == "reject"})


CLAIMS = """claim_id,patient_control_number,clinic,provider,payer,payer_name,patient_id,service_date,created_date,submitted_date,charge,scrubber_edits,manually_touched
C1,PCN1,north,dr-a,aetna,Aetna,P1,2026-03-02,2026-03-03,2026-03-04,200.00,0,false
C2,PCN2,north,dr-a,aetna,Aetna,P2,2026-03-02,2026-03-03,2026-03-04,"$1,150.5",2,yes
C3,PCN3,north,,,,,2026-03-02,2026-03-03,,75,0,true
C4,,north,,,,,2026-03-02,2026-03-03,,abc,0,
C1,,north,,,,,2026-03-02,2026-03-03,,5,0,
"""


def test_claims(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    from bot.ingest.claims import ClaimsImporter

    summary = load(sessions, ClaimsImporter("secret"), tmp_path, "claims", CLAIMS)
    assert (summary.imported, summary.rejected, rejected_lines(summary)) == (3, 2, [5, 6])
    with session_scope(sessions) as s:
        rows = s.execute(select(Claim.external_id, Claim.charge_cents, Claim.scrubber_edits, Claim.manually_touched,
                                Claim.clean, Claim.patient_pseudonym).order_by(Claim.external_id)).all()
    assert [r[:5] for r in rows] == [("C1", 20000, 0, False, True), ("C2", 115050, 2, True, False),
                                     ("C3", 7500, 0, True, False)]
    assert len(rows[0].patient_pseudonym) == 32 and rows[0].patient_pseudonym != "P1" and rows[2].patient_pseudonym is None
    again = load(sessions, ClaimsImporter("secret"), tmp_path, "claims", CLAIMS)
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 3)


def test_ledger_and_ar(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    ledger = ("entry_id,clinic,payer,posted_date,kind,amount,at_service\n"
              "L1,north,aetna,2026-03-02,charge,400.00,\n"
              "L2,north,,2026-03-03,patient_payment,25,true\n"
              "L3,north,,2026-03-03,write off,10,\n"
              "L4,north,,2026-03-03,refund,-5,\n")
    summary = load(sessions, LedgerImporter(), tmp_path, "ledger", ledger)
    assert (summary.imported, rejected_lines(summary)) == (2, [4, 5])
    ar = "clinic,as_of_date,net_ar\nnorth,2026-03-31,450000\nnorth,2026-03-31,1\nnorth,2026-04-30,-12.5\n"
    summary = load(sessions, ArImporter(), tmp_path, "ar", ar)
    assert (summary.imported, rejected_lines(summary)) == (2, [3])  # same clinic and day twice
    with session_scope(sessions) as s:
        assert s.execute(select(LedgerEntry.kind, LedgerEntry.amount_cents, LedgerEntry.at_service)
                         .order_by(LedgerEntry.external_id)).all() == [("charge", 40000, None),
                                                                       ("patient_payment", 2500, True)]
        assert s.scalars(select(ArSnapshot.net_ar_cents).order_by(ArSnapshot.as_of_date)).all() == [45000000, -1250]
        assert {f for f in s.scalars(select(FeedLoad.feed))} == {"ledger", "ar"}


def test_supply_feeds(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    items = ("clinic,sku,name,unit,unit_cost,lead_time_days,lead_time_sd_days,service_level,critical\n"
             "north,GLV-M,Gloves M,box,12.50,14,2,0.95,yes\n"
             "north,SYR-3,Syringe 3 ml,each,0.31,7,,,\n"
             "north,BAD,Bad level,each,1,7,,95,\n")
    summary = load(sessions, SupplyItemsImporter(), tmp_path, "items", items)
    assert (summary.imported, rejected_lines(summary)) == (2, [4])
    lots = "clinic,sku,lot_number,expiry_date,quantity_on_hand\nnorth,GLV-M,L1,2026-09-30,40\nnorth,NOPE,L2,2026-09-30,1\n"
    assert rejected_lines(load(sessions, LotsImporter(), tmp_path, "lots", lots)) == [3]
    stock = "clinic,sku,count_date,on_hand\nnorth,GLV-M,2026-03-01,38\nnorth,SYR-3,2026-03-01,-1\n"
    assert rejected_lines(load(sessions, StockImporter(), tmp_path, "stock", stock)) == [3]
    inv = ("tx_id,clinic,sku,lot_number,tx_date,kind,quantity\n"
           "T1,north,GLV-M,L1,2026-03-02,usage,3\nT2,north,SYR-3,,2026-03-02,adjustment,-2\n"
           "T3,north,SYR-3,,2026-03-02,usage,0\nT4,north,GLV-M,L9,2026-03-02,receipt,10\n")
    summary = load(sessions, InventoryImporter(), tmp_path, "inv", inv)
    assert (summary.imported, rejected_lines(summary)) == (3, [4])
    assert summary.issue_counts.get("warning unknown_lot") == 1
    with session_scope(sessions) as s:
        item = s.scalars(select(SupplyItem).where(SupplyItem.sku == "GLV-M")).one()
        assert (item.unit_cost_cents, item.lead_time_days, item.lead_time_sd_days, item.critical) == (1250, 14.0, 2.0, True)
        assert s.scalar(select(SupplyItem.service_level).where(SupplyItem.sku == "SYR-3")) == 0.95
        assert s.scalar(select(SupplyLot.quantity_on_hand)) == 40.0
        assert s.scalar(select(StockCount.on_hand)) == 38.0
        txs = s.execute(select(InventoryTransaction.external_id, InventoryTransaction.quantity,
                               InventoryTransaction.lot_id.is_not(None)).order_by(InventoryTransaction.external_id)).all()
        assert txs == [("T1", 3.0, True), ("T2", -2.0, False), ("T4", 10.0, False)]


def test_coding_audits_and_surveys(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    audits = ("audit_id,clinic,provider,audit_date,codes_audited,codes_matched\n"
              "A1,north,dr-a,2026-03-05,50,47\nA2,north,,2026-03-05,10,11\nA3,north,,2026-03-05,0,0\n")
    assert rejected_lines(load(sessions, CodingAuditsImporter(), tmp_path, "audits", audits)) == [3, 4]
    surveys = ("response_id,clinic,response_date,provider_rating,patient_id\n"
               "S1,north,2026-03-06,10,P1\nS2,north,2026-03-06,11,\nS3,north,2026-03-06,8.5,\nS4,north,2026-03-07,0,\n")
    assert rejected_lines(load(sessions, SurveysImporter("secret"), tmp_path, "surveys", surveys)) == [3, 4]
    with session_scope(sessions) as s:
        assert s.execute(select(CodingAudit.codes_audited, CodingAudit.codes_matched, CodingAudit.method)).all() == [
            (50, 47, "code-over-code")]
        assert s.scalars(select(SurveyResponse.provider_rating).order_by(SurveyResponse.external_id)).all() == [10, 0]


def test_slots_local_times(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    slots = ("slot_id,clinic,provider,start_at,duration_minutes,appointment_type,state,created_at,booked_at\n"
             "S1,north,dr-a,2026-03-02T09:00,20,follow-up,booked,2026-02-01T08:00,2026-02-10T10:00\n"
             "S2,north,dr-a,2026-03-02T23:30:00Z,20,follow-up,free,,\n"
             "S3,north,dr-a,2026-03-02,20,follow-up,free,,\n"
             "S4,north,dr-a,2026-03-02T09:20,20,follow-up,held,,\n")
    summary = load(sessions, SlotsImporter(timezones={"north": "America/New_York"}), tmp_path, "slots", slots)
    assert (summary.imported, rejected_lines(summary)) == (2, [4, 5])
    with session_scope(sessions) as s:
        rows = s.execute(select(Slot.external_id, Slot.slot_date, Slot.start_at, Slot.booked_at).order_by(Slot.external_id)).all()
    # 09:00 EST = 14:00 UTC; 23:30 UTC on 2 March is 18:30 local, still 2 March
    assert rows == [("S1", date(2026, 3, 2), datetime(2026, 3, 2, 14, 0), datetime(2026, 2, 10, 15, 0)),
                    ("S2", date(2026, 3, 2), datetime(2026, 3, 2, 23, 30), None)]
