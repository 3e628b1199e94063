"""What the drop folder makes of an import's counts: nothing stored and something rejected is a
failure; some rejected is "imported with N rejected"; none rejected is "imported"."""

from __future__ import annotations

from bot.ingest.base import ImportSummary
from jobs.drop_folder import judge


def summary(**counts: int) -> ImportSummary:
    return ImportSummary("appointments", "a.csv", "canonical", **counts)  # type: ignore[arg-type]


def test_all_rejected_fails() -> None:
    outcome, message = judge(summary(read=3, rejected=3))
    assert outcome == "failed" and message.startswith("nothing imported: all 3 row(s) read were rejected")


def test_unchanged_rows_are_not_a_failure() -> None:  # a re-sent file whose bad rows are still bad
    assert judge(summary(read=3, unchanged=2, rejected=1))[0] == "partial"


def test_partial_and_clean() -> None:
    outcome, message = judge(summary(read=5, imported=3, rejected=2))
    assert outcome == "partial" and message.startswith("imported with 2 rejected — appointments (canonical)")
    assert judge(summary(read=5, imported=5))[0] == "imported"
    assert judge(summary())[0] == "imported"  # an empty file (header only): nothing to reject
