"""The Slack stand-in under the real slack_sdk client, and ``ask`` driving the real Bolt app."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator

import pytest
from pydantic import SecretStr
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.app import make_web_client
from bot.errors import UsageError
from bot.settings import load_settings
from devtools.standin import SlackStandIn


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn() as standin:
        yield standin


@pytest.fixture
def client(slack: SlackStandIn) -> WebClient:
    """The bot's own client factory (with its retry handlers), pointed at the stand-in."""
    settings = load_settings(SLACK_BOT_TOKEN="xoxb-test-token", SLACK_API_URL=slack.base_url)
    return make_web_client(settings)


def test_post_message_answers_like_slack_and_is_recorded_without_the_token(slack, client) -> None:  # type: ignore[no-untyped-def]
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*20.2%*"}}]
    resp = client.chat_postMessage(channel="C1", text="no-show rate", blocks=blocks)
    assert resp["ok"] is True and resp["channel"] == "C1"
    assert resp["message"]["ts"] == resp["ts"] and resp["message"]["text"] == "no-show rate"
    call = slack.wait_for("chat.postMessage")[0]
    assert call.params["blocks"] == blocks and call.params["channel"] == "C1"
    assert "Authorization" not in call.headers and "token" not in call.params
    assert "xoxb-test-token" not in repr(slack.calls)


def test_each_message_gets_a_distinct_ts_and_update_keeps_it(slack, client) -> None:  # type: ignore[no-untyped-def]
    first = client.chat_postMessage(channel="C1", text="a")["ts"]
    second = client.chat_postMessage(channel="C1", text="b")["ts"]
    assert first != second
    assert client.chat_update(channel="C1", ts=first, text="a2")["ts"] == first


def test_conversations_open_users_info_and_views(client) -> None:  # type: ignore[no-untyped-def]
    assert client.conversations_open(users="U42")["channel"]["id"].startswith("D")
    assert client.users_info(user="U42")["user"]["id"] == "U42"
    view = {"type": "modal", "callback_id": "idea", "title": {"type": "plain_text", "text": "Idea"}, "blocks": [{"type": "divider"}]}
    opened = client.views_open(trigger_id="1.2.x", view=view)["view"]
    assert opened["callback_id"] == "idea" and opened["id"].startswith("V")


def test_files_upload_v2_completes_all_three_steps(slack, client) -> None:  # type: ignore[no-untyped-def]
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    resp = client.files_upload_v2(channel="C1", content=png, filename="chart.png", title="No-show p-chart")
    assert resp["file"]["title"] == "No-show p-chart"
    methods = [c.method for c in slack.calls if c.method != "auth.test"]
    assert methods == ["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]
    assert slack.uploads[resp["file"]["id"]] == png
    assert slack.calls_to("files.completeUploadExternal")[0].params["channel_id"] == "C1"


def test_429_with_retry_after_is_retried_by_the_bots_client(slack, client) -> None:  # type: ignore[no-untyped-def]
    slack.inject("chat.postMessage", status=429, retry_after=1, times=1)
    assert client.chat_postMessage(channel="C1", text="x")["ok"] is True
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [429, 200]


def test_ok_false_error_raises_slack_api_error(slack, client) -> None:  # type: ignore[no-untyped-def]
    slack.inject("chat.postMessage", error="channel_not_found")
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C404", text="x")
    assert info.value.response["error"] == "channel_not_found"
    assert info.value.response.status_code == 200
    assert client.chat_postMessage(channel="C404", text="x")["ok"] is True  # times=1 consumed


def test_html_5xx_page_is_retried_then_succeeds(slack, client) -> None:  # type: ignore[no-untyped-def]
    slack.inject("chat.postMessage", status=503, times=2)
    assert client.chat_postMessage(channel="C1", text="x")["ok"] is True
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [503, 503, 200]


def test_persistent_html_5xx_surfaces_as_an_error(slack) -> None:  # type: ignore[no-untyped-def]
    slack.inject("chat.postMessage", status=502, times=1)
    bare = WebClient(token="xoxb-t", base_url=slack.base_url)  # no retry handlers
    with pytest.raises(SlackApiError) as info:
        bare.chat_postMessage(channel="C1", text="x")
    assert info.value.response.status_code == 502


def test_delay_provokes_a_client_timeout(slack) -> None:  # type: ignore[no-untyped-def]
    slack.inject("chat.postMessage", delay=2.0)
    impatient = WebClient(token="xoxb-t", base_url=slack.base_url, timeout=0.3)
    with pytest.raises(Exception) as info:
        impatient.chat_postMessage(channel="C1", text="x")
    assert "timed out" in str(info.value).lower()


def test_per_channel_rate_limit_mode(slack) -> None:  # type: ignore[no-untyped-def]
    slack.set_rate_limit(1.0)
    bare = WebClient(token="xoxb-t", base_url=slack.base_url)
    bare.chat_postMessage(channel="C1", text="1")
    with pytest.raises(SlackApiError) as info:
        bare.chat_postMessage(channel="C1", text="2")
    assert info.value.response.status_code == 429
    assert int(info.value.response.headers["retry-after"][0]) >= 1
    assert bare.chat_postMessage(channel="C2", text="other channel")["ok"] is True


def test_missing_token_is_not_authed(slack) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SlackApiError) as info:
        WebClient(base_url=slack.base_url).chat_postMessage(channel="C1", text="x")
    assert info.value.response["error"] == "not_authed"


