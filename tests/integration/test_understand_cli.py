"""``opsbot understand`` (issue 18): exactly the JSON fields of the issue, one object per question,
later arguments read as follow-ups in the same thread. Expected dates worked out by hand for
now = Wednesday 18 Nov 2026 15:00 UTC (last month = October; last week = ISO 9–15 Nov)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from core.text import fold
from storage.db import make_engine, make_session_factory, session_scope
from storage.models import Clinic, Payer, Provider

FIELDS = ["status", "kpi", "clinic", "provider", "payer", "start", "end", "by", "compare_start", "compare_end",
          "reading"]


def test_understand_prints_one_json_object_per_question(sqlite_url):
    engine = make_engine(sqlite_url)
    with session_scope(make_session_factory(engine)) as s:
        for key, name in (("kingsport", "Kingsport Primary Care"), ("riverside", "Riverside Primary Care")):
            clinic = Clinic(key=key, name=name, name_folded=fold(name), timezone="America/Chicago")
            s.add(clinic)
            s.flush()
            s.add(Provider(key=f"{key}-p1", clinic_id=clinic.id, name="Dr. Ann Walker", name_folded="dr. ann walker"))
        s.add(Payer(key="aetna", name="Aetna", name_folded="aetna"))
    engine.dispose()
    from bot.cli import cli

    result = CliRunner().invoke(cli, ["understand", "--now", "2026-11-18T15:00:00Z", "--json", "--database", sqlite_url,
                                      "no-show rate at kingsport last month", "and riverside?", "by provider",
                                      "no-show rate for Dr. Walker", "aetna denials last week vs the week before"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.strip().splitlines()]
    assert [list(r) for r in rows] == [FIELDS] * 5
    assert rows[0] == {"status": "answer", "kpi": "no-show-rate", "clinic": "kingsport", "provider": None,
                       "payer": None, "start": "2026-10-01", "end": "2026-10-31", "by": None, "compare_start": None,
                       "compare_end": None,
                       "reading": "No-show rate · Kingsport Primary Care · Oct 2026 (2026-10-01..2026-10-31)"}
    assert (rows[1]["clinic"], rows[1]["start"], rows[1]["end"]) == ("riverside", "2026-10-01", "2026-10-31")
    assert (rows[2]["clinic"], rows[2]["by"]) == ("riverside", "provider")
    assert rows[3]["status"] == "clarify" and rows[3]["kpi"] is None  # two providers named Walker
    assert (rows[4]["kpi"], rows[4]["payer"], rows[4]["start"], rows[4]["end"], rows[4]["compare_start"],
            rows[4]["compare_end"]) == ("denial-rate", "aetna", "2026-11-09", "2026-11-15", "2026-11-02", "2026-11-08")


def test_understand_reads_look_ahead_questions_as_the_command_does(sqlite_url):
    from bot.cli import cli

    result = CliRunner().invoke(cli, ["understand", "--now", "2026-11-18T15:00:00Z", "--json", "--database", sqlite_url,
                                      "expected no-shows next week at kingsport", "high risk list on friday clinic x",
                                      "demand monday at kingsport"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.strip().splitlines()]
    assert [list(r) for r in rows] == [FIELDS] * 3
    assert (rows[0]["status"], rows[0]["kpi"], rows[0]["clinic"]) == ("lookahead", "expected-no-shows", "kingsport")
    assert "next week" in rows[0]["reading"]
    assert (rows[1]["kpi"], rows[1]["clinic"]) == ("high-risk", "x") and "friday" in rows[1]["reading"]
    # demand on the asked day, from the same four-week forecast (18 Nov 2026 is a Wednesday)
    assert (rows[2]["status"], rows[2]["kpi"], rows[2]["clinic"]) == ("lookahead", "demand", "kingsport")
    assert "next monday" in rows[2]["reading"] and "four weeks" not in rows[2]["reading"]
