"""``opsbot import remittances --clinic`` resolves the clinic by the rule of the CSV feeds'
``clinic`` cells (docs/formats/remittances.md, bot/ingest/clinic_keys.py): key or name ignoring
case and spacing; refused before any file is imported when the organisation file lists clinics and
not this one, or when it is a near miss of a known clinic ("did you mean" only then); otherwise
created with the ``new_clinic`` warning (SQLite and PostgreSQL).

The 835s are written here; segments counted by hand: ST 1, BPR 2, N1 3, CLP 4, CAS 5, SE 6."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from storage.db import make_engine, make_session_factory, session_scope
from storage.models import Clinic, FeedLoad, ImportIssue, Remittance
from storage.reference import ensure_clinics


def x835(tmp_path: Path, pcn: str) -> Path:
    path = tmp_path / f"{pcn}.835"
    path.write_text(f"ST*835*7~BPR*I*0*C*NON************20260302~N1*PR*ACME HEALTH~"
                    f"CLP*{pcn}*1*150*0*0*12*PAYER{pcn}~CAS*CO*197*150~SE*6*7~")
    return path


def run(db_url: str, *args: str) -> tuple[int, str]:
    from bot.cli import cli

    result = CliRunner().invoke(cli, ["import", "remittances", *args, "--database", db_url])
    return result.exit_code, result.output


def state(db_url: str) -> tuple[list[str], int, int, dict[str, str]]:
    """(clinic keys, feed loads, remittances, remittance CLP01 -> its clinic key)."""
    engine = make_engine(db_url)
    try:
        with session_scope(make_session_factory(engine)) as s:
            keys = dict(s.execute(select(Clinic.id, Clinic.key)).all())
            by_pcn = {r.patient_control_number: keys.get(r.clinic_id, "") for r in s.scalars(select(Remittance))}
            return (sorted(keys.values()), s.scalar(select(func.count()).select_from(FeedLoad)) or 0,
                    len(by_pcn), by_pcn)
    finally:
        engine.dispose()


def store_seaside(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        with session_scope(make_session_factory(engine)) as s:
            ensure_clinics(s, [{"key": "seaside", "name": "Seaside Family Practice", "timezone": "America/Denver"}])
    finally:
        engine.dispose()


@pytest.fixture
def no_org(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("OPSBOT_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def org(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "org.yml"
    path.write_text("clinics:\n  - {key: seaside, name: Seaside Family Practice, timezone: America/Denver}\n"
                    "  - {key: north, name: North Clinic, timezone: America/Chicago}\n", encoding="utf-8")
    monkeypatch.setenv("OPSBOT_CONFIG", str(path))
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("typed", ["SEASIDE", " Seaside ", "seaside  FAMILY practice"])
def test_known_clinic_by_key_or_name_any_case_or_spacing(db_url: str, tmp_path: Path, no_org: None,
                                                          typed: str) -> None:
    store_seaside(db_url)
    code, out = run(db_url, str(x835(tmp_path, "A1")), "--clinic", typed)
    assert code == 0, out
    assert "new clinic" not in out and "warnings 0" in out
    assert state(db_url) == (["seaside"], 1, 1, {"A1": "seaside"})


def test_configured_clinic_by_name_not_stored_yet(db_url: str, tmp_path: Path, org: None) -> None:
    """A clinic only in the organisation file is matched by its name and created with its zone."""
    code, out = run(db_url, str(x835(tmp_path, "A1")), "--clinic", "north clinic")
    assert code == 0, out
    assert state(db_url) == (["north"], 1, 1, {"A1": "north"})
    engine = make_engine(db_url)
    try:
        with session_scope(make_session_factory(engine)) as s:
            assert s.scalar(select(Clinic.timezone)) == "America/Chicago"
    finally:
        engine.dispose()


@pytest.mark.parametrize(("typed", "hint"), [("seasidee", "did you mean 'seaside'?"), ("harbor", None),
                                             ("Nort Clinic", "did you mean 'north'?")])
def test_unknown_to_the_organisation_file_is_refused_before_any_import(db_url: str, tmp_path: Path, org: None,
                                                                        typed: str, hint: str | None) -> None:
    files = [str(x835(tmp_path, "A1")), str(x835(tmp_path, "A2"))]
    code, out = run(db_url, *files, "--clinic", typed)
    assert code == 2, out
    assert f"unknown clinic '{typed}'" in out and "organisation file" in out and "nothing was imported" in out
    if hint:
        assert hint in out
    else:
        assert "did you mean" not in out  # harbor is close to neither seaside nor north
    assert state(db_url) == ([], 0, 0, {})


def test_near_miss_of_a_stored_clinic_is_refused_without_organisation_file(db_url: str, tmp_path: Path,
                                                                            no_org: None) -> None:
    store_seaside(db_url)
    code, out = run(db_url, str(x835(tmp_path, "A1")), "--clinic", "seasid")
    assert code == 2 and "did you mean 'seaside'?" in out and "fix --clinic" in out, out
    assert state(db_url) == (["seaside"], 0, 0, {})


def test_new_clinic_is_created_with_the_new_clinic_warning_once(db_url: str, tmp_path: Path, no_org: None) -> None:
    store_seaside(db_url)
    code, out = run(db_url, str(x835(tmp_path, "A1")), str(x835(tmp_path, "A2")), "--clinic", "harbor")
    assert code == 0, out
    first, second = out.split("remittances (x12-835) from ")[1:]
    assert "warnings 1" in first and "new clinic 'harbor' created from segment 4" in first
    assert "warnings 0" in second and "new clinic" not in second  # the first file created it
    assert state(db_url) == (["harbor", "seaside"], 2, 2, {"A1": "harbor", "A2": "harbor"})
    engine = make_engine(db_url)
    try:
        with session_scope(make_session_factory(engine)) as s:
            assert [(i.line, i.severity) for i in s.scalars(select(ImportIssue).where(
                ImportIssue.code == "new_clinic"))] == [(4, "warning")]
    finally:
        engine.dispose()


def test_unused_clinic_is_not_created(db_url: str, tmp_path: Path, no_org: None) -> None:
    """Every remittance is linked to its claim: the --clinic key is checked but no clinic is made."""
    store_seaside(db_url)
    claims = tmp_path / "c.csv"
    claims.write_text("claim_id,clinic,service_date,created_date,charge\nA1,seaside,2026-03-01,2026-03-01,150\n")
    from bot.cli import cli

    done = CliRunner().invoke(cli, ["import", "claims", str(claims), "--database", db_url, "--no-progress"])
    assert done.exit_code == 0, done.output
    code, out = run(db_url, str(x835(tmp_path, "A1")), "--clinic", "harbor")
    assert code == 0 and "new clinic" not in out, out
    assert state(db_url)[0] == ["seaside"] and state(db_url)[3] == {"A1": "seaside"}


@pytest.mark.parametrize(("typed", "why"), [("=HYPERLINK(1)", "starts with '='"), (" ", "no clinic key given"),
                                            ("x" * 65, "the limit is 64")])
def test_a_key_no_clinic_cell_could_hold_is_refused(db_url: str, tmp_path: Path, no_org: None, typed: str,
                                                    why: str) -> None:
    code, out = run(db_url, str(x835(tmp_path, "A1")), "--clinic", typed)
    assert code == 2 and why in out and "nothing was imported" in out, out
    assert state(db_url) == ([], 0, 0, {})