def test_history_returns_posted_messages_newest_first_with_metadata_on_request(slack, client) -> None:  # type: ignore[no-untyped-def]
    meta = {"event_type": "opsbot_delivery", "event_payload": {"delivery_key": "alert:1"}}
    first = client.chat_postMessage(channel="C1", text="one", metadata=meta)["ts"]
    second = client.chat_postMessage(channel="C1", text="two")["ts"]
    client.chat_postMessage(channel="C2", text="elsewhere")
    client.chat_update(channel="C1", ts=first, text="one, edited")
    plain = client.conversations_history(channel="C1")["messages"]
    assert [m["ts"] for m in plain] == [second, first]
    assert plain[1]["text"] == "one, edited" and "metadata" not in plain[1]
    full = client.conversations_history(channel="C1", include_all_metadata=True)["messages"]
    assert full[1]["metadata"] == meta
    assert client.conversations_history(channel="C1", oldest=first)["messages"][0]["ts"] == second


def test_landed_fault_stores_the_message_but_fails_the_call(slack, client) -> None:  # type: ignore[no-untyped-def]
    slack.inject("chat.postMessage", status=500, landed=True, times=3)
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C3", text="lost answer")
    # the bot's client retried the 5xx twice: three posts landed, all answered 500
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [500, 500, 500]
    assert [m["text"] for m in slack.messages.messages("C3")] == ["lost answer"] * 3


def test_response_url_posts_are_recorded(slack) -> None:  # type: ignore[no-untyped-def]
    url = slack.new_response_url()
    assert url.startswith(slack.root_url)
    assert WebhookClient(url).send(text="done", response_type="ephemeral").status_code == 200
    assert slack.wait_for("response_url")[0].params == {"text": "done", "response_type": "ephemeral"}
    assert slack.responses == [{"text": "done", "response_type": "ephemeral"}]


def test_wait_for_times_out_with_what_it_saw(slack, client) -> None:  # type: ignore[no-untyped-def]
    client.users_info(user="U1")
    with pytest.raises(TimeoutError, match="users.info"):
        slack.wait_for("chat.postMessage", timeout=0.2)


def test_apps_connections_open_points_at_the_stand_ins_websocket(slack) -> None:  # type: ignore[no-untyped-def]
    url = WebClient(base_url=slack.base_url).apps_connections_open(app_token="xapp-1-t")["url"]
    assert url.startswith(f"ws://127.0.0.1:{slack.socket.port}/")


