"""bot.slack.compat: the one adapter for library internals (issue 17). The installed versions pass;
a faked incompatible library (object without the internals, version outside the range) stops
with a message naming the library, its version, what is missing and the supported range."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from slack_bolt import App

from bot.errors import ConfigurationError
from bot.slack import compat
from bot.slack.compat import IncompatibleLibrary, check_compatible, check_library

REPO = Path(__file__).resolve().parents[2]


def test_installed_versions_are_compatible() -> None:
    check_compatible()  # slack_bolt, slack_sdk, waitress, apscheduler as installed by pyproject.toml
    app = App(token="xoxb-test", signing_secret="s", token_verification_enabled=False)
    check_compatible("slack_bolt", app=app)
    assert compat.bolt_problems(app) == [] and compat.waitress_problems() == [] and compat.scheduler_problems() == []


def test_a_created_waitress_server_has_what_the_drain_uses() -> None:
    import waitress

    server = waitress.create_server(lambda environ, start: [], host="127.0.0.1", port=0)
    try:
        check_compatible("waitress", server=server)
    finally:
        server.close()


def test_an_app_without_the_private_attributes_is_refused() -> None:
    fake = SimpleNamespace(listener_runner=None)  # a Bolt App of a release that renamed its internals
    with pytest.raises(IncompatibleLibrary) as caught:
        check_compatible("slack_bolt", app=fake)
    message = str(caught.value)
    installed = compat.installed_version("slack_bolt")
    assert message.startswith(f"slack_bolt {installed} is not supported: expected App._listener_runner; "
                              "App._middleware_list; App._signing_secret; supported range >=1.30,<2.0")
    assert isinstance(caught.value, ConfigurationError)  # the CLI prints it and exits 2


def test_a_waitress_server_without_its_socket_map_is_refused() -> None:
    with pytest.raises(IncompatibleLibrary, match=r"waitress \S+ is not supported: expected server\._map; "
                                                  r"server\.adj; .*supported range >=3\.0,<4\.0"):
        check_compatible("waitress", server=SimpleNamespace(trigger=None, task_dispatcher=None, active_channels={},
                                                            accepting=True, socket=None, accept=None,
                                                            set_socket_options=None, channel_class=None,
                                                            fix_addr=None, del_channel=None))


@pytest.mark.parametrize("library,found", [("slack_bolt", "2.0.1"), ("slack_bolt", "1.29.9"),
                                           ("waitress", "4.0"), ("apscheduler", "4.0.0a5"), ("slack_sdk", "x")])
def test_a_version_outside_the_supported_range_is_refused(library: str, found: str) -> None:
    with pytest.raises(IncompatibleLibrary) as caught:
        check_library(library, found)
    assert str(caught.value).startswith(f"{library} {found} is not supported: expected a version in the supported range")
    assert compat.supported_range(library) in str(caught.value)


@pytest.mark.parametrize("library,found", [("slack_bolt", "1.30.0"), ("slack_bolt", "1.99"), ("apscheduler", "3.10.4"),
                                           ("waitress", "3.0.2")])
def test_versions_inside_the_range_pass(library: str, found: str) -> None:
    check_library(library, found)


def test_a_middleware_without_the_verifier_slot_is_refused() -> None:
    with pytest.raises(IncompatibleLibrary, match=r"expected RequestVerification\._signing_secret; "
                                                  r"RequestVerification\._verifier"):
        compat.install_verifier(SimpleNamespace(), lambda secret: None)


def test_no_private_reach_in_outside_the_adapter() -> None:
    """Every access to a slack_bolt / waitress private attribute is in bot/slack/compat.py."""
    private = re.compile(r"\._(listener_runner|middleware_list|signing_secret|verifier|map|start_lazy_function)\b")
    offenders = []
    for folder in ("bot", "handlers", "jobs"):
        for path in sorted((REPO / folder).rglob("*.py")):
            if path.name == "compat.py":
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                code = line.split("#", 1)[0]
                if private.search(code) and '``' not in code:
                    offenders.append(f"{path.relative_to(REPO)}:{n}: {line.strip()}")
    assert offenders == []


def test_serve_stops_with_the_message_when_a_library_is_incompatible(tmp_path: Path) -> None:
    """The start-up check runs in `opsbot serve`: a faked incompatible slack_bolt version stops it."""
    code = ("import bot.slack.compat as c; c.installed_version = lambda lib: '2.0.0' if lib == 'slack_bolt' else '3.0.2' "
            "if lib == 'waitress' else {'slack_sdk': '3.48.0', 'apscheduler': '3.11.0'}[lib]\n"
            "from bot.cli import main; import sys; sys.argv = ['opsbot', 'serve', '--dev-key']; main()")
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "SLACK_BOT_TOKEN": "xoxb-x",
           "SLACK_SIGNING_SECRET": "s", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2, done.stderr
    assert "slack_bolt 2.0.0 is not supported" in done.stderr and "supported range >=1.30,<2.0" in done.stderr
