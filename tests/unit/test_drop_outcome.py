"""What the drop folder makes of an import's counts: nothing stored and something rejected is a
failure; some rejected is "partial"; none rejected is "imported". The message is the report's
headline (bot/ingest/headline.py), the failure's followed by the rest of the report."""

from __future__ import annotations

from bot.ingest.base import ImportSummary
from jobs.drop_folder import judge


def summary(**counts: int) -> ImportSummary:
    return ImportSummary("appointments", "a.csv", "canonical", noun=("appointment", "appointments"),
                         **counts)  # type: ignore[arg-type]


def test_all_rejected_fails() -> None:
    outcome, message = judge(summary(read=3, rejected=3))
    assert outcome == "failed"
    assert message.startswith("Nothing imported from a.csv: all 3 rows were rejected (reasons below) — appointments ")


def test_unchanged_rows_are_not_a_failure() -> None:  # a re-sent file whose bad rows are still bad
    assert judge(summary(read=3, unchanged=2, rejected=1))[0] == "partial"


def test_partial_and_clean() -> None:
    outcome, message = judge(summary(read=5, imported=3, rejected=2))
    assert (outcome, message) == ("partial", "Imported 3 appointments from a.csv; 2 rows rejected (reasons below)")
    assert judge(summary(read=5, imported=5))[0] == "imported"
    assert judge(summary())[0] == "imported"  # an empty file (header only): nothing to reject
