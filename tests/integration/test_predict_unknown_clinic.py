"""``opsbot predict no-shows --clinic KEY`` with a clinic the database does not hold (tester's
report): "did you mean" only for a genuinely close name; otherwise the clinic is said not to be in
this database, which database that is (the default when ``--database`` is not given, its password
masked) and how to list its clinics (``opsbot clinics``), which lists them."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import cli
from bot.cli.model import not_in_database
from bot.names import UnknownName
from core.text import fold
from storage.db import make_engine, make_session_factory, session_scope
from storage.models import Clinic

CLINICS = (("north", "North Family Practice"), ("juniper", "Juniper Family Health"))


def _predict(clinic: str, out: Path, *extra: str, env: dict[str, str | None] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["predict", "no-shows", "--from", "2026-11-01", "--to", "2026-11-07",
                                    "--clinic", clinic, "--out", str(out), *extra], env=env)


def _add_clinics(url: str) -> None:
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as s:
        for key, name in CLINICS:
            s.add(Clinic(key=key, name=name, name_folded=fold(name), timezone="America/Chicago"))
    engine.dispose()


def test_empty_default_database_names_itself_and_suggests_nothing(sqlite_url: str, tmp_path: Path) -> None:
    result = _predict("maria ortiz", tmp_path / "out.csv", env={"DATABASE_URL": sqlite_url, "OPSBOT_CONFIG": None})
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "clinic 'maria ortiz' is not in this database" in text
    assert f"the default database {sqlite_url}" in text and "no clinic is known yet" in text
    assert "`opsbot clinics`" in text and "did you mean" not in text.lower()
    assert not (tmp_path / "out.csv").exists()


def test_other_clinics_are_not_offered_unless_close(sqlite_url: str, tmp_path: Path) -> None:
    _add_clinics(sqlite_url)
    far = _predict("seaside", tmp_path / "out.csv", "--database", sqlite_url, env={"OPSBOT_CONFIG": None})
    text = " ".join(far.output.split())
    assert far.exit_code == 2 and "clinic 'seaside' is not in this database, --database " + sqlite_url in text
    assert "none of the 2 clinics known" in text and f"`opsbot clinics --database {sqlite_url}`" in text
    assert "did you mean" not in text.lower() and "North" not in text and "Juniper" not in text
    near = _predict("junipre", tmp_path / "out.csv", "--database", sqlite_url, env={"OPSBOT_CONFIG": None})
    assert near.exit_code == 2 and "did you mean `Juniper Family Health` (juniper)?" in " ".join(near.output.split())
    listed = CliRunner().invoke(cli, ["clinics", "--database", sqlite_url], env={"OPSBOT_CONFIG": None})
    assert listed.exit_code == 0, listed.output
    rows = [line.split()[0] for line in listed.output.splitlines()[1:]]
    assert rows == sorted(k for k, _ in CLINICS) and listed.output.startswith(f"2 clinics in {sqlite_url}")


@pytest.mark.parametrize("given", [None, "postgresql://ops:s3cret-pw@db.example/ops"])
def test_the_database_is_named_without_its_password(given: str | None) -> None:
    url = "postgresql://ops:s3cret-pw@db.example/ops"
    text = not_in_database("x", UnknownName("Unknown clinic 'x'", known=3), url, given)
    assert "s3cret-pw" not in text and "postgresql://ops:***@db.example/ops" in text
