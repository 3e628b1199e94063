"""A patient identifier in a feed's display field (a name or label Slack shows) rejects its row,
on SQLite and PostgreSQL, for every CSV feed that has one and for an 835's payer name.

Each hostile file holds one clean row and one whose display field carries an identifier (written
by hand: an MRN, a date of birth, a phone, an e-mail, a bare 8-digit number, the organisation's
own pattern). Expected: that line rejected with ``identifier_in_<field>`` and a reason naming the
kind, the value nowhere in the issues and in no stored name; the clean row stored, a provider
named like a person ("Maria Silva") included. Stock counts, inventory transactions and lots have
no display field: they name a stored item by its SKU (a code).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.ingest.appointments import AppointmentsImporter
from bot.ingest.base import FeedImporter, ImportSummary
from bot.ingest.claims import ClaimsImporter
from bot.ingest.coding_audits import CodingAuditsImporter
from bot.ingest.ledger import ArImporter, LedgerImporter
from bot.ingest.remittances import import_remittance_file
from bot.ingest.runner import run_import
from bot.ingest.slots import SlotsImporter
from bot.ingest.supply import SupplyItemsImporter
from bot.ingest.surveys import SurveysImporter
from bot.phi_guard import Guard
from storage.db import session_scope
from storage.models import Appointment, Clinic, ImportIssue, Payer, Provider, Remittance, Slot, SupplyItem

ZONES = {"north": "America/New_York"}
GUARD = Guard.build({"badge": r"BADGE-\d{4}"}, ["Maria Silva"])
KAGGLE_HEAD = ("PatientId,AppointmentID,Gender,ScheduledDay,AppointmentDay,Age,Neighbourhood,Scholarship,"
               "Hipertension,Diabetes,Alcoholism,Handcap,SMS_received,No-show\n")
KAGGLE_ROW = "29872499824296,{id},F,2016-04-29T18:38:08Z,2016-04-29T00:00:00Z,62,{place},0,0,0,0,0,0,No\n"

# (name, importer, file text, hostile line, issue code, kind named in the reason, secret value)
CASES: list[tuple[str, Callable[[], FeedImporter], str, int, str, str, str]] = [
    ("appointments", lambda: AppointmentsImporter("secret", timezones=ZONES),
     "appointment_id,clinic,appointment_at,status,provider,provider_name,appointment_type,patient_id\n"
     "A1,north,2026-03-02T09:00,completed,dr-a,Maria Silva,visit,P1\n"
     "A2,north,2026-03-02T09:20,no_show,dr-b,MRN 48213377 Smith,visit,P2\n",
     3, "identifier_in_provider_name", "medical record number", "48213377"),
    ("appointments-type", lambda: AppointmentsImporter("secret", timezones=ZONES),
     "appointment_id,clinic,appointment_at,status,provider,provider_name,appointment_type,patient_id\n"
     "A1,north,2026-03-02T09:00,completed,dr-a,Maria Silva,visit,P1\n"
     "A3,north,2026-03-02T09:40,completed,dr-a,Maria Silva,Follow-up DOB 03/04/1961,P3\n",
     3, "identifier_in_appointment_type", "date of birth", "03/04/1961"),
    ("appointments-kaggle", lambda: AppointmentsImporter("secret"),
     KAGGLE_HEAD + KAGGLE_ROW.format(id=5642903, place="JARDIM DA PENHA")
     + KAGGLE_ROW.format(id=5642904, place="MARIA ORTIZ 48213377"),
     3, "identifier_in_clinic_name", "long number", "48213377"),
    ("claims", lambda: ClaimsImporter("secret"),
     "claim_id,clinic,provider,provider_name,payer,payer_name,patient_id,service_date,created_date,charge\n"
     "C1,north,dr-a,Maria Silva,aetna,Aetna,P1,2026-03-02,2026-03-03,200.00\n"
     "C2,north,dr-a,Maria Silva,aetna2,Aetna (423) 555-0187,P2,2026-03-02,2026-03-03,200.00\n",
     3, "identifier_in_payer_name", "phone number", "555-0187"),
    ("claims-key", lambda: ClaimsImporter("secret"),
     "claim_id,clinic,provider,payer,patient_id,service_date,created_date,charge\n"
     "C1,north,dr-a,aetna,P1,2026-03-02,2026-03-03,200.00\n"
     "C2,north,mrn-48213377,aetna,P2,2026-03-02,2026-03-03,200.00\n"
     "C3,north,0005364682,aetna,P3,2026-03-02,2026-03-03,200.00\n",  # a numeric provider id (an NPI's shape): a key
     3, "identifier_in_provider", "medical record number", "48213377"),
    # the outside tester's keys: a compact date of birth (YYYYMMDD); a 10-digit NPI passes as a key
    ("claims-key-birth", lambda: ClaimsImporter("secret"),
     "claim_id,clinic,provider,payer,patient_id,service_date,created_date,charge\n"
     "C1,north,dr-a,aetna,P1,2026-03-02,2026-03-03,200.00\n"
     "C2,north,jsmith-19610412,aetna,P2,2026-03-02,2026-03-03,200.00\n"
     "C3,north,1234567893,aetna,P3,2026-03-02,2026-03-03,200.00\n",
     3, "identifier_in_provider", "date of birth", "19610412"),
    ("claims-payer-key-birth", lambda: ClaimsImporter("secret"),
     "claim_id,clinic,provider,payer,patient_id,service_date,created_date,charge\n"
     "C1,north,dr-a,aetna,P1,2026-03-02,2026-03-03,200.00\n"
     "C2,north,dr-a,selfpay-19610412,P2,2026-03-02,2026-03-03,200.00\n",
     3, "identifier_in_payer", "date of birth", "19610412"),
    ("ledger", LedgerImporter,
     "entry_id,clinic,clinic_name,payer,payer_name,posted_date,kind,amount\n"
     "L1,north,North Clinic,aetna,Aetna,2026-03-02,charge,400.00\n"
     "L2,north,North Clinic,cigna,Cigna jane.doe@example.com,2026-03-02,charge,400.00\n",
     3, "identifier_in_payer_name", "e-mail address", "jane.doe@example.com"),
    ("ar", ArImporter,
     "clinic,clinic_name,as_of_date,net_ar\nnorth,North Clinic,2026-03-31,450000\n"
     "south,South BADGE-4471,2026-03-31,1\n",
     3, "identifier_in_clinic_name", "rule 'badge'", "BADGE-4471"),
    ("slots", lambda: SlotsImporter(timezones=ZONES),
     "slot_id,clinic,provider,provider_name,start_at,duration_minutes,appointment_type,state\n"
     "S1,north,dr-a,Maria Silva,2026-03-02T09:00,20,follow-up,free\n"
     "S2,north,dr-a,Maria Silva,2026-03-02T09:20,20,new pt SSN 123-45-6789,free\n",
     3, "identifier_in_appointment_type", "social security number", "123-45-6789"),
    ("supply-items", SupplyItemsImporter,
     "clinic,sku,name,lead_time_days\nnorth,GLV-M,Gloves M,14\nnorth,KIT-1,Kit for MRN 00482913,7\n",
     3, "identifier_in_name", "medical record number", "00482913"),
    ("supply-items-mbi", SupplyItemsImporter,  # the outside tester's supply name: CMS's example MBI
     "clinic,sku,name,lead_time_days\nnorth,GLV-M,Gloves M,14\nnorth,KIT-1,Kit for 1EG4TE5MK73,7\n",
     3, "identifier_in_name", "Medicare Beneficiary Identifier", "1EG4TE5MK73"),
    ("supply-items-unit", SupplyItemsImporter,
     "clinic,sku,name,unit,lead_time_days\nnorth,GLV-M,Gloves M,box,14\nnorth,KIT-1,Kit,pt 4481920,7\n",
     3, "identifier_in_unit", "medical record number", "4481920"),
    ("coding-audits", CodingAuditsImporter,
     "audit_id,clinic,provider,provider_name,audit_date,codes_audited,codes_matched\n"
     "A1,north,dr-a,Maria Silva,2026-03-05,50,47\nA2,north,dr-b,Smith 1961-03-04,2026-03-05,10,9\n",
     3, "identifier_in_provider_name", "date of birth", "1961-03-04"),
    ("surveys", lambda: SurveysImporter("secret"),
     "response_id,clinic,provider,provider_name,response_date,provider_rating,patient_id\n"
     "S1,north,dr-a,Maria Silva,2026-03-06,10,P1\nS2,north,dr-b,Acct 55512345 Lee,2026-03-06,9,P2\n",
     3, "identifier_in_provider_name", "medical record number", "55512345"),
]


def _stored_text(s: Session) -> str:
    """Every stored name, key and label a Slack answer could show, joined."""
    parts = [*s.scalars(select(Clinic.name)), *s.scalars(select(Clinic.key)), *s.scalars(select(Provider.name)),
             *s.scalars(select(Provider.key)), *s.scalars(select(Payer.name)), *s.scalars(select(Payer.key)),
             *s.scalars(select(SupplyItem.name)), *s.scalars(select(SupplyItem.unit)),
             *s.scalars(select(Appointment.appointment_type)),
             *s.scalars(select(Slot.appointment_type))]
    return " | ".join(str(p) for p in parts if p is not None)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_identifier_in_display_field_rejects_the_row(
        case: tuple[str, Callable[[], FeedImporter], str, int, str, str, str],
        sessions: sessionmaker[Session], tmp_path: Path) -> None:
    name, make, text, line, code, kind, secret = case
    path = tmp_path / f"{name}.csv"
    path.write_text(text)
    with session_scope(sessions) as s:
        summary: ImportSummary = run_import(s, make(), path, progress=False, rejects_path=tmp_path / "r.csv",
                                            guard=GUARD)
    rejects = [i for i in summary.first_issues if i.severity == "reject"]
    assert [(i.line, i.code) for i in rejects] == [(line, code)]
    assert kind in rejects[0].detail and secret not in rejects[0].detail
    assert summary.imported == text.count("\n") - 2  # every row but the header and the hostile one
    assert secret not in "\n".join(summary.lines()[:-1])  # the report, but for the rejects file's own line
    with session_scope(sessions) as s:
        assert secret not in " ".join(s.scalars(select(ImportIssue.detail)))
        stored = _stored_text(s)
    assert secret.split()[-1] not in stored
    if "Maria Silva" in text:
        assert "Maria Silva" in stored  # a provider named like a person is imported


HEADER = "ST*835*0001~BPR*I*440*C*ACH*CCP*01*1*DA*2*3**01*4*DA*5*20260302~N1*PR*{payer}~N1*PE*NORTH CLINIC~"


@pytest.mark.parametrize(("payer", "secret", "kind"), [
    ("ACME HEALTH MRN 48213377", "48213377", "medical record number"),
    # the outside tester's payer name: CMS's example MBI with no keyword beside it
    ("WILLIAM BUDD 1EG4TE5MK73", "1EG4TE5MK73", "Medicare Beneficiary Identifier"),
])
def test_835_payer_name_with_identifier_rejects_its_claims(sessions: sessionmaker[Session], shared_dir: Path,
                                                           tmp_path: Path, payer: str, secret: str,
                                                           kind: str) -> None:
    body = (shared_dir / "spec/vectors/era_835_denial_example.txt").read_text()
    hostile, clean = tmp_path / "hostile.835", tmp_path / "clean.835"
    hostile.write_text(HEADER.format(payer=payer) + body + "SE*28*0001~")
    clean.write_text(HEADER.format(payer="ACME HEALTH") + body + "SE*28*0001~")
    with session_scope(sessions) as s:
        summary = import_remittance_file(s, hostile, rejects_path=tmp_path / "r.csv", guard=GUARD)
    # the vector holds 9 claim payments (CLP), all under the one N1*PR (test_import_feeds_remittances)
    assert (summary.imported, summary.rejected) == (0, 9)
    assert summary.issue_counts["reject identifier_in_payer_name"] == 9
    assert all(kind in i.detail for i in summary.first_issues if i.code == "identifier_in_payer_name")
    with session_scope(sessions) as s:
        assert s.scalars(select(Remittance)).first() is None
        assert secret not in " ".join(s.scalars(select(ImportIssue.detail)))
        assert secret not in _stored_text(s)
    with session_scope(sessions) as s:
        assert import_remittance_file(s, clean, rejects_path=tmp_path / "r2.csv", guard=GUARD).imported == 9


def test_cli_imports_check_with_the_organisations_patterns(db_url: str, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """``opsbot import`` (CSV and 835) reads ``phi_patterns`` from the organisation file: a badge
    number, no built-in kind, rejects the row and the 835's claims."""
    from typer.testing import CliRunner

    from bot.cli import cli

    org = tmp_path / "org.yml"
    org.write_text('phi_patterns: {badge number: "BADGE-\\\\d{4}"}\n')
    monkeypatch.setenv("OPSBOT_CONFIG", str(org))
    monkeypatch.chdir(tmp_path)
    ledger = tmp_path / "ledger.csv"
    ledger.write_text("entry_id,clinic,payer,payer_name,posted_date,kind,amount\n"
                      "L1,north,aetna,Aetna,2026-03-02,charge,400.00\n"
                      "L2,north,cigna,Cigna BADGE-4471,2026-03-02,charge,400.00\n")
    result = CliRunner().invoke(cli, ["import", "ledger", str(ledger), "--database", db_url, "--no-progress"])
    assert "line 3: reject identifier_in_payer_name: payer_name holds what looks like text matching the rule " \
           "'badge number'" in result.output, result.output
    assert "BADGE-4471" not in result.output
    remit = tmp_path / "r.835"
    remit.write_text("ST*835*7~BPR*I*0*C*NON************20260302~N1*PR*ACME BADGE-4471~"
                     "CLP*A1002*1*150*0*0*12*PAYER0002~CAS*CO*197*150~SE*5*7~")
    result = CliRunner().invoke(cli, ["import", "remittances", str(remit), "--clinic", "north", "--database", db_url])
    assert "identifier_in_payer_name" in result.output and "BADGE-4471" not in result.output, result.output