# -- ask(): the real Bolt app in-process, with a stand-in /kpi listener ----------------------

def _stub_kpi() -> types.ModuleType:
    stub = types.ModuleType("handlers.kpi")

    def register(app, ctx):  # type: ignore[no-untyped-def]
        @app.command("/kpi")
        def _kpi(ack, respond, command, client):  # type: ignore[no-untyped-def]
            ack(text=f"Working on `{command['text']}`…")

            def later() -> None:
                respond(blocks=[{"type": "header", "text": {"type": "plain_text", "text": "No-show rate"}}],
                        text="No-show rate")
                client.chat_postMessage(channel=command["channel_id"], text=f"*shared* by <@{command['user_id']}>")

            ctx.workers.submit(later)

    stub.register = register  # type: ignore[attr-defined]
    return stub


@pytest.fixture
def kpi_stub(monkeypatch: pytest.MonkeyPatch) -> None:
    import handlers

    stub = _stub_kpi()
    monkeypatch.setitem(sys.modules, "handlers.kpi", stub)
    monkeypatch.setattr(handlers, "kpi", stub, raising=False)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL"):
        monkeypatch.delenv(name, raising=False)


def test_ask_runs_the_command_and_collects_async_replies(kpi_stub, sqlite_url: str) -> None:  # type: ignore[no-untyped-def]
    from devtools.asking import ask, format_result
    from storage.db import make_engine

    settings = load_settings(DATABASE_URL=sqlite_url)
    assert settings.slack_bot_token is None  # works with no Slack settings at all
    engine = make_engine(sqlite_url)
    result = ask("/kpi no-show-rate all", settings=settings, engine=engine, user_id="U9", channel_id="C7")
    assert result.ack_status == 200
    assert result.ack_text == "Working on `no-show-rate all`…"
    assert [r["via"] for r in sorted(result.replies, key=lambda r: r["via"])] == ["chat.postMessage", "response_url"]
    posted = next(r for r in result.replies if r["via"] == "chat.postMessage")
    assert posted["channel"] == "C7" and posted["text"] == "*shared* by <@U9>"
    text = format_result("/kpi no-show-rate all", result)
    assert "NO-SHOW RATE" in text and "shared by @U9" in text and "chat.postMessage C7 → HTTP 200" in text
    engine.dispose()


def test_ask_rejects_text_that_is_not_a_slash_command(kpi_stub, sqlite_url: str) -> None:  # type: ignore[no-untyped-def]
    from devtools.asking import ask
    from storage.db import make_engine

    with pytest.raises(UsageError, match="Not a slash command"):
        ask("kpi no-show-rate", settings=load_settings(DATABASE_URL=sqlite_url), engine=make_engine(sqlite_url))


def test_ask_does_not_use_the_real_credentials(kpi_stub, sqlite_url: str) -> None:  # type: ignore[no-untyped-def]
    from devtools.asking import LocalSlack
    from storage.db import make_engine

    settings = load_settings(DATABASE_URL=sqlite_url).model_copy(
        update={"slack_bot_token": SecretStr("xoxb-REAL"), "slack_signing_secret": SecretStr("REAL")})
    with LocalSlack(settings, make_engine(sqlite_url)) as local:
        assert local.app is not None
        assert local.app.client.token != "xoxb-REAL"
        assert local.app.client.base_url == local.standin.base_url
        assert local.secret != "REAL"


def test_opsbot_ask_cli_prints_the_rendered_answer(kpi_stub, sqlite_url: str) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from bot.cli import cli

    out = CliRunner().invoke(cli, ["ask", "/kpi no-show-rate all", "--database", sqlite_url, "--channel", "C5"])
    assert out.exit_code == 0, out.output
    assert "acknowledgement (HTTP 200)" in out.output
    assert "NO-SHOW RATE" in out.output
    assert "chat.postMessage C5 → HTTP 200" in out.output
