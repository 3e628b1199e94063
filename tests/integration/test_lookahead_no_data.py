"""The look-ahead for a clinic whose appointment feed has never carried a row says "no data
yet", never "0 booked visits" a day (kpis.md: a period with no data is no data, never 0); a
clinic with appointments but none booked on a day keeps its true 0.

Hand-made: clinic Aspen with one appointment on Mon 2 Mar 2026 (history), nothing booked after;
clinic May in the organisation file and the clinics table, no appointment ever. "Now" is Sun 8
March 2026 12:00 UTC, so "next 5 days" is Mon 9 – Fri 13 March (no schedule templates: every day
taken as open), and no stored model (no expected count).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.errors import NoDataError
from bot.orgconfig import OrgConfig
from bot.services.lookahead import lookahead_reply
from storage.db import session_scope
from storage.models import Appointment
from storage.reference import ensure_clinics

NOW = datetime(2026, 3, 8, 12, 0)
ORG = OrgConfig.model_validate({"clinics": [{"key": "aspen", "name": "Aspen"}, {"key": "may", "name": "May"},
                                            {"key": "june", "name": "June"}]})  # June: organisation file only


def _seed(sessions) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        ids = ensure_clinics(s, [{"key": "aspen", "name": "Aspen"}, {"key": "may", "name": "May"}])
        s.add(Appointment(source="t", external_id="a1", clinic_id=ids["aspen"], patient_pseudonym="p1",
                          appointment_date=date(2026, 3, 2), status="completed", row_hash="h1"))


@pytest.mark.parametrize("clinic", ["May", "June"])
@pytest.mark.parametrize("question", ["expected no-shows next 5 days", "expected no-shows tomorrow", "demand"])
def test_a_clinic_without_appointment_data_says_no_data_yet(sessions, question: str, clinic: str) -> None:  # type: ignore[no-untyped-def]
    _seed(sessions)
    with session_scope(sessions) as s, pytest.raises(NoDataError) as err:
        lookahead_reply(s, ORG, f"{question} at {clinic.lower()}", now=NOW)
    assert str(err.value).startswith(f"No data yet for {clinic} ({clinic.lower()}): the appointment feed has never "
                                     "carried a row")
    assert "0 booked" not in str(err.value)


def test_a_clinic_with_data_and_nothing_booked_says_zero(sessions) -> None:  # type: ignore[no-untyped-def]
    _seed(sessions)
    with session_scope(sessions) as s:
        reply = lookahead_reply(s, ORG, "expected no-shows next 5 days at aspen", now=NOW)
    assert reply is not None
    _, text = reply.ephemeral
    for day in ("Mon 09 Mar", "Tue 10 Mar", "Wed 11 Mar", "Thu 12 Mar", "Fri 13 Mar"):
        assert day in text
    assert text.count("0 booked visits") == 6, text  # five days and their total
