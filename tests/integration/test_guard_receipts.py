"""The request guard's receipt claim (issue 4: one ``INSERT … ON CONFLICT DO NOTHING``) on a real
database, SQLite and PostgreSQL: a delivery is claimed once, its audit row is written with the
claim, a duplicate writes nothing, and of two concurrent claims exactly one wins."""

from __future__ import annotations

import threading
from datetime import datetime
from types import SimpleNamespace
from urllib.parse import parse_qsl

from sqlalchemy import func, select

from bot.access.resolver import GroupCache, RoleResolver
from bot.orgconfig import OrgConfig
from bot.slack.middleware import receipts
from bot.slack.middleware.guard import check
from devtools.signing import slash_command_body
from storage.db import session_scope
from storage.models import AuditEvent, RequestReceipt

NOW = datetime(2026, 11, 2, 9)


def _count(sessions, model) -> int:  # type: ignore[no-untyped-def]
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_a_key_is_claimed_once_whichever_function_claimed_it_first(sessions) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        assert receipts.claim_once(s, "h:first", NOW) is True
        assert receipts.claim_once(s, "h:first", NOW) is False  # same transaction
    with session_scope(sessions) as s:
        assert receipts.claim_once(s, "h:first", NOW) is False  # committed earlier
        receipts.claim(s, "e:Ev1", NOW)
    with session_scope(sessions) as s:
        assert receipts.claim_once(s, "e:Ev1", NOW) is False
    assert _count(sessions, RequestReceipt) == 2


def _race(sessions, commit_first: bool) -> bool:  # type: ignore[no-untyped-def]
    """A claims and holds its transaction open; B claims the same key; A commits or rolls back."""
    a = sessions()
    assert receipts.claim_once(a, "h:race", NOW) is True
    result: list[bool] = []
    b_started = threading.Event()

    def b() -> None:
        with session_scope(sessions) as s:
            b_started.set()
            result.append(receipts.claim_once(s, "h:race", NOW))

    other = threading.Thread(target=b)
    other.start()
    assert b_started.wait(10)
    a.commit() if commit_first else a.rollback()
    a.close()
    other.join(30)
    assert len(result) == 1
    return result[0]


def test_of_two_concurrent_claims_the_second_loses_if_the_first_commits(sessions) -> None:  # type: ignore[no-untyped-def]
    assert _race(sessions, commit_first=True) is False
    assert _count(sessions, RequestReceipt) == 1


def test_of_two_concurrent_claims_the_second_wins_if_the_first_rolls_back(sessions) -> None:  # type: ignore[no-untyped-def]
    assert _race(sessions, commit_first=False) is True
    assert _count(sessions, RequestReceipt) == 1


def _guard(sessions):  # type: ignore[no-untyped-def]
    org = OrgConfig.model_validate({"clinics": [{"key": "north", "name": "North"}],
                                    "roles": {"admin": ["U0ADMIN"], "finance": {"north": ["U0FIN"]}}})
    return SimpleNamespace(org=org, sessions=sessions), RoleResolver(org.roles, GroupCache(None))


def test_a_command_is_audited_once_and_its_replay_is_a_duplicate(sessions) -> None:  # type: ignore[no-untyped-def]
    ctx, resolver = _guard(sessions)
    raw = slash_command_body("/kpi", "no-show-rate clinic north", user_id="U0NURSE", trigger_id="1.2.3")
    body = dict(parse_qsl(raw))
    first = check(ctx, resolver, body, raw)
    assert first.status == "allowed" and first.scope is not None and first.scope.user_id == "U0NURSE"
    assert check(ctx, resolver, body, raw).status == "duplicate"
    with sessions() as s:
        rows = s.execute(select(AuditEvent.request_id, AuditEvent.seq, AuditEvent.decision)).all()
    assert rows == [(receipts.receipt_key(body, raw), 0, "allowed")]
    assert _count(sessions, RequestReceipt) == 1


def test_a_refused_command_is_audited_with_its_receipt(sessions) -> None:  # type: ignore[no-untyped-def]
    ctx, resolver = _guard(sessions)
    raw = slash_command_body("/opsbot", "status", user_id="U0NURSE", trigger_id="4.5.6")  # admin only
    verdict = check(ctx, resolver, dict(parse_qsl(raw)), raw)
    assert verdict.status == "refused" and verdict.message
    with sessions() as s:
        assert s.scalars(select(AuditEvent.decision)).all() == ["refused"]
    assert _count(sessions, RequestReceipt) == 1


def test_an_event_is_claimed_without_an_audit_row_and_its_retry_is_a_duplicate(sessions) -> None:  # type: ignore[no-untyped-def]
    ctx, resolver = _guard(sessions)
    body = {"type": "event_callback", "event_id": "Ev42", "team_id": "T0", "event": {"type": "app_home_opened"}}
    assert check(ctx, resolver, body, "{}").status == "allowed"
    assert check(ctx, resolver, body, "{}").status == "duplicate"
    assert _count(sessions, AuditEvent) == 0 and _count(sessions, RequestReceipt) == 1


def test_socket_mode_deliveries_with_empty_raw_body_get_distinct_keys() -> None:
    """Bolt's Socket Mode adapter passes ``body=req.payload`` and no raw body (issue 13)."""
    first = {"command": "/kpi", "text": "help", "trigger_id": "1.2.a"}
    second = {"command": "/kpi", "text": "help", "trigger_id": "1.2.b"}
    assert receipts.receipt_key(first, "") != receipts.receipt_key(second, "")
    assert receipts.receipt_key(first, "") == receipts.receipt_key(dict(reversed(first.items())), "")
    assert receipts.receipt_key(first, "").startswith("p:")
