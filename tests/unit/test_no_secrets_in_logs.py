"""Tokens and the pseudonymisation key never appear in logs, errors or replies.

Distinctive secret values are set; several flows run through the real app (an answer, a refusal,
a bad signature, a Slack API failure that ends in the error handler, an auth failure, a replay, a
pseudonymised import-style call, an invalid setting); every log record (DEBUG and up, all
loggers), everything written to stdout/stderr, every HTTP answer and everything sent to the
Slack stand-in is searched for the secrets.
"""

from __future__ import annotations

import json
import logging

from slack_bolt import BoltRequest

from bot.app import create_app
from bot.errors import OpsBotError
from bot.privacy import pseudonym
from bot.settings import load_settings
from devtools.signing import block_actions_payload, interactive_body, signed_headers, slash_command_body
from devtools.standin import SlackStandIn
from storage.db import make_engine, make_session_factory

TOKEN = "xoxb-SECRETTOKEN-7f3a9e"
SIGNING = "SIGNINGSECRET-91bd44"
APP_TOKEN = "xapp-APPSECRET-5521"
PSEUDO = "PSEUDOKEY-c0ffee77-5e1f-4b0a-9d3c-7a2e81f4"  # at least 32 characters, as required
SECRETS = (TOKEN, SIGNING, APP_TOKEN, PSEUDO)


def test_secrets_never_reach_logs_errors_or_replies(sqlite_url, tmp_path, caplog, capfd) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    config = tmp_path / "org.yml"
    config.write_text("clinics:\n  - {key: north, name: North, timezone: UTC}\nroles: {admin: [U0ADMIN]}\n")
    seen: list[str] = []
    engine = make_engine(sqlite_url)
    sessions = make_session_factory(engine)
    with SlackStandIn() as slack:
        settings = load_settings(SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SIGNING, SLACK_APP_TOKEN=APP_TOKEN,
                                 OPSBOT_PSEUDONYM_KEY=PSEUDO, SLACK_API_URL=slack.base_url,
                                 DATABASE_URL=sqlite_url, OPSBOT_CONFIG=str(config))
        seen.append(repr(settings))
        app = create_app(settings, engine, sessions)

        def send(body: str, secret: str = SIGNING) -> None:
            resp = app.dispatch(BoltRequest(body=body, headers=signed_headers(secret, body)))
            seen.append(f"{resp.status} {resp.body} {resp.headers}")

        send(slash_command_body("/kpi", "no-show-rate", user_id="U0NURSE", response_url=slack.new_response_url()))
        send(slash_command_body("/kpi", "denial-rate", user_id="U0NURSE", response_url=slack.new_response_url()))
        send(slash_command_body("/opsbot", "status", user_id="U0ADMIN", response_url=slack.new_response_url()))
        send(slash_command_body("/kpi", "no-show-rate", response_url=slack.new_response_url()), secret="wrong")
        slack.inject("views.open", error="invalid_auth")  # ends in @app.error with a logged trace
        send(slash_command_body("/idea", "", user_id="U0NURSE", response_url=slack.new_response_url()))
        slack.inject("views.open", status=500, body="<html>oops</html>", times=3)
        send(slash_command_body("/idea", "a title", user_id="U0NURSE", response_url=slack.new_response_url()))
        replay = interactive_body(block_actions_payload("idea_upvote", "999", user_id="U0NURSE",
                                                        response_url=slack.new_response_url()))
        send(replay)
        send(replay)
        slack.wait_until_quiet(idle=0.5, timeout=15)
        app._listener_runner.listener_executor.shutdown(wait=True)  # type: ignore[attr-defined]
        app._opsbot_ctx.workers.shutdown(wait=True)  # type: ignore[attr-defined]
        seen += [json.dumps(c.params) + json.dumps(c.headers) for c in slack.calls]
        seen += [json.dumps(c.params) for c in slack.response_posts]
    seen.append(pseudonym("PATIENT-1", PSEUDO))
    try:
        load_settings(SLACK_BOT_TOKEN=TOKEN, DATABASE_URL="not a url", OPSBOT_LISTENER_THREADS="-5")
    except OpsBotError as exc:
        seen.append(str(exc))
    engine.dispose()
    out, err = capfd.readouterr()
    seen += [out, err] + [r.getMessage() + (r.exc_text or "") for r in caplog.records]
    logging_text = "\n".join(caplog.text.splitlines())
    blob = "\n".join(seen) + logging_text
    assert any(r.levelno >= logging.ERROR for r in caplog.records), "the error path was not exercised"
    assert any("invalid_auth" in s or "went wrong" in s for s in seen), "no error reached a reply"
    for secret in SECRETS:
        assert secret not in blob, f"secret {secret[:8]}… leaked"
