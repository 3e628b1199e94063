"""Every import run writes its own rejects file (``rejects/<name>.<UTC time>-<run id>.rejects.csv``)
and prints its path: a second import of a same-named file, even in the same second, leaves the
first run's rejected rows where they were. CSV feeds and 835 remittances, through ``opsbot import``."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

NAME = re.compile(r"(?P<stem>[\w-]+)\.(?P<stamp>\d{8}T\d{6}Z)-(?P<run>[0-9a-f]{6})\.rejects\.csv")
FIRST = ("appointment_id,clinic,patient_id,appointment_at,status\n"
         "A1,north,P1,2026-12-01T09:30,teleported\n")  # unknown status: rejected
SECOND = ("appointment_id,clinic,patient_id,appointment_at,status\n"
          "A2,north,P2,2026-12-01T10:00,completed\n"
          "A3,north,P3,2026-12-01T10:30,beamed\n")
REMIT = ("ST*835*0001~BPR*I*100*C*ACH*CCP*01*1*DA*2*3**01*4*DA*5*20261201~N1*PR*ACME~N1*PE*NORTH~"
         "CLP*X1*1*100*abc*0~SE*6*0001~")  # CLP04 not an amount: the claim is rejected


def _import(db_url: str, *args: str) -> str:
    from bot.cli import cli

    result = CliRunner().invoke(cli, ["import", *args, "--database", db_url])
    assert result.exit_code in (0, 1), result.output
    return result.output


def _printed(output: str) -> Path:
    [path] = re.findall(r"rejected (?:rows written to|claims and segments listed in) (\S+) \(", output)
    return Path(path)


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("OPSBOT_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_second_import_of_the_same_name_keeps_the_first_runs_rejects(db_url: str, work: Path) -> None:
    source = work / "daily.csv"
    before = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    source.write_text(FIRST)
    first = _printed(_import(db_url, "appointments", str(source), "--no-progress", "--timezone", "UTC"))
    source.write_text(SECOND)
    second = _printed(_import(db_url, "appointments", str(source), "--no-progress", "--timezone", "UTC"))
    after = datetime.now(UTC).replace(tzinfo=None)
    assert first != second and first.parent == second.parent == work / "rejects"
    for path in (first, second):
        match = NAME.fullmatch(path.name)
        assert match and match["stem"] == "daily"
        assert before <= datetime.strptime(match["stamp"], "%Y%m%dT%H%M%SZ") <= after
    assert [line.split(",")[:2] for line in first.read_text().splitlines()[1:]] == [["2", "A1"]]
    assert [line.split(",")[:2] for line in second.read_text().splitlines()[1:]] == [["3", "A3"]]


def test_remittance_rejects_are_per_run_too(db_url: str, work: Path) -> None:
    remit = work / "era.835"
    remit.write_text(REMIT)
    paths = {_printed(_import(db_url, "remittances", str(remit), "--clinic", "north")) for _ in range(2)}
    assert len(paths) == 2 and all(p.exists() and NAME.fullmatch(p.name) for p in paths)
