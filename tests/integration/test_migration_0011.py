"""Migration 0011 (issue 20): one head, right after 0010_i20; it adds the no-show model inputs
to ``appointments`` and its downgrade removes them, on SQLite and PostgreSQL. No column can hold
an age, a birth date or a raw patient id."""

from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from storage import migrate

ADDED = {"sms_reminder", "age_band", "scholarship", "hypertension", "diabetes", "alcoholism", "handicap"}


def test_one_head_after_0010_i20(db_url: str) -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config(db_url))
    assert script.get_heads() == ["0012_key_check"]  # 0012 (the pseudonym key check) follows 0011
    assert script.get_revision("0012_key_check").down_revision == "0011_i20_fields"
    assert script.get_revision("0011_i20_fields").down_revision == "0010_i20"


def test_upgrade_adds_and_downgrade_removes_the_model_inputs(db_url: str, engine) -> None:  # type: ignore[no-untyped-def]
    columns = {c["name"] for c in inspect(engine).get_columns("appointments")}
    assert ADDED <= columns and not columns & {"age", "birth_date", "dob", "patient_id"}
    command.downgrade(migrate.alembic_config(db_url), "0010_i20")
    engine.dispose()
    assert not ADDED & {c["name"] for c in inspect(engine).get_columns("appointments")}
    migrate.upgrade(db_url)
    engine.dispose()
    assert ADDED <= {c["name"] for c in inspect(engine).get_columns("appointments")}
