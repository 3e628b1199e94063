"""Issue 17: an organisation file with an unknown key stops start-up (``opsbot serve``,
``opsbot jobs …``, ``opsbot ask``, ``opsbot config check``) with exit status 2 and one message
naming the key and the closest known key — before anything serves or runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

MESSAGE = "unknown key 'low_stok' in alerts — did you mean 'low_stock'?"


def run(args: list[str]):  # type: ignore[no-untyped-def]
    from bot.cli import cli

    return CliRunner().invoke(cli, args)


@pytest.fixture
def bad_org(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "org.yml"
    path.write_text("clinics:\n  - {key: north, name: North}\nalerts:\n  low_stok: {stale_days: 3}\n", encoding="utf-8")
    monkeypatch.setenv("OPSBOT_CONFIG", str(path))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-not-real")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "test-signing-secret")
    monkeypatch.setenv("OPSBOT_LOG_LEVEL", "WARNING")

    def must_not_serve(*_a: object, **_k: object) -> None:
        raise AssertionError("the bot started serving with an invalid organisation file")

    monkeypatch.setattr("bot.slack.server.serve", must_not_serve)
    return path


@pytest.mark.parametrize("args", [
    ["serve", "--dev-key", "--port", "0"],
    ["jobs", "list"],
    ["jobs", "run", "alerts", "--no-deliver"],
    ["ask", "/kpi no-show-rate"],
])
def test_start_up_stops_on_an_unknown_key(sqlite_url: str, bad_org: Path, args: list[str]) -> None:
    result = run([*args, "--database", sqlite_url])
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert errors == [f"error: OPSBOT_CONFIG ({bad_org}): {MESSAGE}"], result.output


def test_config_check_names_the_key_and_passes_a_good_file(bad_org: Path) -> None:
    bad = run(["config", "check"])
    assert (bad.exit_code, bad.output.strip()) == (2, f"error: OPSBOT_CONFIG ({bad_org}): {MESSAGE}")
    example = Path(__file__).resolve().parents[2] / "examples" / "org.yml"
    good = run(["config", "check", str(example)])
    assert good.exit_code == 0 and "2 clinics" in good.output, good.output


def test_a_misspelled_stale_feed_stops_serve_and_config_check(sqlite_url: str, bad_org: Path) -> None:
    """Feed names are the importers' (bot.ingest.registry.feed_names): 'appointmnts' would silently
    take the default interval."""
    bad_org.write_text("alerts: {stale_data: {feeds: {appointmnts: 30}}}\n", encoding="utf-8")
    said = f"error: OPSBOT_CONFIG ({bad_org}): unknown feed 'appointmnts' in alerts.stale_data.feeds — " \
           f"did you mean 'appointments'?"
    for args in (["config", "check"], ["serve", "--dev-key", "--port", "0", "--database", sqlite_url]):
        result = run(args)
        assert result.exit_code == 2, result.output
        assert said in result.output.splitlines(), result.output
