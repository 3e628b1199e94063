"""devtools.signing against Slack's documented signing vector and the genuine wire fixtures."""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import parse_qsl

from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier

from devtools.signing import (
    block_actions_payload,
    event_body,
    interactive_body,
    signature,
    signed_headers,
    slash_command_body,
    view_submission_payload,
)


def _load(shared_dir: Path, name: str) -> dict:
    return json.loads((shared_dir / "slack" / name).read_text())


def test_signing_matches_slacks_documented_vector(shared_dir: Path) -> None:
    vec = _load(shared_dir, "signing_test_vector.slash_command.json")
    ts = int(vec["headers"]["X-Slack-Request-Timestamp"])
    headers = signed_headers(vec["signing_secret"], vec["raw_body"], ts)
    assert headers["X-Slack-Signature"] == vec["headers"]["X-Slack-Signature"]
    assert headers["X-Slack-Request-Timestamp"] == "1531420618"
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"


def test_signature_changes_with_body_secret_and_timestamp() -> None:
    base = signature("s", "a=1", 100)
    assert base != signature("s", "a=2", 100)
    assert base != signature("t", "a=1", 100)
    assert base != signature("s", "a=1", 101)


def test_current_signed_headers_pass_slack_sdk_verifier() -> None:
    body = slash_command_body("/kpi", "no-show-rate all")
    headers = signed_headers("local-secret", body)
    verifier = SignatureVerifier("local-secret")
    assert verifier.is_valid(body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"])
    assert not SignatureVerifier("other").is_valid(
        body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"])
    old = signed_headers("local-secret", body, int(time.time()) - 301)
    assert not verifier.is_valid(body, old["X-Slack-Request-Timestamp"], old["X-Slack-Signature"])


def test_slash_command_body_reproduces_bolt_fixture(shared_dir: Path) -> None:
    expected = (shared_dir / "slack" / "slash_command.form-urlencoded.txt").read_text().strip()
    body = slash_command_body(
        "/hello-world", "Hi", user_id="W111", channel_id="C111", team_id="T111",
        team_domain="test-domain", channel_name="random", user_name="primary-owner",
        enterprise_id="E111", enterprise_name="Org Name", api_app_id=None,
        response_url="https://hooks.slack.com/commands/T111/111/xxxxx", trigger_id="111.111.xxx")
    assert body == expected


def test_slash_command_body_reproduces_signing_vector_body(shared_dir: Path) -> None:
    vec = _load(shared_dir, "signing_test_vector.slash_command.json")
    p = vec["parsed_body"]
    body = slash_command_body(
        p["command"], p["text"], user_id=p["user_id"], channel_id=p["channel_id"], team_id=p["team_id"],
        team_domain=p["team_domain"], channel_name=p["channel_name"], user_name=p["user_name"],
        response_url=p["response_url"], trigger_id=p["trigger_id"], token=p["token"], api_app_id=None)
    assert body == vec["raw_body"]


def test_default_slash_command_parses_like_slack_in_bolt() -> None:
    body = slash_command_body("/kpi", "no-show-rate all", user_id="U123", channel_id="C9",
                              response_url="http://127.0.0.1:9/response/abc")
    parsed = parse_body(body, "application/x-www-form-urlencoded")
    assert parsed["command"] == "/kpi"
    assert parsed["text"] == "no-show-rate all"
    assert parsed["user_id"] == "U123" and parsed["channel_id"] == "C9"
    assert parsed["response_url"] == "http://127.0.0.1:9/response/abc"
    assert parsed["api_app_id"] == "A0LOCAL"


def test_interactive_body_round_trips_genuine_block_actions(shared_dir: Path) -> None:
    payload = _load(shared_dir, "block_actions.json")["payload"]
    body = interactive_body(payload)
    fields = dict(parse_qsl(body))
    assert list(fields) == ["payload"]
    assert json.loads(fields["payload"]) == payload
    assert parse_body(body, "application/x-www-form-urlencoded") == payload


def test_block_actions_payload_has_the_genuine_keys(shared_dir: Path) -> None:
    genuine = _load(shared_dir, "block_actions.json")["payload"]
    ours = block_actions_payload("kpi_share", "v1", user_id="U1", channel_id="C1")
    assert set(genuine) <= set(ours)
    assert set(genuine["actions"][0]) <= set(ours["actions"][0])
    assert ours["actions"][0]["action_id"] == "kpi_share" and ours["actions"][0]["value"] == "v1"
    assert ours["container"]["channel_id"] == "C1" and ours["user"]["id"] == "U1"


def test_view_submission_payload_has_the_genuine_keys(shared_dir: Path) -> None:
    genuine = _load(shared_dir, "view_submission.json")["payload"]
    values = {"b1": {"a1": {"type": "plain_text_input", "value": "fewer no-shows"}}}
    ours = view_submission_payload("idea_submit", values, private_metadata="m")
    assert set(genuine) <= set(ours)
    assert set(genuine["view"]) <= set(ours["view"])
    assert ours["view"]["state"]["values"]["b1"]["a1"]["value"] == "fewer no-shows"
    assert ours["view"]["callback_id"] == "idea_submit"


def test_event_body_is_an_event_callback_envelope(shared_dir: Path) -> None:
    genuine = _load(shared_dir, "event_callback.reaction_added.json")["payload"]
    body = event_body({"type": "app_home_opened", "user": "U1", "tab": "home"}, event_id="Ev1")
    ours = json.loads(body)
    assert set(genuine) - {"authed_users", "enterprise_id"} <= set(ours)
    assert ours["type"] == "event_callback" and ours["event_id"] == "Ev1"
    assert ours["event"]["type"] == "app_home_opened" and "event_ts" in ours["event"]
    assert signed_headers("s", body)["Content-Type"] == "application/json"


def test_strict_verifier_accepts_slacks_vector_and_refuses_malformed_timestamps(shared_dir: Path) -> None:
    from slack_sdk.signature import Clock

    from bot.slack.verification import StrictSignatureVerifier

    vec = _load(shared_dir, "signing_test_vector.slash_command.json")
    ts, sig = vec["headers"]["X-Slack-Request-Timestamp"], vec["headers"]["X-Slack-Signature"]

    class At(Clock):
        def now(self) -> float:
            return float(ts) + 10

    strict = StrictSignatureVerifier(vec["signing_secret"], At())
    assert strict.is_valid(vec["raw_body"], ts, sig)
    assert not strict.is_valid(vec["raw_body"] + "x", ts, sig)
    for bad in ("abc", "1e3", "", "-1", "12.5", None):
        assert strict.is_valid(vec["raw_body"], bad, sig) is False
