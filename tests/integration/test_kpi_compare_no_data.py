"""A comparison whose two periods are the same days is said so however each side is worded, and
before any data is read (a day without data too); a "vs" is never dropped from a no-data answer.

Dates by the calendar: at 2026-03-10 15:00 UTC it is 10:00 on 10 March in New York, so
"yesterday" there is 2026-03-09."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import UsageError
from bot.kpi.engine import answer
from bot.kpi.grammar import parse_kpi_command
from bot.orgconfig import OrgConfig
from bot.views.kpi import render_answer
from storage.db import session_scope
from storage.models import Clinic

NOW = datetime(2026, 3, 10, 15)


@pytest.fixture
def empty_clinic(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    with session_scope(sessions) as s:
        s.add(Clinic(key="north", name="North Family Practice", name_folded="north family practice",
                     timezone="America/New_York"))
    return sessions


@pytest.mark.parametrize("words", ["yesterday vs yesterday", "yesterday vs 2026-03-09", "2026-03-09 vs yesterday",
                                   "2026-03-09 vs 2026-03-09..2026-03-09"])
def test_the_same_day_however_worded_is_said(empty_clinic: sessionmaker[Session], words: str) -> None:
    with session_scope(empty_clinic) as s, pytest.raises(UsageError, match=r"Both periods are 9 Mar 2026 \(2026-03-09\)"):
        answer(s, parse_kpi_command(f"no-show-rate clinic north {words}"), OrgConfig(), now=NOW)


def test_a_comparison_beside_no_data_is_named(empty_clinic: sessionmaker[Session]) -> None:
    with session_scope(empty_clinic) as s:
        a = answer(s, parse_kpi_command("no-show-rate clinic north yesterday vs 2026-03-01"), OrgConfig(), now=NOW)
        _blocks, text = render_answer(a)
    assert "no data for 9 Mar 2026 (2026-03-09)" in text
    assert "nothing to compare with 1 Mar 2026 (2026-03-01)" in text
