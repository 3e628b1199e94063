"""``opsbot import remittances|claims|...`` end to end through the typer CLI (both databases)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from storage.db import make_engine, make_session_factory, session_scope
from storage.models import Clinic, Remittance

BODY = ("ST*835*7~BPR*I*0*C*NON************20260302~N1*PR*ACME HEALTH~"
        "CLP*A1002*1*150*0*0*12*PAYER0002~CAS*CO*197*150~CLP*A1003*1*abc*0~SE*7*7~")  # SE01: ST..SE = 7 segments


def test_cli_remittances_and_claims(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.cli import cli

    monkeypatch.delenv("OPSBOT_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)  # default rejects files: rejects/<name>.<time>-<run>.rejects.csv here
    remit = tmp_path / "r.835"
    remit.write_text(BODY)
    result = CliRunner().invoke(cli, ["import", "remittances", str(remit), "--clinic", "north", "--database", db_url])
    assert result.exit_code == 0, result.output
    assert "read 2 claims (CLP), imported 1, updated 0, unchanged 0, rejected 1" in result.output
    assert "segment 6" in result.output and "CLP03 'abc' is not an amount" in result.output
    assert next((tmp_path / "rejects").glob("r.*.rejects.csv")).read_text().splitlines()[1].startswith("6,1,109,7,x12_segment,")  # segment, line, byte, ST
    claims = tmp_path / "c.csv"
    claims.write_text("claim_id,clinic,service_date,created_date,charge\nC1,north,2026-03-01,2026-03-01,10\n")
    result = CliRunner().invoke(cli, ["import", "claims", str(claims), "--database", db_url, "--no-progress"])
    assert result.exit_code == 0 and "imported 1" in result.output, result.output
    printed = result.output.splitlines()
    assert printed[printed.index("Imported 1 claim from c.csv") + 1].startswith("claims (canonical) from ")
    again = CliRunner().invoke(cli, ["import", "claims", str(claims), "--database", db_url, "--no-progress"])
    assert "Nothing new in c.csv: its only claim was already imported" in again.output.splitlines(), again.output
    engine = make_engine(db_url)
    try:
        with session_scope(make_session_factory(engine)) as s:
            remittance = s.scalars(select(Remittance)).one()
            assert (remittance.is_denial, remittance.denial_category) == (True, "authorization")
            assert s.scalar(select(Clinic.key).where(Clinic.id == remittance.clinic_id)) == "north"
    finally:
        engine.dispose()
    result = CliRunner().invoke(cli, ["import", "surveys", str(claims), "--database", db_url, "--no-progress"])
    assert result.exit_code == 2 and "header not recognised as a surveys file" in result.output


def test_cli_exits_1_when_every_row_is_rejected(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file whose 2 rows are both rejected (a date that does not exist, a charge that is not a number)
    is a failed load: the summary is printed and the exit status is 1, so cron can tell."""
    from bot.cli import cli

    monkeypatch.delenv("OPSBOT_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    claims = tmp_path / "bad.csv"
    claims.write_text("claim_id,clinic,service_date,created_date,charge\n"
                      "C1,north,2026-13-45,2026-03-01,10\nC2,north,2026-03-01,2026-03-01,abc\n")
    result = CliRunner().invoke(cli, ["import", "claims", str(claims), "--database", db_url, "--no-progress"])
    assert result.exit_code == 1, result.output
    assert "imported 0" in result.output and "rejected 2" in result.output
    headline = next(line for line in result.output.splitlines() if line.startswith("Nothing imported from bad.csv"))
    assert headline.startswith("Nothing imported from bad.csv: all 2 rows were rejected (see ")
    assert "/rejects/bad." in headline and headline.endswith(".rejects.csv)")
