"""Hostile and random text at every slash command, through the real Bolt app (signed requests,
local Slack stand-in). Each input must get a helpful reply (the acknowledgement, a
``response_url`` post or a modal), no error may be logged, no reply may be the "something went
wrong" fallback, and no table but the audit trail and the receipts may change.

Inputs come from a seeded generator (``random.Random(SEED)``): a fixed corpus of hostile
fragments (SQL and markdown injection, Slack mentions, control and bidi characters, huge
numbers, very long strings) combined with each command's verbs and random Unicode.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from devtools.asking import LocalSlack
from devtools.signing import slash_command_body
from storage.models import Base, Clinic
from tests.e2e.slack_payloads import local_slack, signed_request

pytestmark = pytest.mark.e2e
# The admin reaches the deepest code paths; ``/digest`` goes as organisation-wide finance (it may
# preview, not subscribe): an admin's "/digest subscribe" with a valid clinic is a legitimate
# change, and no other command can change anything here (no ideas, cycles or alerts exist).
USER = {"/kpi": "U0FUZZ", "/idea": "U0FUZZ", "/pdsa": "U0FUZZ", "/opsbot": "U0FUZZ", "/digest": "U0FUZZFIN"}
SEED = 20261101
PER_COMMAND = 400  # 2,000 commands; with tests/e2e/test_fuzz_interactions.py 10,000 hostile inputs
HOSTILE = [
    "", " ", "\x00", "\x07\x1b[31m", "\u202eevil", "\u200b", "<!channel>", "<!here>", "<!everyone>", "<@U0ADMIN>",
    "<!subteam^S0FIN|@fin>", "<#C0FINANCE|finance>", "<https://evil.example|click me>", "'; DROP TABLE ideas; --",
    "\" OR 1=1 --", "*bold* _it_ ~s~ `code` ```block```", "> quote", "%s %d {0} {x!r}", "../../etc/passwd",
    "🙂" * 300, "a" * 2990, "\n\t\r", "NaN", "-1", "0", "#0", "99999999999999999999999", "1e309", "ＡＢＣ１２",
    "Ⅻ", "clinic", "by", "vs", "at 25:99", "at", "clinic clinic", "by payer by", "\"unterminated", "'",
    "null", "None", "true", "[]", "{}", "<script>alert(1)</script>", "MRN 1234567", "DOB 01/02/1980",
    "555-123-4567", "x@example.com", "123-45-6789", "\\", "%00", "&amp;&lt;", "RESISTÊNCIA", "north",
]
VERBS = {
    "/kpi": ["", "help", "define", "list", "no-show-rate", "denial-rate", "ccr", "days-in-ar", "tna", "dos"],
    "/idea": ["", "help", "list", "show", "status", "status 1", "status 999999"],
    "/pdsa": ["", "help", "list", "list clinic", "start", "update", "start 1"],
    "/digest": ["", "help", "list", "preview", "subscribe", "unsubscribe", "sub"],
    "/opsbot": ["", "help", "status", "roles", "roles list", "roles grant", "roles revoke", "roles grant U0X"],
}


def hostile_inputs(command: str, rng: random.Random, n: int) -> list[str]:
    out = []
    for i in range(n):
        parts = [rng.choice(VERBS[command])]
        for _ in range(rng.randint(0, 4)):
            if rng.random() < 0.7:
                parts.append(rng.choice(HOSTILE))
            else:
                parts.append("".join(chr(rng.randint(1, 0x2FFF)) for _ in range(rng.randint(1, 12))))
        out.append(" ".join(parts) if i % 7 else rng.choice(HOSTILE))
    return out


def snapshot(sessions) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with sessions() as s:
        tables = [t for t in Base.metadata.sorted_tables if t.name not in ("audit_events", "request_receipts")]
        counts = {t.name: s.scalar(select(func.count()).select_from(t)) for t in tables}
        counts["clinics:names"] = hash(tuple(s.scalars(select(Clinic.name).order_by(Clinic.id))))
        return counts


@pytest.fixture
def bot(sqlite_url: str, tmp_path: Path) -> Iterator[LocalSlack]:
    def seed(s: Session) -> None:
        s.add(Clinic(key="north", name="North", name_folded="north", timezone="UTC"))

    org = "clinics:\n  - {key: north, name: North, timezone: UTC}\nroles: {admin: [U0FUZZ], finance: [U0FUZZFIN]}\n"
    with local_slack(sqlite_url, org, tmp_path, seed, user_id="U0FUZZ") as local:
        yield local


def test_hostile_text_at_every_command_gets_help_and_changes_nothing(bot: LocalSlack, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.WARNING)
    rng = random.Random(SEED)
    before = snapshot(bot.sessions)
    sent: list[tuple[str, str, str, str, dict]] = []  # command, text, response path, trigger, ack
    assert bot.app is not None
    for command in VERBS:
        for n, text in enumerate(hostile_inputs(command, rng, PER_COMMAND)):
            url, trigger = bot.standin.new_response_url(), f"{n}.{rng.randrange(10**9)}.fuzz"
            body = slash_command_body(command, text, user_id=USER[command], response_url=url, trigger_id=trigger)
            resp = bot.app.dispatch(signed_request(bot.secret, body))
            assert resp.status == 200, (command, text, resp.status, resp.body)
            ack = json.loads(resp.body) if resp.body.startswith("{") else {"text": resp.body}
            sent.append((command, text, url.split("/response/", 1)[-1], trigger, ack))
    bot._settle(60)
    posts: dict[str, list[dict]] = {}
    for post in bot.standin.response_posts:
        posts.setdefault(post.headers["X-Path"].rsplit("/", 1)[-1], []).append(post.params)
    modals = {c.params.get("trigger_id") for c in bot.standin.calls if c.method == "views.open"}
    for command, text, path, trigger, ack in sent:
        replies = [p.get("text") or json.dumps(p.get("blocks")) for p in posts.get(path.rsplit("/", 1)[-1], [])]
        helpful = [r for r in [ack.get("text")] + replies if r and r.strip()]
        assert helpful or trigger in modals, f"no reply to {command} {text!r}"
        assert not any("went wrong" in r for r in helpful), f"{command} {text!r}: {helpful}"
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors][:5]
    assert snapshot(bot.sessions) == before
    print(f"\nfuzz: {len(sent)} inputs across {len(VERBS)} commands (seed {SEED}), 0 unhandled errors")
    assert len(sent) == PER_COMMAND * len(VERBS)
