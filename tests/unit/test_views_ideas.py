"""Idea, PDSA and Home views within Slack's limits (shared/spec/slack.md) for long inputs:
3,000-character fields, 100 ideas in a list, emoji and non-Latin text."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from bot.ideas.pdsa import CycleCard
from bot.ideas.service import HistoryEntry, IdeaCard
from bot.ideas.similar import Similar
from bot.ideas.states import IdeaState
from bot.ids import Action
from bot.views import home, ideas, pdsa
from bot.views.limits import check_message

LONG = "患者の流れ 🚑 " * 300  # 3,000+ characters of non-Latin text and emoji


def card(i: int = 1, *, title: str = "Text reminders", body: str = "x", state: IdeaState = IdeaState.NEW,
         anonymous: bool = False, overdue: bool = False) -> IdeaCard:
    return IdeaCard(id=i, title=title, problem=body, proposed_change=body, category="scheduling",
                    clinic_key="north", clinic_name="Nørth Клиника " * 20, kpi_id="no-show-rate",
                    anonymous=anonymous, submitter_user_id=None if anonymous else "U1", state=state,
                    owner_user_id="U2", due_date=date(2026, 1, 5), close_reason=None,
                    created_date=date(2026, 1, 1), votes=i, overdue=overdue)


def cycle(i: int = 1, text: str = "Start on time") -> CycleCard:
    return CycleCard(id=i, idea_id=i, idea_title=LONG[:150], clinic_key="north", cycle_number=1,
                     parent_id=None, owner_user_id="U2", objective=text, predictions=text,
                     kpi_id="no-show-rate", status="open", act=None, started_date=date(2026, 1, 1),
                     ended_date=None, last_activity_at=datetime(2026, 1, 1), updates=0)


def test_form_prefilled_with_3000_character_fields_and_similar_ideas() -> None:
    values = {"title": LONG[:150], "problem": LONG[:3000], "proposed_change": LONG[:3000],
              "anonymous": True, "clinic_key": "north"}
    clinics = [(f"c{i}", f"Clinic {i} " + "é" * 80) for i in range(120)]  # beyond 100 options
    similar = [Similar(i, LONG[:150], IdeaState.NEW, 90.0) for i in range(5)]
    view = ideas.idea_form(clinics, [("no-show-rate", "No-show rate")], values=values, similar=similar)
    by_id = {b.get("block_id"): b for b in view["blocks"]}
    groups = by_id[ideas.IdeaField.CLINIC]["element"]["option_groups"]  # Slack: 100 options per group
    assert all(len(g["options"]) <= 100 for g in groups)
    assert sorted(o["value"] for g in groups for o in g["options"]) == sorted(k for k, _ in clinics)  # all 120
    assert by_id[ideas.IdeaField.PROBLEM]["element"]["initial_value"] == LONG[:3000]
    assert by_id[ideas.IdeaField.ANONYMOUS]["element"]["initial_options"][0]["value"] == "yes"
    assert sum(Action.IDEA_UPVOTE_INSTEAD in json.dumps(b) for b in view["blocks"]) == 5


def test_read_form_round_trip() -> None:
    state = {"values": {
        ideas.IdeaField.TITLE: {"value": {"type": "plain_text_input", "value": "T"}},
        ideas.IdeaField.CATEGORY: {"value": {"type": "static_select", "selected_option": {"value": "billing"}}},
        ideas.IdeaField.ANONYMOUS: {"value": {"type": "checkboxes", "selected_options": [{"value": "yes"}]}},
    }}
    got = ideas.read_idea_form({"state": state})
    assert (got["title"], got["category"], got["anonymous"], got["problem"]) == ("T", "billing", True, "")


def test_idea_message_with_3000_character_texts_fits_and_shows_live_count() -> None:
    blocks, text = ideas.idea_message(card(7, title=LONG[:150], body=LONG[:3000], state=IdeaState.TESTING))
    dumped = json.dumps(blocks, ensure_ascii=False)
    assert "Upvote (7)" in dumped
    assert [e["action_id"] for e in blocks[-1]["elements"]] == [
        "idea_upvote", "idea_status:adopted", "idea_status:adapted", "idea_status:abandoned"]
    assert len(blocks[0]["text"]["text"]) <= 3000


def test_anonymous_card_names_no_one_and_overdue_is_flagged() -> None:
    blocks, _ = ideas.idea_message(card(anonymous=True, overdue=True))
    context = blocks[1]["elements"][0]["text"]
    assert "by anonymous" in context and "<@" not in context.split("owner")[0]
    assert ":warning: *overdue*" in context


def test_list_of_100_ideas_splits_into_valid_messages() -> None:
    cards = [card(i, title=LONG[:150], overdue=i % 3 == 0) for i in range(1, 101)]
    messages = ideas.idea_list(cards, "Ideas at north")
    text = "\n".join(b["text"]["text"] for m in messages for b in m if b["type"] == "section")
    assert all(f"*#{i}*" in text for i in range(1, 101))  # every idea listed once
    assert sum(len(m) for m in messages) >= 2
    for m in messages:
        check_message(m)


def test_detail_with_long_history() -> None:
    hist = [HistoryEntry("new", "under_review", "U9", date(2026, 1, i % 28 + 1), LONG[:2000]) for i in range(40)]
    blocks, _ = ideas.idea_detail(card(body=LONG[:3000]), ideas.history_lines(hist))
    assert "History" in json.dumps(blocks, ensure_ascii=False)


def test_status_form_requires_reason_only_when_closing() -> None:
    closing = ideas.status_form(card(), IdeaState.DECLINED, {"idea_id": 1})
    planned = ideas.status_form(card(), IdeaState.PLANNED, {"idea_id": 1})
    reason = lambda v: next(b for b in v["blocks"] if b.get("block_id") == ideas.IdeaField.REASON)  # noqa: E731
    assert reason(closing)["optional"] is False and reason(planned)["optional"] is True


def test_pdsa_views_with_long_text() -> None:
    view = pdsa.start_form(card(title=LONG[:150]), [(f"k{i}", "é" * 90) for i in range(150)], 2)
    number = next(b for b in view["blocks"] if b.get("block_id") == pdsa.PdsaField.NUMBER)
    assert number["element"]["initial_value"] == "2"
    assert pdsa.update_form(cycle(text=LONG[:3000]))["callback_id"] == "pdsa_update"
    messages = pdsa.cycle_list([cycle(i, LONG[:3000]) for i in range(100)], "Cycles")
    assert sum(m.count("*#") for msg in messages for b in msg if b["type"] == "section"
               for m in [b["text"]["text"]]) == 100
    blocks, _ = pdsa.reminder_message(cycle(text=LONG[:3000]), 7)
    assert [e["action_id"] for e in blocks[1]["elements"]] == ["pdsa_post_update", "pdsa_snooze", "pdsa_close"]


@pytest.mark.parametrize("n", [0, 5, 100])
def test_home_stays_within_100_blocks(n: int) -> None:
    cards = [card(i, title=LONG[:150]) for i in range(n)]
    view = home.home_view(cards, [cycle(i, LONG) for i in range(n)], cards, cards)
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    shown = json.dumps(view, ensure_ascii=False).count("*#")
    assert shown == min(n, home.PER_SECTION) * 4
