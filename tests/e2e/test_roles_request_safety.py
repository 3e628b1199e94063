"""Request safety and the audit export, end to end through the real Bolt app (signed requests,
local Slack stand-in): event retries, replayed interactions, oversized payloads, and an
``opsbot audit export`` after a scripted session that lists every action in order."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from slack_bolt import BoltRequest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.ids import Action
from devtools.asking import LocalSlack
from devtools.signing import block_actions_payload, event_body, interactive_body, signed_headers, slash_command_body
from storage.models import AuditEvent, Clinic, Idea, IdeaVote
from tests.e2e.slack_payloads import local_slack
from tests.e2e.test_roles_boundaries import ORG, as_user, click, said

pytestmark = pytest.mark.e2e


@pytest.fixture
def bot(db_url: str, tmp_path: Path) -> Iterator[LocalSlack]:
    def seed(s: Session) -> None:
        s.add(Clinic(key="north", name="North Family Practice", name_folded="north family practice", timezone="UTC"))
        s.flush()
        s.add(Idea(id=1, clinic_id=s.scalar(select(Clinic.id)), title="Idea", title_folded="idea", problem="p",
                   proposed_change="c", category="scheduling", created_date=date(2026, 11, 2)))

    with local_slack(db_url, ORG, tmp_path, seed) as local:
        local.standin.stub("usergroups.users.list", {"ok": True, "users": []})
        yield local


def send(bot: LocalSlack, body: str, **headers: str) -> tuple[int, str]:
    assert bot.app is not None
    resp = bot.app.dispatch(BoltRequest(body=body, headers={**signed_headers(bot.secret, body), **headers}))
    bot._settle(10)
    return resp.status, resp.body


def test_event_retries_are_processed_once_and_unseen_retries_are_processed(bot: LocalSlack) -> None:
    home = event_body({"type": "app_home_opened", "user": "U0NURSE", "channel": "D0H", "tab": "home"},
                      event_id="Ev0FIRST")
    assert send(bot, home)[0] == 200
    assert send(bot, home, **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})[0] == 200
    assert len(bot.standin.calls_to("views.publish")) == 1  # the retry of a received event did nothing
    # a retry whose first delivery never reached us is processed
    lost = event_body({"type": "app_home_opened", "user": "U0NURSE", "channel": "D0H", "tab": "home"},
                      event_id="Ev0LOSTFIRST")
    send(bot, lost, **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert len(bot.standin.calls_to("views.publish")) == 2


def test_a_replayed_interaction_does_nothing_twice(bot: LocalSlack) -> None:
    body = interactive_body(block_actions_payload(Action.IDEA_UPVOTE, "1", user_id="U0NURSE",
                                                  response_url=bot.standin.new_response_url()))
    assert send(bot, body)[0] == 200
    assert send(bot, body)[0] == 200  # byte-identical, validly signed replay
    with bot.sessions() as s:
        assert s.scalar(select(func.count()).select_from(IdeaVote)) == 1
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.seq == 0)) == 1
    assert not [r for r in bot.standin.response_posts if "already upvoted" in str(r.params)]


def test_oversized_payloads_are_rejected_early_with_a_clear_message(bot: LocalSlack) -> None:
    result = as_user(bot, "U0ADMIN", "/idea status 1 declined " + "x" * 5000)
    assert f"{len('status 1 declined ') + 5000:,} characters" in said(result) and "at most 3,000" in said(result)
    body = slash_command_body("/kpi", "no-show-rate " + "y" * 600_000, user_id="U0ADMIN",
                              response_url=bot.standin.new_response_url())
    status, text = send(bot, body)
    assert status == 200 and "too large" in text and "KB" in text
    with bot.sessions() as s:
        assert s.get(Idea, 1).state == "new"
        decisions = s.scalars(select(AuditEvent.decision).order_by(AuditEvent.id)).all()
    assert decisions == ["rejected", "rejected"]


def test_audit_export_after_a_scripted_session_lists_every_action_in_order(bot: LocalSlack, db_url: str,
                                                                          tmp_path: Path) -> None:
    script = [("U0NURSE", "/kpi no-show-rate"), ("U0NURSE", "/kpi denial-rate clinic north"),
              ("U0MGRNORTH", "/idea status 1 under review"), ("U0ADMIN", "/opsbot roles grant U0NURSE finance north"),
              ("U0NURSE", "/kpi denial-rate clinic north")]
    for user, text in script[:3]:
        as_user(bot, user, text)
    click(bot, "U0NURSE", Action.IDEA_UPVOTE, "1")
    for user, text in script[3:]:
        as_user(bot, user, text)
    out = tmp_path / "audit.csv"
    proc = subprocess.run([sys.executable, "-c", "from bot.cli import main; main()", "audit", "export",
                           "--since", "2000-01-01", "--out", str(out), "--database", db_url],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    requests = [(r["user_id"], r["action"], r["target"], r["decision"]) for r in rows if r["seq"] == "0"]
    assert requests == [
        ("U0NURSE", "/kpi", "kpi:no-show-rate", "allowed"),
        ("U0NURSE", "/kpi", "kpi:denial-rate", "refused"),
        ("U0MGRNORTH", "/idea status", "idea:1", "allowed"),
        ("U0NURSE", "idea_upvote", "idea:1", "allowed"),
        ("U0ADMIN", "/opsbot roles.grant", "subject:U0NURSE", "allowed"),
        ("U0NURSE", "/kpi", "kpi:denial-rate", "allowed"),
    ]
    changes = [(r["action"], r["target"]) for r in rows if r["seq"] != "0"]
    assert ("update ideas", "ideas:1") in changes and ("insert idea_votes", "idea_votes:1") in changes
    assert ("insert role_grants", "role_grants:1") in changes
    ats = [r["at"] for r in rows]
    assert ats == sorted(ats) and f"{len(rows)} audit rows exported" in proc.stderr
    assert "under review" not in out.read_text()  # argument shapes, never the typed text
