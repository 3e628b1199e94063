"""Digest rendering: section order, empty sections left out, Slack escaping of typed text,
Slack's limits with the overflow split off, and organisation template overrides."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot.alerts.registry import RULE_FEEDS
from bot.alerts.rules.stale import stale_meaning
from bot.digest.content import AlertLine, DeadlineLine, DigestContent, FeedLine, IdeaLine, KpiLine
from bot.digest.wording import environment
from bot.errors import ConfigurationError
from bot.views.digest import digest_message
from bot.views.limits import MESSAGE_BLOCKS, MESSAGE_BLOCKS_CHARS, check_message


def _content(**kw) -> DigestContent:  # type: ignore[no-untyped-def]
    c = DigestContent("North", ["North"], date(2026, 3, 9), "America/New_York", since=date(2026, 3, 6))
    for k, v in kw.items():
        setattr(c, k, v)
    return c


def _text(blocks: list[dict]) -> str:
    out = []
    for b in blocks:
        if b["type"] in ("section", "header"):
            out.append(b["text"]["text"])
        elif b["type"] == "context":
            out += [e["text"] for e in b["elements"]]
    return "\n".join(out)


KPI = KpiLine("North", "no-show-rate", "No-show rate", "12.00 %", False, "off target: above the 10.00 % maximum",
              "07 Feb–08 Mar", "+1.20 pts", False)
ALERT = AlertLine("North", "Low stock: gloves <M> & masks", "warning", "open", "Mon 9 Mar 07:00 EDT", True)
IDEA = IdeaLine(7, "Use <!channel> & tablets", "North", "new", 2)
DEADLINE = DeadlineLine("North", "CLIA renewal", date(2026, 3, 14), 5)


def test_sections_in_order_and_empty_ones_left_out() -> None:
    msg = digest_message(_content(kpis=[KPI], alerts=[ALERT], ideas_new=[IDEA], deadlines=[DEADLINE]))
    [head] = msg.parts
    text = _text(head)
    order = [text.index(s) for s in ("KPIs against target", "Alerts", "Ideas", "Deadlines in the next 14 days")]
    assert order == sorted(order)
    assert "Stale data" not in text and "PDSA" not in text and "could not be delivered" not in text
    assert "+1.20 pts since last digest, worse" in text
    assert "1 open, 1 new since the last digest" in text
    assert "(in 5 days)" in text


def test_typed_text_is_escaped_for_mrkdwn() -> None:
    text = _text(digest_message(_content(alerts=[ALERT], ideas_new=[IDEA])).parts[0])
    assert "gloves &lt;M&gt; &amp; masks" in text
    assert "Use &lt;!channel&gt; &amp; tablets" in text and "<!channel>" not in text


def test_empty_digest_says_so() -> None:
    c = _content()
    assert c.is_empty
    text = _text(digest_message(c).parts[0])
    assert "Nothing needs attention today." in text


def test_many_items_split_within_limits() -> None:
    alerts = [AlertLine("North", f"Alert {i:03d} " + "x" * 120, "warning", "open", "Mon 9 Mar", False)
              for i in range(200)]
    msg = digest_message(_content(alerts=alerts), max_items=500)
    assert len(msg.parts) >= 3  # ~200 × 170 characters cannot fit in 12,000 characters
    for part, text in zip(msg.parts, msg.texts, strict=True):
        check_message(part, text)
        assert len(part) <= MESSAGE_BLOCKS
        assert len(json.dumps(part, ensure_ascii=False)) <= MESSAGE_BLOCKS_CHARS
    everything = "\n".join(_text(p) for p in msg.parts)
    assert all(everything.count(f"Alert {i:03d} ") == 1 for i in range(200))
    assert f"Continued in the thread ({len(msg.parts) - 1} more messages)" in _text(msg.parts[0])
    assert msg.texts[1].endswith(f"(part 2 of {len(msg.parts)})")


def test_max_items_caps_a_section() -> None:
    alerts = [AlertLine("North", f"Alert {i}", "warning", "open", "Mon", False) for i in range(30)]
    text = _text(digest_message(_content(alerts=alerts), max_items=10).parts[0])
    assert "… and 20 more" in text and "Alert 9 " in text + " " and "Alert 10 " not in text + " "


def test_template_override_changes_wording(tmp_path: Path) -> None:
    (tmp_path / "header.j2").write_text("Good morning, {{ c.title }}!")
    environment.cache_clear()
    msg = digest_message(_content(kpis=[KPI]), templates=tmp_path)
    assert msg.parts[0][0]["text"]["text"] == "Good morning, North!"
    assert "KPIs against target" in _text(msg.parts[0])  # other templates fall back to the built-ins


def test_broken_override_is_a_configuration_error(tmp_path: Path) -> None:
    (tmp_path / "kpis.j2").write_text("{{ no_such_value.x }}")
    with pytest.raises(ConfigurationError, match="kpis.j2"):
        digest_message(_content(kpis=[KPI]), templates=tmp_path)


def test_stale_section_says_what_the_stale_data_alert_says() -> None:
    """Tester item 4: the digest said "no data" while the alert said KPIs still answer; both now
    read the one sentence (bot.alerts.rules.stale.stale_meaning)."""
    note = stale_meaning(["remittances"], RULE_FEEDS)
    line = FeedLine("remittances", "2026-03-01 12:00 UTC", 72, ("East", "South"))
    text = _text(digest_message(_content(stale=[line], stale_note=note)).parts[0])
    assert ("Stale data* — KPIs that use these feeds answer from the data loaded before they stopped; the "
            "denial-spike alert is still checked on that same data, so nothing after it can raise one until "
            "the feed is loaded again") in text
    assert "*remittances* (East, South): last loaded 2026-03-01 12:00 UTC (expected every 72 h)" in text
    assert "no data" not in text
