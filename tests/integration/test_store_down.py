"""A database that is down (connection refused) gives the plain notice (issue 14), not
"something went wrong (ref …)", and no error-level log with a trace: for a command (the guard
cannot record it, so the acknowledgement itself says so) and for work after an acknowledgement."""

from __future__ import annotations

import json
import logging
import socket

import pytest

from bot.errors import STORE_NOT_ANSWERING
from bot.failures import user_message
from bot.settings import load_settings
from devtools.asking import LocalSlack
from storage.db import make_engine


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


def test_a_command_while_the_database_is_down_gets_the_notice_in_its_ack(caplog: pytest.LogCaptureFixture) -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/opsbot"
    engine = make_engine(url, connect_timeout=2, pool_timeout=1)
    settings = load_settings(DATABASE_URL=url)
    caplog.set_level(logging.WARNING)
    with LocalSlack(settings, engine) as local:
        for text in ("/kpi no-show-rate all", "/idea list", "/pdsa list mine"):
            result = local.command(text)
            assert result.ack_status == 200
            assert result.ack_body["text"] == STORE_NOT_ANSWERING  # type: ignore[index]
            assert not any("went wrong" in json.dumps(r) for r in result.replies)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    engine.dispose()


def test_work_after_the_ack_maps_driver_errors_to_the_notice(caplog: pytest.LogCaptureFixture) -> None:
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    caplog.set_level(logging.WARNING)
    refused = OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))
    assert user_message(refused, "/kpi") == STORE_NOT_ANSWERING
    assert user_message(PoolTimeout("QueuePool limit reached"), "/kpi") == STORE_NOT_ANSWERING
    assert not [r for r in caplog.records if r.exc_info]
    assert user_message(ValueError("a bug"), "/kpi").startswith("Sorry, something went wrong")
