"""A clinic configured in the organisation file but with nothing imported yet: ``/kpi … clinic X``
says "No data yet for X" — not "Unknown clinic" and not a zero — through the real Bolt app; a
clinic with data still answers, and a name that is nowhere is still unknown.

Data (hand-written): Kingsport has 4 appointments yesterday, 1 a no-show (25.00 %); East Clinic
is only in the organisation file.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from core.text import fold
from storage.models import Clinic
from tests.e2e.slack_payloads import local_slack
from tests.hand_feed import load_hand_appointments

pytestmark = pytest.mark.e2e

ORG = """clinics:
  - {key: kingsport, name: Kingsport Primary Care, timezone: America/New_York}
  - {key: east, name: East Clinic, timezone: America/New_York}
"""


@pytest.fixture
def bot(sqlite_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    day = date.today() - timedelta(days=1)

    def seed(s: Session) -> None:
        clinic = Clinic(key="kingsport", name="Kingsport Primary Care", name_folded=fold("Kingsport Primary Care"),
                        timezone="America/New_York")
        s.add(clinic)
        s.flush()
        load_hand_appointments(s, [{"clinic_id": clinic.id, "appointment_date": day,
                                    "status": "no_show" if i == 0 else "completed"} for i in range(4)],
                               loaded_at=datetime(2026, 1, 1, 9))

    with local_slack(sqlite_url, ORG, tmp_path, seed) as local:
        yield local


def _text(result) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(str(r.get("text", "")) for r in result.replies)


@pytest.mark.parametrize("name", ["east", "East Clinic"])
def test_configured_clinic_without_data_says_no_data_yet(bot, name: str) -> None:  # type: ignore[no-untyped-def]
    text = _text(bot.command(f"/kpi no-show-rate clinic {name} last 7 days"))
    assert "No data yet for East Clinic (east)" in text
    assert "Unknown clinic" not in text and "0.00 %" not in text


def test_clinic_with_data_and_unknown_clinic_unchanged(bot) -> None:  # type: ignore[no-untyped-def]
    assert "25.00 %" in _text(bot.command("/kpi no-show-rate clinic kingsport last 7 days"))
    text = _text(bot.command("/kpi no-show-rate clinic nowhere last 7 days"))
    assert "Unknown clinic 'nowhere'" in text and "No data yet" not in text


@pytest.mark.parametrize("question", ["what's the no-show rate at east last week?", "how is east clinic doing?"])
def test_plain_language_question_about_it_says_no_data_yet(bot, question: str) -> None:  # type: ignore[no-untyped-def]
    result = bot.event({"type": "message", "channel": "D0DM", "channel_type": "im", "user": "U0LOCAL",
                        "text": question, "ts": "300.1"})
    text = _text(result)
    assert "No data yet for East Clinic (east)" in text, text
