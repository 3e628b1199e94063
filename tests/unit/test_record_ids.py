"""Record ids typed by people (issue 14): Unicode digits, huge numbers and control characters get
usage help, never an unhandled error (``int('①')`` raises; 23 digits overflow the driver)."""

from __future__ import annotations

import pytest

from bot.access.classify import number
from bot.errors import UsageError
from bot.ideas.commands import parse_idea, parse_pdsa
from core.text import MAX_RECORD_ID, record_id

NOT_IDS = ["①", "²", "١٢", "１２", "99999999999999999999999", str(2**31), "0", "-1", "1e9", "1\x1b", "\x00", "", "#", "12a"]


@pytest.mark.parametrize("text", NOT_IDS)
def test_not_an_id(text: str) -> None:
    assert record_id(text) is None and number(text) is None


def test_ids_in_range() -> None:
    assert (record_id("12"), record_id("#7"), record_id(" 3 ")) == (12, 7, 3)
    assert record_id(str(2**31 - 1)) == MAX_RECORD_ID == 2**31 - 1  # PostgreSQL integer's maximum


@pytest.mark.parametrize("text", NOT_IDS[:-3])
def test_commands_answer_usage_help(text: str) -> None:
    for parse, line in ((parse_idea, f"show {text}"), (parse_idea, f"status {text} declined dup"),
                        (parse_pdsa, f"update {text}"), (parse_pdsa, f"start {text}")):
        with pytest.raises(UsageError, match="as a number"):
            parse(line)
