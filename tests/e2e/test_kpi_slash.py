"""``/kpi`` through the real Bolt app (signed requests in, Web API calls out to the local Slack
stand-in): the answer, "Share to channel", "Show chart", usage help, and 64 concurrent commands.

Data: 13 hand-written appointments; expected figures counted by hand in the comments.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime

import pytest

from bot.ids import Action
from bot.settings import load_settings
from devtools.asking import LocalSlack
from devtools.signing import block_actions_payload, slash_command_body
from storage.db import make_engine, make_session_factory, session_scope
from storage.reference import ensure_clinics
from tests.e2e.slack_payloads import signed_request
from tests.hand_feed import load_hand_appointments

pytestmark = pytest.mark.e2e

# RESISTÊNCIA: 10 appointments in May 2016, 3 no-shows, 1 cancelled in time (excluded), 1 late
# cancellation (kept in D) -> D = 10 - 1 = 9, N = 3 -> 33.33 %.  Harbour: 3 appointments, 0 no-shows.
ROWS = ([("RESISTÊNCIA", date(2016, 5, d), "no_show") for d in (2, 3, 4)]
        + [("RESISTÊNCIA", date(2016, 5, d), "completed") for d in (5, 6, 9, 10, 11)]
        + [("RESISTÊNCIA", date(2016, 5, 12), "cancelled"), ("RESISTÊNCIA", date(2016, 5, 13), "late_cancelled")]
        + [("Harbour", date(2016, 5, d), "completed") for d in (2, 3, 4)])


@pytest.fixture
def bot(sqlite_url):
    engine = make_engine(sqlite_url)
    sessions = make_session_factory(engine)
    with session_scope(sessions) as s:
        ids = ensure_clinics(s, [{"key": "res", "name": "RESISTÊNCIA", "timezone": "America/Sao_Paulo"},
                                 {"key": "harbour", "name": "Harbour", "timezone": "America/Sao_Paulo"}])
        key = {"RESISTÊNCIA": "res", "Harbour": "harbour"}
        load_hand_appointments(s, [{"clinic_id": ids[key[c]], "appointment_date": d, "status": st} for c, d, st in ROWS],
                               loaded_at=datetime(2016, 6, 1, 9))
    settings = load_settings(DATABASE_URL=sqlite_url)
    with LocalSlack(settings, engine, sessions) as local:
        yield local
    engine.dispose()


def _reply_text(result) -> str:  # type: ignore[no-untyped-def]
    assert result.replies, "no reply"
    return " ".join(str(r.get("text", "")) + json.dumps(r.get("blocks", ""), ensure_ascii=False) for r in result.replies)


def test_kpi_answer_is_acked_then_sent_ephemeral(bot):
    result = bot.command("/kpi no-show-rate clinic resistencia 2016-05")
    assert result.ack_status == 200
    reply = result.replies[0]
    assert reply["via"] == "response_url" and reply["response_type"] == "ephemeral"
    text = _reply_text(result)
    assert "33.33 %" in text and "3 of 9 appointments" in text
    assert "data covers 2016-05-02..2016-05-13" in text  # first and last appointment inside the period
    assert "Period: May 2016" in text and "May 2016 (2016-05-01..2016-05-31)" in text  # one name for the month
    assert "as of 2016-06-01 09:05 UTC" in text


def test_share_posts_the_answer_in_the_channel(bot):
    value = json.dumps({"q": "no-show-rate clinic resistencia 2016-05"})
    payload = block_actions_payload(Action.KPI_SHARE.value, value, channel_id="C0SHARE",
                                    response_url=bot.standin.new_response_url(), is_ephemeral=True)
    result = bot.interact(payload)
    posts = [r for r in result.replies if r["via"] == "chat.postMessage"]
    assert len(posts) == 1 and posts[0]["channel"] == "C0SHARE"
    assert "33.33 %" in posts[0]["text"]
    assert Action.KPI_SHARE.value not in json.dumps(posts[0].get("blocks", ""))  # no buttons in the channel copy


def test_show_chart_uploads_a_png(bot):
    value = json.dumps({"q": "no-show-rate all"})
    payload = block_actions_payload(Action.KPI_CHART.value, value, channel_id="C0CHART",
                                    response_url=bot.standin.new_response_url())
    result = bot.interact(payload)
    methods = [c.method for c in result.calls]
    assert "files.getUploadURLExternal" in methods and "files.completeUploadExternal" in methods


def test_unknown_clinic_gets_did_you_mean_not_a_trace(bot):
    text = _reply_text(bot.command("/kpi no-show-rate clinic resistensia"))
    assert "Unknown clinic 'resistensia' — did you mean `RESISTÊNCIA` (res)" in text and "Traceback" not in text


def test_empty_period_says_no_data_with_latest_date(bot):
    text = _reply_text(bot.command("/kpi no-show-rate 2016-07"))
    assert "no data" in text and "2016-05-13" in text and "0.00 %" not in text


def test_64_concurrent_commands_are_all_acked_and_answered(bot):
    app = bot.app

    def one(i: int):  # type: ignore[no-untyped-def]
        body = slash_command_body("/kpi", "no-show-rate clinic harbour 2016-05" if i % 2 else "noshow clinic res 2016-05",
                                  response_url=bot.standin.new_response_url())
        return app.dispatch(signed_request(bot.secret, body)).status

    with ThreadPoolExecutor(max_workers=64) as pool:
        statuses = list(pool.map(one, range(64)))
    bot._settle(30)
    assert statuses == [200] * 64
    texts = [str(p.params.get("text", "")) for p in bot.standin.response_posts]
    assert sum("33.33 %" in t for t in texts) == 32 and sum("0.00 % (0 of 3" in t for t in texts) == 32
