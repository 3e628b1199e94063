"""A slash command no surface handles gets a helpful ephemeral answer, not Bolt's 404 (through the
real Bolt app, signed request, Slack stand-in)."""

from __future__ import annotations

from bot.settings import load_settings
from devtools.asking import ask
from storage.db import make_engine


def test_unknown_command_is_answered_with_the_known_ones(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    result = ask("/foo bar", settings=load_settings(DATABASE_URL=sqlite_url), engine=engine)
    engine.dispose()
    assert result.ack_status == 200
    body = result.ack_body
    assert isinstance(body, dict) and body.get("response_type") == "ephemeral"
    assert "`/foo`" in body["text"]
    for known in ("/kpi", "/idea", "/pdsa", "/digest", "/opsbot"):
        assert f"`{known}`" in body["text"]


def test_known_commands_are_not_caught_by_the_fallback(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    result = ask("/kpi help", settings=load_settings(DATABASE_URL=sqlite_url), engine=engine)
    engine.dispose()
    assert result.ack_status == 200
    assert "I don't handle" not in str(result.ack_body)
    assert any("/kpi" in str(reply) for reply in result.replies)
