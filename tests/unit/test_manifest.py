"""manifest.yml: valid per Slack's manifest schema, complete for HTTP mode, minimal in scopes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.ids import Command

REPO = Path(__file__).resolve().parents[2]
EVENTS_PATH = "/slack/events"

# Bot scope → the Web API methods that need it (Slack's method reference pages). A method counts
# as used when the code calls ``client.<snake_name>(`` or ``api_call("<dotted.name>"``.
SCOPE_METHODS: dict[str, tuple[str, ...]] = {
    "chat:write": ("chat.postMessage", "chat.update", "chat.postEphemeral", "chat.delete",
                   "chat.scheduleMessage"),
    "files:write": ("files.upload_v2", "files.getUploadURLExternal", "files.completeUploadExternal"),
    "im:write": ("conversations.open",),
    "channels:history": ("conversations.history", "conversations.replies"),
    "groups:history": ("conversations.history", "conversations.replies"),
    "im:history": ("conversations.history", "conversations.replies"),
    "users:read": ("users.info", "users.list"),
    "users:read.email": ("users.lookupByEmail",),
    "usergroups:read": ("usergroups.list", "usergroups.users.list"),
    "channels:read": ("conversations.info", "conversations.list", "conversations.members"),
    "reactions:write": ("reactions.add",),
}
# Bot event → the scope Slack requires to subscribe to it (each event's reference page).
EVENT_SCOPES: dict[str, str] = {
    "app_mention": "app_mentions:read", "message.im": "im:history", "message.channels": "channels:history",
    "message.groups": "groups:history", "subteam_created": "usergroups:read",
    "subteam_members_changed": "usergroups:read", "subteam_updated": "usergroups:read",
}
# Scopes needed by any method in a group (a channel's history scope depends on its kind).
ANY_OF = [{"channels:history", "groups:history", "im:history"}]


def _pattern(methods: tuple[str, ...]) -> str:
    parts = []
    for m in methods:
        parts.append(rf"\b{re.escape(m.replace('.', '_'))}\(")
        parts.append(rf"[\"']{re.escape(m)}[\"']")
    return "|".join(parts)


@pytest.fixture(scope="module")
def manifest() -> dict:
    return yaml.safe_load((REPO / "manifest.yml").read_text())


def _bot_code() -> str:
    texts = []
    # code that only imitates Slack or signs requests to the bot (devtools/) is not a use of a scope
    for folder in ("bot", "handlers", "jobs"):
        for path in sorted((REPO / folder).rglob("*.py")):
            texts.append(path.read_text(errors="replace"))
    return "\n".join(texts)


def missing_urls(manifest: dict) -> list[str]:
    """Slash commands (and interactivity/events) lacking an https URL ending in /slack/events:
    the schema does not require it, HTTP mode does (slack.md, App manifest)."""
    problems = [c["command"] for c in manifest["features"]["slash_commands"]
                if not str(c.get("url", "")).startswith("https://") or not c["url"].endswith(EVENTS_PATH)]
    settings = manifest["settings"]
    for name in ("interactivity", "event_subscriptions"):
        if not str(settings.get(name, {}).get("request_url", "")).endswith(EVENTS_PATH):
            problems.append(name)
    return problems


def test_manifest_validates_against_slacks_schema(manifest: dict, shared_dir: Path) -> None:
    schema = json.loads((shared_dir / "slack" / "manifest.schema.1.0.0.json").read_text())
    validator_cls = jsonschema.validators.validator_for(schema)
    errors = [e.message for e in validator_cls(schema).iter_errors(manifest)]
    assert errors == []


def test_schema_check_catches_an_invalid_manifest(manifest: dict, shared_dir: Path) -> None:
    schema = json.loads((shared_dir / "slack" / "manifest.schema.1.0.0.json").read_text())
    broken = json.loads(json.dumps(manifest))
    broken["features"]["slash_commands"][0]["command"] = "kpi"  # must start with "/"
    assert list(jsonschema.validators.validator_for(schema)(schema).iter_errors(broken))


def test_every_slash_command_and_request_url_points_at_slack_events(manifest: dict) -> None:
    assert missing_urls(manifest) == []
    broken = json.loads(json.dumps(manifest))
    del broken["features"]["slash_commands"][1]["url"]
    assert missing_urls(broken) == ["/idea"]


def test_manifest_declares_exactly_the_commands_the_bot_knows(manifest: dict) -> None:
    declared = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert declared == {c.value for c in Command}
    assert all(c.get("usage_hint") and c.get("description") for c in manifest["features"]["slash_commands"])


def test_socket_mode_is_off_by_default_and_events_are_the_ones_the_bot_handles(manifest: dict) -> None:
    assert manifest["settings"]["socket_mode_enabled"] is False
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    # each has a listener: tests/integration/test_manifest_listeners.py dispatches every one
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == {
        "app_home_opened", "app_uninstalled", "tokens_revoked", "app_mention", "message.im",
        "message.channels", "message.groups", "subteam_created", "subteam_members_changed", "subteam_updated"}


# Slack's event reference: each event type needs this scope, and the code must listen for it.
QUESTION_EVENT_SCOPES = {"app_mentions:read": "app_mention"}


def test_every_question_event_has_its_scope_and_a_listener(manifest: dict) -> None:
    code = _bot_code()
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    for scope, event in QUESTION_EVENT_SCOPES.items():
        assert scope in scopes and event in events and re.search(rf"app\.event\([\"']{event}[\"']\)", code)
    needs = {"message.im": "im:history", "message.channels": "channels:history", "message.groups": "groups:history"}
    assert all(needs[e] in scopes for e in events & set(needs))
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True  # people can DM the bot


def test_every_declared_scope_is_used_by_the_code(manifest: dict) -> None:
    code = _bot_code()
    scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert "commands" in scopes and manifest["features"]["slash_commands"]
    by_events = {EVENT_SCOPES[e] for e in manifest["settings"]["event_subscriptions"]["bot_events"] if e in EVENT_SCOPES}
    unused = [s for s in scopes if s != "commands" and s not in by_events
              and not re.search(_pattern(SCOPE_METHODS.get(s, ())) or r"(?!)", code)]
    assert unused == [], f"scopes declared but no code calls their methods: {unused}"


def test_every_subscribed_event_has_its_scope(manifest: dict) -> None:
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    needed = {EVENT_SCOPES[e] for e in manifest["settings"]["event_subscriptions"]["bot_events"] if e in EVENT_SCOPES}
    assert needed - scopes == set()


def test_every_scope_the_code_needs_is_declared(manifest: dict) -> None:
    code = _bot_code()
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    needed = {scope for scope, methods in SCOPE_METHODS.items() if re.search(_pattern(methods), code)}
    missing = needed - scopes
    for group in ANY_OF:  # one of a group declared is enough for the check to pass
        if missing & group and scopes & group:
            missing -= group
    assert missing == set()


def test_opsbot_escapes_mentions_and_the_digest_is_daily(manifest: dict) -> None:
    escape = {c["command"]: c.get("should_escape", False) for c in manifest["features"]["slash_commands"]}
    assert escape["/opsbot"] is True  # @jane arrives as <@U…|jane> (bot.access.admin_commands)
    text = json.dumps(manifest).lower()
    assert "weekly" not in text and "daily digest" in text


def test_install_settings_agree_with_the_docs(manifest: dict) -> None:
    """org-wide install and token rotation are off in manifest.yml (one workspace, one bot token);
    docs/operations.md and the README say so and say how to turn them on for OAuth mode."""
    settings = manifest["settings"]
    assert settings["org_deploy_enabled"] is False and settings["token_rotation_enabled"] is False
    assert manifest["oauth_config"]["redirect_urls"] == ["https://opsbot.example.org/slack/oauth_redirect"]
    ops = (REPO / "docs" / "operations.md").read_text()
    readme = (REPO / "README.md").read_text()
    for doc in (ops, readme):
        assert "org_deploy_enabled: true" in doc and "token_rotation_enabled: true" in doc
        assert "/slack/oauth_redirect" in doc
    assert "app_uninstalled" in ops and "tokens_revoked" in ops
    for event in settings["event_subscriptions"]["bot_events"]:
        assert event in readme, f"README does not mention the {event} event"
