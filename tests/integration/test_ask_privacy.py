"""A patient's name typed into a question is never repeated back (through the real Bolt app and
the local Slack stand-in; the name comes from the question itself)."""

from __future__ import annotations

import json
import logging

import pytest

from bot.settings import load_settings
from devtools.asking import ask
from storage.db import make_engine

NAMES = ("john", "smith", "whitfield", "jane doe")


@pytest.mark.parametrize("question", [
    "/kpi no-show rate for John Smith at seaside",
    "/kpi no-show rate for john smith last month",
    "/kpi no show rate at whitfield",
    "/kpi Jane Doe",
])
def test_ask_never_echoes_a_patient_name(question: str, sqlite_url: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    engine = make_engine(sqlite_url)
    try:
        result = ask(question, settings=load_settings(DATABASE_URL=sqlite_url), engine=engine, timeout=10)
    finally:
        engine.dispose()
    assert result.ack_status == 200
    said = json.dumps([result.ack_body, result.ack_text, result.replies], default=str).lower()
    assert result.replies or result.ack_text  # the bot did answer something
    assert [n for n in NAMES if n in question.lower() and n in said] == []
    assert [n for n in NAMES if n in question.lower() and n in caplog.text.lower()] == []
