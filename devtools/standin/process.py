"""Run ``opsbot`` as a subprocess against a local Slack stand-in (end-to-end tests and benchmarks).

``BotProcess`` starts ``opsbot serve``/``opsbot socket`` with a clean environment (no real Slack
settings, cwd in a temp dir so no ``.env`` is read), waits for readiness with a timeout and always
terminates the process. Developer tooling: the benchmarks in ``bench/`` use it without pytest.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


class BotNotReady(AssertionError):
    """The bot process exited or did not answer in time (an AssertionError, so a test fails)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def http(method: str, url: str, body: str | None = None, headers: dict[str, str] | None = None,
         timeout: float = 10.0) -> tuple[int, str]:
    """(status, body text) of one real HTTP request; HTTP errors are returned, not raised."""
    data = body.encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def bot_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """A subprocess environment without any inherited Slack/opsbot settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "OPSBOT_", "DATABASE_URL"))}
    env["PYTHONPATH"] = str(REPO)
    env["OPSBOT_LOG_LEVEL"] = "WARNING"
    env["OPSBOT_DEV_PSEUDONYM_KEY"] = "1"  # issue 15: the tests' explicit development switch
    env.update(settings)
    return env


class BotProcess:
    """``opsbot <args>`` as a subprocess; a context manager that always cleans up."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path) -> None:
        self.args, self.env, self.cwd = args, env, cwd
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = cwd / f"opsbot-{args[0]}-{time.monotonic_ns()}.log"

    def __enter__(self) -> BotProcess:
        cmd = [sys.executable, "-c", "from bot.cli import main; main()", *self.args]
        self._log_fh = self.log.open("wb")
        self.proc = subprocess.Popen(cmd, env=self.env, cwd=self.cwd, stdout=self._log_fh,
                                     stderr=subprocess.STDOUT)
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_http(self, url: str, timeout: float = 30.0) -> None:
        """Poll ``url`` until it answers 200; raise :class:`BotNotReady` with the process log otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise BotNotReady(f"opsbot exited with {self.proc.returncode}:\n{self.output()}")
            try:
                if http("GET", url, timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise BotNotReady(f"opsbot did not answer {url} within {timeout}s:\n{self.output()}")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log_fh.close()
