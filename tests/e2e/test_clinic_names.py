"""Issue 17: one clinic-name resolver for every command. The four cases of the issue — a prefix
(``junip``), a name in another case (``Juniper``), an unknown name (``nowhere``) and an ambiguous
one (``family``) — give the same, right answer in ``/kpi``, ``/idea list``, ``/pdsa list
clinic``, ``/digest preview`` and ``/digest subscribe``, driven as signed slash commands through
the real Bolt app (``devtools.asking.LocalSlack``) on both databases; the access guard resolves the
name the same way (a manager of Juniper only may preview ``junip``'s digest).

Expected answers come from the clinic list below, not from running the resolver: Juniper Family
Health is the only name starting "junip" or "juniper"; "family" starts a word of two names
(Juniper Family Health, North Family Practice); no name or key contains "nowhere".
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.render_text import render_reply
from bot.settings import load_settings
from core.text import fold
from devtools.asking import LocalSlack
from storage.db import session_scope
from storage.models import Idea, PdsaCycle
from storage.reference import ensure_clinics
from tests.hand_feed import load_hand_appointments

pytestmark = pytest.mark.e2e

CLINICS = [("juniper", "Juniper Family Health"), ("north", "North Family Practice"),
           ("south", "South Pediatrics"), ("junction", "Junction Clinic")]
ORG = """
clinics:
  - {key: juniper, name: Juniper Family Health, timezone: America/Denver}
  - {key: north, name: North Family Practice, timezone: America/New_York}
  - {key: south, name: South Pediatrics, timezone: America/Chicago}
  - {key: junction, name: Junction Clinic, timezone: America/Chicago}
roles:
  admin: [U0ADMIN]
  manager: {juniper: [U0JMGR], north: [U0NMGR]}
