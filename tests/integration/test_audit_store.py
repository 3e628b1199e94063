"""The audit trail and role grants on a real database (SQLite and PostgreSQL): append-only
enforced by the database, change rows written in (and rolled back with) the changing
transaction, CSV export in order, receipts refusing a second delivery."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.access import grants
from bot.access.current import RequestScope, bind, unbind
from bot.access.roles import ORG, Grant, Role
from bot.audit import AuditEntry, record
from bot.audit.changes import install
from bot.audit.export import export_csv
from bot.slack.middleware import receipts
from storage.db import session_scope
from storage.models import AuditEvent, Clinic, Idea, RequestReceipt, RoleGrant


def _entry(rid: str, seq: int = 0, **kw: object) -> AuditEntry:
    return AuditEntry(rid, "command", "/kpi", "allowed", seq, "T0", "U0A", "C0", **kw)  # type: ignore[arg-type]


def test_audit_rows_cannot_be_updated_or_deleted(sessions) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        record(s, _entry("r1"))
    for statement in (update(AuditEvent).values(decision="refused"), delete(AuditEvent),
                      text("UPDATE audit_events SET user_id = 'U0OTHER'")):
        with pytest.raises(DBAPIError, match="append-only"):
            with session_scope(sessions) as s:
                s.execute(statement)
    with sessions() as s:
        assert s.scalars(select(AuditEvent.decision)).all() == ["allowed"]


def test_a_request_is_recorded_once(sessions) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        record(s, _entry("r1"))
    with pytest.raises(IntegrityError):
        with session_scope(sessions) as s:
            record(s, _entry("r1"))


def test_change_rows_share_the_transaction_of_the_change(sessions) -> None:  # type: ignore[no-untyped-def]
    install(sessions)
    with session_scope(sessions) as s:
        s.add(Clinic(key="north", name="North", name_folded="north", timezone="UTC"))
    scope = RequestScope("req-1", "command", "/idea status", "T0", "U0MGR", "C0")
    token = bind(scope)
    try:
        with session_scope(sessions) as s:
            s.add(Idea(id=4, title="t", title_folded="t", problem="p", proposed_change="c", category="x",
                       created_date=date(2026, 11, 2)))
            s.flush()
            s.get(Idea, 4).state = "under_review"
        with pytest.raises(RuntimeError):
            with session_scope(sessions) as s:
                s.get(Idea, 4).state = "adopted"
                s.flush()
                raise RuntimeError("the change fails after its flush")
    finally:
        unbind(token)
    with sessions() as s:
        rows = [(r.seq, r.action, r.target, r.args, r.user_id) for r in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        assert s.get(Idea, 4).state == "under_review"
    assert rows == [(1, "insert ideas", "ideas:4", None, "U0MGR"), (2, "update ideas", "ideas:4", "state", "U0MGR")]


def test_no_change_rows_outside_a_slack_request(sessions) -> None:  # type: ignore[no-untyped-def]
    install(sessions)
    with session_scope(sessions) as s:
        s.add(Clinic(key="north", name="North", name_folded="north", timezone="UTC"))
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_export_writes_rows_in_order_within_the_window_and_defuses_formulas(sessions) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        record(s, _entry("a", at=datetime(2026, 10, 31, 23, 59)))
        record(s, _entry("b", at=datetime(2026, 11, 1, 0, 0), target="=HYPERLINK(1)"))
        record(s, _entry("c", at=datetime(2026, 11, 2, 8, 30), reason="needs manager (north)"))
        record(s, _entry("d", at=datetime(2026, 12, 1)))
    out = io.StringIO()
    with sessions() as s:
        n = export_csv(s, out, datetime(2026, 11, 1), datetime(2026, 12, 1))
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert n == 2 and [r["request_id"] for r in rows] == ["b", "c"]
    assert rows[0]["at"] == "2026-11-01T00:00:00Z" and rows[0]["target"] == "'=HYPERLINK(1)"
    assert rows[1]["reason"] == "needs manager (north)"


def test_grants_are_stored_once_and_revoked(sessions) -> None:  # type: ignore[no-untyped-def]
    now = datetime(2026, 11, 2, 9)
    with session_scope(sessions) as s:
        assert grants.grant(s, "U0A", Role.MANAGER, "north", "U0ADMIN", now) is True
        assert grants.grant(s, "U0A", Role.MANAGER, "north", "U0ADMIN", now) is False
        assert grants.grant(s, "U0A", Role.FINANCE, ORG, "U0ADMIN", now) is True
    with sessions() as s:
        assert [(g.subject, g.grant) for g in grants.stored(s)] == [
            ("U0A", Grant(Role.FINANCE, ORG)), ("U0A", Grant(Role.MANAGER, "north"))]
    with session_scope(sessions) as s:
        assert grants.revoke(s, "U0A", Role.MANAGER, "north") is True
        assert grants.revoke(s, "U0A", Role.MANAGER, "north") is False
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(RoleGrant)) == 1


def test_a_receipt_claims_a_delivery_once(sessions) -> None:  # type: ignore[no-untyped-def]
    now = datetime(2026, 11, 2, 9)
    with session_scope(sessions) as s:
        receipts.claim(s, "e:Ev1", now)
    with pytest.raises(IntegrityError):
        with session_scope(sessions) as s:
            receipts.claim(s, "e:Ev1", now)
    with session_scope(sessions) as s:
        assert receipts.seen(s, "e:Ev1") and not receipts.seen(s, "e:Ev2")
        receipts.claim(s, "e:Old", datetime(2026, 11, 2, 7))
        assert receipts.prune(s, now) == 1
    with sessions() as s:
        assert s.scalars(select(RequestReceipt.key)).all() == ["e:Ev1"]
    assert receipts.receipt_key({"type": "event_callback", "event_id": "Ev9"}, "{}") == "e:Ev9"
    assert receipts.receipt_key({"trigger_id": "1.2"}, "a") != receipts.receipt_key({"trigger_id": "1.2"}, "b")
