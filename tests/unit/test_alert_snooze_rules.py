"""Snooze bounds, alert wording (singular "day") and what the digest and the snooze modal say
about snoozes; pure functions only. Expected texts are written from the formats by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.alerts import actions
from bot.alerts.config import ComplianceParams, ExpiryParams
from bot.alerts.incidents import _reminder
from bot.alerts.rules.compliance import ComplianceSnapshot, compliance
from bot.alerts.rules.inventory import LotSnapshot, expiring_lots
from bot.digest.content import AlertLine, DigestContent
from bot.errors import UsageError
from bot.views.alerts import snooze_modal
from bot.views.digest import section_text

TODAY = date(2026, 12, 11)
NOW_LOCAL = datetime(2026, 12, 6, 9, 0, tzinfo=ZoneInfo("America/Phoenix"))


def test_a_snooze_date_may_be_30_days_ahead_not_31() -> None:
    assert actions.snooze_until("date", date(2027, 1, 5), NOW_LOCAL) == datetime(
        2027, 1, 5, tzinfo=ZoneInfo("America/Phoenix"))  # 6 Dec + 30 days = 5 Jan
    with pytest.raises(UsageError, match="at most 30 days: pick a date up to Tue 5 Jan 2027"):
        actions.snooze_until("date", date(2027, 1, 6), NOW_LOCAL)
    with pytest.raises(UsageError, match="at most 30 days"):
        actions.snooze_until("date", date(2027, 12, 1), NOW_LOCAL)  # the tester's year-long snooze


def test_snooze_refuses_an_end_past_the_maximum_before_touching_the_database() -> None:
    now = datetime(2026, 12, 6, 16, 0)
    with pytest.raises(UsageError, match="at most 30 days"):  # no session needed: refused first
        actions.snooze(None, 1, "U1", now + timedelta(days=32), "order placed", now, None)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="after now"):
        actions.snooze(None, 1, "U1", now, "order placed", now, None)  # type: ignore[arg-type]


def test_the_snooze_modal_says_the_maximum() -> None:
    view = snooze_modal(4, "Low stock: Tdap", date(2026, 12, 6))
    [hint] = [b["hint"]["text"] for b in view["blocks"] if b.get("block_id") == "snooze_date"]
    assert hint.startswith("At most 30 days ahead.") and "comes back early" in hint


def test_one_day_is_singular_in_compliance_and_expiry_wording() -> None:
    item = ComplianceSnapshot("hipaa", "hipaa_risk_assessment", "HIPAA risk assessment", None,
                              TODAY - timedelta(days=1), 12, "open", None)
    [found] = compliance("seaside", TODAY, [item], ComplianceParams()).findings
    assert found.lines[0] == "HIPAA risk assessment overdue by 1 day (2026-12-10)"
    lots = [LotSnapshot(1, "L1", "Strep kit", "STREP", "kit", TODAY - timedelta(days=1), 2, 1000),
            LotSnapshot(2, "L2", "Strep kit", "STREP", "kit", TODAY + timedelta(days=1), 2, 1000)]
    found_lots = expiring_lots("clearwater", TODAY, lots, ExpiryParams()).findings
    assert [f.lines[0] for f in found_lots] == ["expired 1 day ago (2026-12-10)", "expires in 1 day (2026-12-12)"]


def test_the_digest_lists_a_snoozed_critical_alert_as_snoozed() -> None:
    content = DigestContent("Pinecrest", ["Pinecrest"], TODAY, "America/Phoenix", since=TODAY)
    content.alerts = [
        AlertLine("Pinecrest", "Compliance: OSHA training", "critical", "open", "Sun 6 Dec 07:00 MST", False),
        AlertLine("Pinecrest", "Out of stock: Tdap", "critical", "snoozed", "Sun 6 Dec 07:00 MST", False,
                  snoozed_until="Sun 13 Dec 01:08 MST")]
    text = section_text(content, "alerts", None, 100, 14)
    assert "Alerts* — 1 open, 1 critical snoozed" in text
    assert ":red_circle: Out of stock: Tdap — snoozed until Sun 13 Dec 01:08 MST" in text
    assert ":red_circle: Compliance: OSHA training — open since Sun 6 Dec 07:00 MST" in text


def test_reminder_labels_say_due_today_and_one_day() -> None:
    assert [_reminder(s) for s in ("0", "1", "7", "30")] == [
        "reminder (due today)", "reminder (1 day)", "reminder (7 days)", "reminder (30 days)"]
