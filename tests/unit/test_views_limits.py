"""Limits from shared/spec/slack.md, checked with messages built to straddle each limit."""

import pytest

from bot.views import limits


def section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def test_fifty_blocks_pass_and_fifty_one_fail():
    limits.check_message([section("x")] * 50)
    with pytest.raises(limits.SlackLimitError, match="51 blocks"):
        limits.check_message([section("x")] * 51)


def test_section_text_3000_passes_3001_fails():
    limits.check_message([section("é" * 3000)])
    with pytest.raises(limits.SlackLimitError, match="over 3000"):
        limits.check_message([section("é" * 3001)])


def test_header_and_button_limits():
    with pytest.raises(limits.SlackLimitError) as err:
        limits.check_message([
            {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}},
            {"type": "actions", "elements": [{"type": "button", "action_id": "a",
                                              "text": {"type": "plain_text", "text": "b" * 76}}]},
        ])
    assert len(err.value.problems) == 2


def test_total_size_limit_is_checked_although_each_block_fits():
    blocks = [section("y" * 2900) for _ in range(5)]  # 14,500+ characters in all
    with pytest.raises(limits.SlackLimitError, match="blocks total"):
        limits.check_message(blocks)


def test_modal_title_24_and_100_blocks():
    ok = {"type": "modal", "title": {"type": "plain_text", "text": "t" * 24}, "blocks": [section("x")] * 100}
    limits.check_view(ok)
    bad = dict(ok, title={"type": "plain_text", "text": "t" * 25}, blocks=[section("x")] * 101)
    with pytest.raises(limits.SlackLimitError) as err:
        limits.check_view(bad)
    assert len(err.value.problems) == 2


def test_split_blocks_keeps_order_and_respects_both_limits():
    blocks = [section(f"{i:03d}" + "z" * 900) for i in range(70)]
    chunks = limits.split_blocks(blocks)
    flat = [b["text"]["text"][:3] for chunk in chunks for b in chunk]
    assert flat == [f"{i:03d}" for i in range(70)]
    for chunk in chunks:
        limits.check_message(chunk)


def test_truncate_counts_the_ellipsis():
    assert limits.truncate("abcdef", 4) == "abc…"
    assert limits.truncate("abc", 4) == "abc"
