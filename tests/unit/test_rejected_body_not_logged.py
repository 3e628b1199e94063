"""A request with a bad signature is refused without its body reaching the logs (the body can
hold staff-typed text, so possibly a patient identifier)."""

import logging

from slack_bolt.request import BoltRequest

from bot.app import create_app
from bot.settings import load_settings
from devtools.signing import signed_headers, slash_command_body
from storage.db import make_engine, make_session_factory


def test_bad_signature_is_401_and_the_body_is_not_logged(sqlite_url, caplog) -> None:
    settings = load_settings(DATABASE_URL=sqlite_url, SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET="right",
                             SLACK_API_URL="http://127.0.0.1:9/api/")
    engine = make_engine(settings.database_url)
    app = create_app(settings, engine, make_session_factory(engine))
    body = slash_command_body("/kpi", "no-show-rate MRN 48213377", user_id="U1", channel_id="C1", team_id="T1",
                              response_url="http://127.0.0.1:9/r", trigger_id="1.2.3")
    with caplog.at_level(logging.DEBUG), caplog.at_level(logging.DEBUG, logger="slack_bolt.RequestVerification"):
        response = app.dispatch(BoltRequest(body=body, headers=signed_headers("wrong", body)))
    engine.dispose()
    assert response.status == 401
    assert "Invalid request signature" in caplog.text
    assert "48213377" not in caplog.text
