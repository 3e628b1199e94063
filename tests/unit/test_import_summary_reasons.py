"""The import summary names rejects only when there are some and lists warnings as warnings
(their count, the rows/claims they flag, and each code with its count), for every feed: the CSV
feeds count rows, an 835 counts claims (bot/ingest/base.py ImportSummary.lines)."""

from __future__ import annotations

import pytest

from bot.ingest.base import ImportSummary


def summary(unit: str, counts: dict[str, int], rejected: int, warned: int) -> list[str]:
    s = ImportSummary("f", "x", "canonical", 1, read=10, imported=10 - rejected, rejected=rejected,
                      warned=warned, unit=unit, issue_counts=counts)
    return s.lines()


@pytest.mark.parametrize(("unit", "word"), [("rows", "row"), ("claims (CLP)", "claim")])
def test_warnings_only_say_nothing_of_rejects(unit: str, word: str) -> None:
    lines = summary(unit, {"warning remit_date_from_dtm405": 3, "warning uncategorised_carc": 1}, 0, 3)
    text = "\n".join(lines)
    assert "reject" not in text.replace("rejected 0", "")  # only the count table says rejected 0
    assert f"4 warnings (3 {word}s loaded with warnings); one {word} can have several" in lines
    assert "  3 × warning remit_date_from_dtm405" in lines and "  1 × warning uncategorised_carc" in lines


@pytest.mark.parametrize(("unit", "word"), [("rows", "row"), ("claims (CLP)", "claim")])
def test_rejects_only_say_nothing_of_warnings(unit: str, word: str) -> None:
    lines = summary(unit, {"reject no_remit_date": 3}, 3, 0)
    assert f"reasons: 3 reject reasons (3 rejected {word}s); one {word} can have several" in lines
    assert not any("warning" in line for line in lines[2:])  # after the headline and the count table


def test_both_kinds_are_counted_apart() -> None:
    lines = summary("rows", {"reject invalid_date": 4, "reject unknown_clinic": 1, "warning new_clinic": 2}, 3, 2)
    assert "reasons: 5 reject reasons (3 rejected rows), 2 warnings (2 rows loaded with warnings); " \
           "one row can have several" in lines
    assert lines.index("  4 × reject invalid_date") < lines.index("  2 × warning new_clinic")


def test_issues_on_no_claim_say_so_in_words() -> None:
    """An 835 segment problem can flag no claim (a mis-sized ISA, a dropped SVC line)."""
    lines = summary("claims (CLP)", {"reject x12_segment": 1, "warning x12_repaired": 1}, 0, 0)
    assert ("reasons: 1 reject reason (no claim rejected), 1 warning (no claim loaded with warnings); "
            "one claim can have several") in lines
    assert not any("0 rejected" in line or "(0 " in line for line in lines)


def test_no_issues_no_heading() -> None:
    lines = summary("rows", {}, 0, 0)
    assert not any("reason" in line or "warning" in line.replace("warnings 0", "") for line in lines)
