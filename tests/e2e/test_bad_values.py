"""Values a person can type or a stale message can carry (issue 14): huge numbers, Unicode digits
and control characters in commands and button values get usage help or a clear reply through the
real app — never "something went wrong" and never an error-level log."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.ids import Action
from bot.settings import load_settings
from devtools.asking import LocalSlack
from devtools.signing import block_actions_payload
from storage.db import make_engine, make_session_factory

pytestmark = pytest.mark.e2e
BAD = ["99999999999999999999999", "①", "²", "١٢", "1\x1b", "\x00", "2147483648"]


@pytest.fixture
def bot(sqlite_url: str, tmp_path: Path) -> Iterator[LocalSlack]:
    config = tmp_path / "org.yml"
    config.write_text("clinics:\n  - {key: north, name: North, timezone: UTC}\nroles: {admin: [U0ADMIN]}\n")
    engine = make_engine(sqlite_url)
    settings = load_settings(DATABASE_URL=sqlite_url, OPSBOT_CONFIG=str(config))
    with LocalSlack(settings, engine, make_session_factory(engine), user_id="U0ADMIN") as local:
        yield local
    engine.dispose()


def _said(result) -> str:  # type: ignore[no-untyped-def]
    return json.dumps([result.ack_body, *result.replies], ensure_ascii=False)


@pytest.mark.parametrize("value", BAD)
def test_commands_with_bad_ids_get_usage_help(bot: LocalSlack, value: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    for line in (f"/pdsa update {value}", f"/pdsa start {value}", f"/idea show {value}",
                 f"/idea status {value} declined duplicate"):
        result = bot.command(line)
        assert result.ack_status == 200, line
        said = _said(result)
        assert "as a number" in said and "went wrong" not in said, (line, said)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("action", [Action.IDEA_UPVOTE, Action.PDSA_CLOSE, Action.PDSA_SNOOZE])
def test_buttons_with_bad_values_get_a_clear_reply(bot: LocalSlack, action: str,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    for value in BAD:
        url = bot.standin.new_response_url()
        result = bot.interact(block_actions_payload(action, value, user_id="U0ADMIN", response_url=url))
        assert result.ack_status == 200
        said = _said(result)
        assert "not a valid number" in said and "went wrong" not in said, (action, value, said)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
