"""End-to-end helpers: run ``opsbot`` as a subprocess against a local Slack stand-in.

``BotProcess`` starts ``opsbot serve``/``opsbot socket`` with a clean environment (no real Slack
settings, cwd in a temp dir so no ``.env`` is read), waits for readiness with a timeout and always
terminates the process. Until ``handlers/kpi.py`` exists (another helper writes it), a
``sitecustomize`` on PYTHONPATH provides a stub ``/kpi`` so the app can start.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.standin import SlackStandIn

REPO = Path(__file__).resolve().parents[2]



def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
        """Poll ``url`` until it answers 200; fail with the process log otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                pytest.fail(f"opsbot exited with {self.proc.returncode}:\n{self.output()}")
            try:
                if http("GET", url, timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        pytest.fail(f"opsbot did not answer {url} within {timeout}s:\n{self.output()}")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log_fh.close()


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as slack:
        yield slack


def signed_post(url: str, secret: str, body: str, *, timestamp: int | None = None,
                timeout: float = 10.0) -> tuple[int, str]:
    from bot.signing import signed_headers

    return http("POST", url, body, signed_headers(secret, body, timestamp), timeout=timeout)


def as_json(text: str) -> dict:
    return json.loads(text) if text.strip().startswith("{") else {"text": text}


def load_appointments_csv(db_url: str, path: Path) -> None:
    """Load a Kaggle-layout appointments CSV (Neighbourhood = clinic; "No-show" = "Yes" means
    not attended) straight into the tables, then refresh the roll-ups the KPI engine reads.
    A deliberately small loader so the e2e test depends on the served bot, not on an importer."""
    import csv
    import hashlib
    from datetime import datetime

    from bot.text import fold
    from storage.db import make_engine, make_session_factory, session_scope
    from storage.models import Appointment, Clinic, FeedLoad
    from storage.rollups import refresh_appointment_rollups

    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    engine = make_engine(db_url)
    with session_scope(make_session_factory(engine)) as s:
        load = FeedLoad(feed="appointments", source_name=path.name, file_format="csv",
                        started_at=datetime(2016, 6, 9, 7), finished_at=datetime(2016, 6, 9, 7), rows_read=len(rows))
        s.add(load)
        clinics: dict[str, Clinic] = {}
        for i, name in enumerate(sorted({r["Neighbourhood"] for r in rows})):
            clinics[name] = Clinic(key=f"c{i}", name=name, name_folded=fold(name), timezone="America/Sao_Paulo")
            s.add(clinics[name])
        s.flush()
        for r in rows:
            booked = datetime.fromisoformat(r["ScheduledDay"].replace("Z", ""))
            day = datetime.fromisoformat(r["AppointmentDay"].replace("Z", "")).date()
            s.add(Appointment(
                source="kaggle", external_id=r["AppointmentID"], clinic_id=clinics[r["Neighbourhood"]].id,
                patient_pseudonym=hashlib.sha256(r["PatientId"].encode()).hexdigest()[:16],
                booked_at=booked, appointment_date=day, lead_days=(day - booked.date()).days,
                status="no_show" if r["No-show"] == "Yes" else "completed",
                row_hash=hashlib.sha256(repr(sorted(r.items())).encode()).hexdigest()[:16], feed_load_id=load.id))
        s.flush()
        refresh_appointment_rollups(s)
    engine.dispose()
