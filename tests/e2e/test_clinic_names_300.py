"""Issue 17 at health-system size: 300 clinics whose names and keys share prefixes ("Juniper 1",
"Juniper 10" … "Juniper 19"; "North 5", "Northgate 5", "Northfield 5"), resolved the same way by
``/kpi``, ``/idea list`` and ``/digest preview`` through the real Bolt app (both databases).

Expected answers follow from the names: a full name wins over the longer names it is a prefix
of; a prefix shared by 50 clinics is ambiguous and the answer says 50; an unknown word is unknown.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

from bot.render_text import render_reply
from bot.settings import load_settings
from core.text import fold
from devtools.asking import LocalSlack
from storage.db import session_scope
from storage.models import Clinic, Idea
from tests.hand_feed import load_hand_appointments

pytestmark = pytest.mark.e2e
STEMS = ["Juniper", "Junction", "North", "Northgate", "Northfield", "South"]
CLINICS = [(f"{stem.lower()}-{i}", f"{stem} {i}") for stem in STEMS for i in range(1, 51)]
# no-shows out of 4 appointments in May 2016: Juniper 1 -> 1/4 = 25.00 %, Juniper 10 -> 2/4 = 50.00 %
NO_SHOWS = {"juniper-1": 1, "juniper-10": 2}


@pytest.fixture
def bot(engine, sessions, tmp_path: Path):  # type: ignore[no-untyped-def]
    assert len(CLINICS) == 300
    with session_scope(sessions) as s:
        s.execute(insert(Clinic), [{"key": k, "name": n, "name_folded": fold(n), "timezone": "America/Chicago"}
                                   for k, n in CLINICS])
        ids = {k: i for k, i in s.execute(select(Clinic.key, Clinic.id))}
        rows = []
        for key, shows in NO_SHOWS.items():
            for d in range(4):
                rows.append({"external_id": f"{key}-{d}", "clinic_id": ids[key], "patient_pseudonym": f"p{key}{d}",
                             "appointment_date": date(2016, 5, 2 + d), "status": "no_show" if d < shows else "completed"})
        load_hand_appointments(s, rows, loaded_at=datetime(2016, 6, 1, 9))
        for key in NO_SHOWS:
            title = f"Idea for {key}"
            s.add(Idea(clinic_id=ids[key], title=title, title_folded=fold(title), problem="p", proposed_change="c",
                       category="access", created_date=date(2016, 6, 1), state="new"))
    org = tmp_path / "org.yml"
    org.write_text("roles: {admin: [U0ADMIN]}\n", encoding="utf-8")
    settings = load_settings(OPSBOT_CONFIG=str(org), DATABASE_URL="sqlite://")
    with LocalSlack(settings, engine, sessions, user_id="U0ADMIN", channel_id="C0OPS") as local:
        yield local


def _text(result: Any) -> str:
    assert result.replies, f"no reply (ack: {result.ack_text!r})"
    return "\n".join(render_reply(r) for r in result.replies)


@pytest.mark.parametrize(("q", "key", "name", "rate"), [
    ("juniper 1", "juniper-1", "Juniper 1", "25.00 %"),      # not Juniper 10…19
    ("JUNIPER 10", "juniper-10", "Juniper 10", "50.00 %"),   # not Juniper 100 (there is none) nor Juniper 1
    ("juniper-1", "juniper-1", "Juniper 1", "25.00 %"),      # the key, not juniper-10…19
])
def test_a_full_name_or_key_wins_over_longer_names_sharing_it(bot, q: str, key: str, name: str, rate: str) -> None:  # type: ignore[no-untyped-def]
    kpi = _text(bot.command(f"/kpi no-show-rate clinic {q} 2016-05"))
    assert f"NO-SHOW RATE · {name.upper()}\n" in kpi and rate in kpi
    ideas = _text(bot.command(f"/idea list {q}"))
    assert f"IDEAS AT {name.upper()}\n" in ideas and f"Idea for {key}" in ideas
    assert len([line for line in ideas.splitlines() if "Idea for" in line]) == 1
    preview = _text(bot.command(f"/digest preview {q}"))
    assert f"PREVIEW — DAILY DIGEST · {name.upper()}\n" in preview


def test_a_full_name_that_prefixes_others_is_that_clinic(bot) -> None:  # type: ignore[no-untyped-def]
    """"northgate 4" is Northgate 4's name and the start of Northgate 40…49's; "north 5" is
    North 5's name, and no Northgate or Northfield name starts with it. Neither has ideas."""
    assert _text(bot.command("/idea list northgate 4")) == "Ideas at Northgate 4: no ideas."
    assert _text(bot.command("/idea list north 5")) == "Ideas at North 5: no ideas."


@pytest.mark.parametrize("command", ["/kpi no-show-rate clinic northf 2016-05", "/idea list northf",
                                     "/digest preview northf"])
def test_a_prefix_shared_by_50_clinics_asks_which(bot, command: str) -> None:  # type: ignore[no-untyped-def]
    text = _text(bot.command(command))
    assert text.startswith("'northf' matches 50 clinics: Northfield 1 (northfield-1); Northfield 10 (northfield-10);")
    assert "more" in text and "Which one?" in text and len(text) < 3000


@pytest.mark.parametrize("command", ["/kpi no-show-rate clinic nowhere 2016-05", "/idea list nowhere",
                                     "/digest preview nowhere"])
def test_an_unknown_name_among_300_is_unknown(bot, command: str) -> None:  # type: ignore[no-untyped-def]
    text = _text(bot.command(command))  # no clinic is close to "nowhere": none is offered
    assert text.startswith("Unknown clinic 'nowhere': no clinic of the 300 known has a close name.")
    assert "did you mean" not in text
