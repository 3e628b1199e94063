"""Acknowledged work survives a crash (issue 14), on SQLite and PostgreSQL, through the real app.

* A ``/kpi`` command's reply is recorded (``pending_replies``) before the acknowledgement and
  forgotten once the answer has gone.
* A row left by a process that died (its claim lapsed) is answered by another process's sweeper
  through the original ``response_url``; one older than 30 minutes goes to the asker by DM with
  an apology (Slack: a response_url is valid for 30 minutes).
* A row claimed by a live process is left alone.

Data: 3 hand-written appointments at one clinic, 1 no-show → 1 / 3 = 33.3 %.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.replies.sweeper import Sweeper, client_for_app
from bot.settings import load_settings
from core.text import fold
from devtools.asking import LocalSlack
from storage import replies as store
from storage.db import make_engine, make_session_factory, session_scope
from storage.models import Clinic, PendingReply, utcnow
from tests.hand_feed import load_hand_appointments


@pytest.fixture
def bot(db_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(db_url)
    sessions = make_session_factory(engine)
    with session_scope(sessions) as s:
        clinic = Clinic(key="north", name="North", name_folded=fold("North"), timezone="UTC")
        s.add(clinic)
        s.flush()
        load_hand_appointments(s, [{"clinic_id": clinic.id, "appointment_date": date(2016, 5, 2 + i), "status": st}
                                   for i, st in enumerate(("no_show", "completed", "completed"))],
                               loaded_at=datetime(2016, 6, 1, 9))
    settings = load_settings(DATABASE_URL=db_url, OPSBOT_REPLY_LEASE_SECONDS="5")
    with LocalSlack(settings, engine, sessions, user_id="U0ASKER") as local:
        yield local
    engine.dispose()


def _owed(local: LocalSlack) -> list[PendingReply]:
    with local.sessions() as s:
        return list(s.scalars(select(PendingReply)))


def _leave_row(local: LocalSlack, response_url: str, *, received: datetime, holder: str = "dead-host:1:x",
               until: datetime | None = None) -> int:
    """A row as a process would leave it when killed between its ack and its reply."""
    payload = {"response_url": response_url, "user_id": "U0ASKER", "team_id": "T0LOCAL",
               "text": "no-show-rate clinic north 2016-05", "asked": "/kpi no-show-rate clinic north 2016-05"}
    with session_scope(local.sessions) as s:
        return store.add(s, "kpi.answer", json.dumps(payload), holder, received,
                         until or received + timedelta(seconds=5))


def _sweeper(local: LocalSlack) -> Sweeper:
    ctx: Any = local.app._opsbot_ctx  # type: ignore[union-attr]
    return Sweeper(ctx.replies, ctx.workers, client_for_app(local.app))


def test_the_reply_is_recorded_before_the_ack_and_forgotten_after_the_answer(bot: LocalSlack) -> None:
    seen: list[list[PendingReply]] = []
    ctx: Any = bot.app._opsbot_ctx  # type: ignore[union-attr]
    work = ctx.replies.by_kind["kpi.answer"].work

    def spying(payload: dict, respond: Any, client: Any) -> None:  # type: ignore[type-arg]
        seen.append(_owed(bot))  # the row exists while the work runs, i.e. it was committed before
        work(payload, respond, client)

    ctx.replies.by_kind["kpi.answer"] = ctx.replies.by_kind["kpi.answer"].__class__("kpi.answer", None, spying)  # type: ignore[arg-type]
    result = bot.command("/kpi no-show-rate clinic north 2016-05")
    assert result.ack_status == 200
    assert "33.3" in json.dumps(result.replies)
    assert len(seen) == 1 and len(seen[0]) == 1
    row = seen[0][0]
    assert row.kind == "kpi.answer" and json.loads(row.payload)["text"] == "no-show-rate clinic north 2016-05"
    assert row.claimed_by == ctx.replies.holder
    assert _owed(bot) == []


def test_a_dead_process_reply_is_answered_by_another_through_the_response_url(bot: LocalSlack) -> None:
    url = bot.standin.new_response_url()
    _leave_row(bot, url, received=utcnow() - timedelta(seconds=30))  # lease long lapsed
    assert _sweeper(bot).tick() == 1
    bot._settle(20)
    posts = [p for p in bot.standin.response_posts if p.headers["X-Path"] == "/" + url.split("/", 3)[3]]
    assert len(posts) == 1 and "33.3" in json.dumps(posts[0].params)
    assert not bot.standin.calls_to("chat.postMessage")
    assert _owed(bot) == []


def test_after_30_minutes_the_answer_goes_by_dm_with_an_apology(bot: LocalSlack) -> None:
    url = bot.standin.new_response_url()
    _leave_row(bot, url, received=utcnow() - timedelta(minutes=31))
    assert _sweeper(bot).tick() == 1
    bot._settle(20)
    assert not bot.standin.response_posts  # the expired response_url is not used
    dms = bot.standin.calls_to("chat.postMessage")
    assert len(dms) == 1 and dms[0].params["channel"] == "U0ASKER"
    text = json.dumps(dms[0].params)
    assert "Sorry for the delay" in text and "/kpi no-show-rate clinic north 2016-05" in text and "33.3" in text
    assert _owed(bot) == []


def test_a_live_claim_is_left_alone(bot: LocalSlack) -> None:
    url = bot.standin.new_response_url()
    now = utcnow()
    _leave_row(bot, url, received=now, holder="alive-host:2:y", until=now + timedelta(minutes=5))
    assert _sweeper(bot).tick() == 0
    assert len(_owed(bot)) == 1 and not bot.standin.response_posts


def test_a_reply_that_took_down_every_process_is_given_up_with_a_message(bot: LocalSlack) -> None:
    from bot.replies.sweeper import MAX_ATTEMPTS

    url = bot.standin.new_response_url()
    row = _leave_row(bot, url, received=utcnow() - timedelta(seconds=30))
    with session_scope(bot.sessions) as s:
        s.get(PendingReply, row).attempts = MAX_ATTEMPTS  # type: ignore[union-attr]
    assert _sweeper(bot).tick() == 1
    bot._settle(20)
    assert not bot.standin.response_posts  # not tried again
    dms = bot.standin.calls_to("chat.postMessage")
    assert len(dms) == 1 and dms[0].params["channel"] == "U0ASKER" and "could not answer" in dms[0].params["text"]
    assert _owed(bot) == []


def test_a_dead_process_digest_command_is_answered_too(bot: LocalSlack) -> None:
    url = bot.standin.new_response_url()
    payload = {"response_url": url, "user_id": "U0ASKER", "team_id": "T0LOCAL", "text": "help",
               "channel_id": "C0LOCAL", "asked": "/digest help"}
    then = utcnow() - timedelta(seconds=30)
    with session_scope(bot.sessions) as s:
        store.add(s, "digest.command", json.dumps(payload), "dead-host:1:x", then, then)
    direct = bot.command("/digest help")  # what a live process answers, for comparison
    assert _sweeper(bot).tick() == 1
    bot._settle(20)
    redone = [p.params for p in bot.standin.response_posts if p.headers["X-Path"] == "/" + url.split("/", 3)[3]]
    live = [{k: v for k, v in r.items() if k not in ("via",)} for r in direct.replies]
    assert redone and redone == live
    assert _owed(bot) == []


def test_a_dead_process_upvote_is_counted_once_and_the_card_refreshed(bot: LocalSlack) -> None:
    from storage.models import Idea, IdeaVote

    with session_scope(bot.sessions) as s:
        idea = Idea(title="Text reminders", title_folded="text reminders", problem="p", proposed_change="c",
                    category="scheduling", created_date=date(2026, 11, 2))
        s.add(idea)
        s.flush()
        idea_id = idea.id
    payload = {"idea": str(idea_id), "user_id": "U0ASKER", "team_id": "T0LOCAL", "response_url": None,
               "channel_id": "C0IMPROVE", "message_ts": "111.222", "ephemeral": False}
    then = utcnow() - timedelta(seconds=30)
    for _ in range(2):  # the same click owed twice (e.g. redone after a crash that followed the vote)
        with session_scope(bot.sessions) as s:
            store.add(s, "idea.upvote", json.dumps(payload), "dead-host:1:x", then, then)
    assert _sweeper(bot).tick() == 2
    bot._settle(20)
    with bot.sessions() as s:
        votes = s.scalars(select(IdeaVote.user_id).where(IdeaVote.idea_id == idea_id)).all()
    assert votes == ["U0ASKER"]  # counted once
    updates = bot.standin.calls_to("chat.update")
    assert [(u.params["channel"], u.params["ts"]) for u in updates] == [("C0IMPROVE", "111.222")]
    assert _owed(bot) == []