finance_channels: [C0FINANCE]
"""
# Juniper, May 2016: 4 appointments, 1 no-show -> no-show rate 1/4 = 25.00 %
ROWS = [(date(2016, 5, 2), "no_show"), (date(2016, 5, 3), "completed"), (date(2016, 5, 4), "completed"),
        (date(2016, 5, 5), "completed")]
UNKNOWN = "Unknown clinic 'nowhere': no clinic of the "  # nothing close: no unrelated "did you mean"
AMBIGUOUS = ("'family' matches 2 clinics: Juniper Family Health (juniper); North Family Practice (north). "
             "Which one?")


@pytest.fixture
def org_file(tmp_path: Path) -> Path:
    path = tmp_path / "org.yml"
    path.write_text(ORG, encoding="utf-8")
    return path


@pytest.fixture
def seeded(sessions):  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        ids = ensure_clinics(s, [{"key": key, "name": name, "timezone": "America/Chicago"} for key, name in CLINICS])
        load_hand_appointments(s, [{"clinic_id": ids["juniper"], "appointment_date": d, "status": st} for d, st in ROWS],
                               loaded_at=datetime(2016, 6, 1, 9))
        for key, title in (("juniper", "Juniper reminder calls"), ("north", "North kiosk check-in")):
            idea = Idea(clinic_id=ids[key], title=title, title_folded=fold(title), problem="p", proposed_change="c",
                        category="access", created_date=date(2016, 6, 1), state="new")
            s.add(idea)
            s.flush()
            s.add(PdsaCycle(idea_id=idea.id, clinic_id=ids[key], owner_user_id="U0ADMIN",
                            objective=f"Test {title}", started_date=date(2016, 6, 1)))
    return sessions


def _text(result: Any) -> str:
    assert result.replies, f"no reply (ack: {result.ack_text!r})"
    return "\n".join(render_reply(r) for r in result.replies)


COMMANDS = ["/kpi no-show-rate clinic {q} 2016-05", "/idea list {q}", "/pdsa list clinic {q}",
            "/digest preview {q}", "/digest subscribe {q} at 07:30"]


@pytest.fixture
def admin(engine, seeded, org_file):  # type: ignore[no-untyped-def]
    settings = load_settings(OPSBOT_CONFIG=str(org_file), DATABASE_URL="sqlite://")
    with LocalSlack(settings, engine, seeded, user_id="U0ADMIN", channel_id="C0OPS") as local:
        yield local


@pytest.mark.parametrize("q", ["junip", "Juniper", "JUNIPER FAMILY HEALTH", "juniper family health", "juniper"])
def test_a_name_that_means_juniper_finds_it_in_every_command(admin, q: str) -> None:  # type: ignore[no-untyped-def]
    kpi = _text(admin.command(f"/kpi no-show-rate clinic {q} 2016-05"))
    assert "NO-SHOW RATE · JUNIPER FAMILY HEALTH" in kpi and "25.00 %  (1 of 4 appointments)" in kpi
    ideas = _text(admin.command(f"/idea list {q}"))
    assert "IDEAS AT JUNIPER FAMILY HEALTH" in ideas and "Juniper reminder calls" in ideas
    assert "North kiosk" not in ideas
    cycles = _text(admin.command(f"/pdsa list clinic {q}"))
    assert "PDSA CYCLES AT JUNIPER FAMILY HEALTH" in cycles and "Test Juniper" not in cycles  # a card, not the objective
    assert "Juniper reminder calls" in cycles and "North kiosk" not in cycles
    preview = _text(admin.command(f"/digest preview {q}"))
    assert "PREVIEW — DAILY DIGEST · JUNIPER FAMILY HEALTH" in preview and "Juniper reminder calls" in preview
    subscribed = _text(admin.command(f"/digest subscribe {q} at 07:30"))
    assert "juniper at 07:30" in subscribed


def test_an_idea_list_names_a_clinic_in_several_words_and_a_state(admin) -> None:  # type: ignore[no-untyped-def]
    ideas = _text(admin.command("/idea list Juniper Family Health new"))
    assert "IDEAS AT JUNIPER FAMILY HEALTH (" in ideas and "Juniper reminder calls" in ideas


@pytest.mark.parametrize(("q", "answer"), [("nowhere", UNKNOWN), ("family", AMBIGUOUS)])
def test_unknown_and_ambiguous_names_get_the_same_answer_in_every_command(admin, q: str, answer: str) -> None:  # type: ignore[no-untyped-def]
    firsts = set()
    for command in COMMANDS:
        text = _text(admin.command(command.format(q=q)))
        assert answer in text, (command, text)
        assert "no ideas" not in text.lower() and "Traceback" not in text
        firsts.add(text.splitlines()[0])
    assert len(firsts) == 1, firsts  # word for word the same first line


def test_unknown_clinic_suggests_the_closest_names(admin) -> None:  # type: ignore[no-untyped-def]
    text = _text(admin.command("/idea list junipr"))
    assert text.startswith("Unknown clinic 'junipr' — did you mean `Juniper Family Health` (juniper)")


def test_the_access_guard_resolves_the_name_as_the_commands_do(engine, seeded, org_file) -> None:  # type: ignore[no-untyped-def]
    """``/digest preview`` in a finance channel (its digest carries revenue-cycle figures) needs the
    clinic's manager: the guard must find Juniper from ``junip`` (before issue 17 it knew only keys
    and full names, and refused Juniper's own manager)."""
    settings = load_settings(OPSBOT_CONFIG=str(org_file), DATABASE_URL="sqlite://")
    with LocalSlack(settings, engine, seeded, user_id="U0JMGR", channel_id="C0FINANCE") as local:
        own = _text(local.command("/digest preview junip"))
        assert "PREVIEW — DAILY DIGEST · JUNIPER FAMILY HEALTH" in own
    with LocalSlack(settings, engine, seeded, user_id="U0NMGR", channel_id="C0FINANCE") as local:
        other = local.command("/digest preview junip")
        assert not other.replies  # refused on the ack, naming the clinic the guard resolved
        assert "manager role for Juniper Family Health" in (other.ack_text or "")
        north = _text(local.command("/digest preview North Family"))
        assert "PREVIEW — DAILY DIGEST · NORTH FAMILY PRACTICE" in north
