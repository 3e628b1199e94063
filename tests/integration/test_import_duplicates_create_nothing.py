"""A row rejected as ``duplicate_id`` creates nothing: no clinic, provider or payer it names, and
no ``new_clinic`` warning on its line (SQLite and PostgreSQL). docs/formats/README.md: a rejected
row is not imported, and the duplicate check is one of the checks. Files are written here; lines
counted by hand (header = 1): line 2 is kept at clinic bay (provider dr-y, payer zeta), line 3
repeats its id and names clinic harbor, provider dr-x, payer acme, none of them stored.

Supply items and A/R snapshots have the clinic in their natural key, so their duplicate names the
same clinic: there the clinic's name must come from the kept row. Lots, stock counts and inventory
transactions create no clinic at all (tests/integration/test_import_rejected_rows_leave_nothing.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.ingest.appointments import AppointmentsImporter
from bot.ingest.base import FeedImporter
from bot.ingest.claims import ClaimsImporter
from bot.ingest.coding_audits import CodingAuditsImporter
from bot.ingest.ledger import ArImporter, LedgerImporter
from bot.ingest.slots import SlotsImporter
from bot.ingest.supply import SupplyItemsImporter
from bot.ingest.surveys import SurveysImporter
from storage.models import Clinic, Payer, Provider
from tests.integration.test_import_rejected_rows_leave_nothing import issues_of, keys, load

FEEDS: dict[str, tuple[type[FeedImporter], str, str, str, tuple[list[str], list[str]]]] = {
    # feed: importer, header, kept row, duplicate row, (providers, payers) expected
    "appointments": (AppointmentsImporter, "appointment_id,clinic,provider,patient_id,appointment_at,status",
                     "A1,bay,dr-y,P1,2026-03-02T09:00:00Z,completed",
                     "A1,harbor,dr-x,P2,2026-03-03T09:00:00Z,completed", (["dr-y"], [])),
    "slots": (SlotsImporter, "slot_id,clinic,provider,start_at,duration_minutes,appointment_type,state",
              "S1,bay,dr-y,2026-03-02T09:00:00Z,20,new,free",
              "S1,harbor,dr-x,2026-03-02T10:00:00Z,20,new,free", (["dr-y"], [])),
    "claims": (ClaimsImporter, "claim_id,clinic,provider,payer,service_date,created_date,charge",
               "C1,bay,dr-y,zeta,2026-03-01,2026-03-01,10",
               "C1,harbor,dr-x,acme,2026-03-01,2026-03-01,10", (["dr-y"], ["zeta"])),
    "ledger": (LedgerImporter, "entry_id,clinic,payer,posted_date,kind,amount",
               "E1,bay,zeta,2026-03-01,payer_payment,10",
               "E1,harbor,acme,2026-03-01,payer_payment,10", ([], ["zeta"])),
    "coding-audits": (CodingAuditsImporter, "audit_id,clinic,provider,audit_date,codes_audited,codes_matched",
                      "U1,bay,dr-y,2026-03-01,10,9", "U1,harbor,dr-x,2026-03-01,10,9", (["dr-y"], [])),
    "surveys": (SurveysImporter, "response_id,clinic,provider,response_date,provider_rating",
                "R1,bay,dr-y,2026-03-01,9", "R1,harbor,dr-x,2026-03-01,9", (["dr-y"], [])),
}


def make(cls: type[FeedImporter]) -> FeedImporter:
    """The importer as ``opsbot import`` builds it; new clinics of timed feeds get ``--timezone UTC``."""
    if cls is AppointmentsImporter:
        return AppointmentsImporter("k", default_timezone="UTC")
    if cls is SlotsImporter:
        return SlotsImporter(default_timezone="UTC")
    return cls("k") if cls in (ClaimsImporter, SurveysImporter) else cls()  # type: ignore[call-arg]


@pytest.mark.parametrize("feed", sorted(FEEDS))
def test_duplicate_row_creates_no_clinic_provider_or_payer(sessions: sessionmaker[Session], tmp_path: Path,
                                                           feed: str) -> None:
    cls, header, kept, duplicate, (providers, payers) = FEEDS[feed]
    summary = load(sessions, make(cls), tmp_path / f"{feed}.csv", f"{header}\n{kept}\n{duplicate}\n")
    assert (summary.read, summary.imported, summary.rejected) == (2, 1, 1)
    found = issues_of(sessions, summary)
    assert {code for line, code in found if line == 3} == {"duplicate_id"}
    assert (2, "new_clinic") in found
    assert (keys(sessions, Clinic), keys(sessions, Provider), keys(sessions, Payer)) == (["bay"], providers, payers)


CLINIC_KEYED = {  # the clinic is part of the natural key: the duplicate names the same clinic
    "supply-items": (SupplyItemsImporter, "clinic,clinic_name,sku,name,lead_time_days",
                     "bay,Bay Clinic,GLV,Gloves,3", "bay,Bay Typo,GLV,Gloves,4"),
    "ar": (ArImporter, "clinic,clinic_name,as_of_date,net_ar", "bay,Bay Clinic,2026-03-01,100",
           "bay,Bay Typo,2026-03-01,200"),
}


@pytest.mark.parametrize("feed", sorted(CLINIC_KEYED))
def test_duplicate_row_of_a_clinic_keyed_feed_names_nothing(sessions: sessionmaker[Session], tmp_path: Path,
                                                             feed: str) -> None:
    cls, header, kept, duplicate = CLINIC_KEYED[feed]
    summary = load(sessions, cls(), tmp_path / f"{feed}.csv", f"{header}\n{kept}\n{duplicate}\n")
    assert (summary.read, summary.imported, summary.rejected) == (2, 1, 1)
    found = issues_of(sessions, summary)
    assert {code for line, code in found if line == 3} == {"duplicate_id"}
    with sessions() as s:
        assert [(c.key, c.name) for c in s.scalars(select(Clinic))] == [("bay", "Bay Clinic")]


def test_duplicate_in_a_later_chunk_creates_nothing(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    """The duplicate check spans chunks (chunks of one row here): line 3 repeats line 2's id."""
    from bot.ingest.runner import run_import
    from storage.db import session_scope

    path = tmp_path / "claims.csv"
    path.write_text("claim_id,clinic,provider,payer,service_date,created_date,charge\n"
                    "C1,bay,dr-y,zeta,2026-03-01,2026-03-01,10\n"
                    "C1,harbor,dr-x,acme,2026-03-01,2026-03-01,10\n", encoding="utf-8")
    with session_scope(sessions) as s:
        summary = run_import(s, ClaimsImporter("k"), path, progress=False, chunksize=1,
                             rejects_path=tmp_path / "r.csv")
    assert (summary.imported, summary.rejected) == (1, 1)
    assert (keys(sessions, Clinic), keys(sessions, Provider), keys(sessions, Payer)) == (["bay"], ["dr-y"], ["zeta"])
