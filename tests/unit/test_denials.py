"""Denial classification against shared/spec/denials.md (its test vector and its rules)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.denials import CATEGORIES, adjustment_category, classify_claim
from bot.x12 import Adjustment, ClaimPayment, ServiceLine, read_835_file


def claim(paid: int, *adjustments: Adjustment, status: str = "1", lines: tuple[ServiceLine, ...] = (),
          rarcs: tuple[str, ...] = ()) -> ClaimPayment:
    return ClaimPayment("PCN", status, 10000, paid, 0, "12", "ICN", 1, list(adjustments), list(lines), list(rarcs))


def line(paid: int, *adjustments: Adjustment, rarcs: tuple[str, ...] = ()) -> ServiceLine:
    return ServiceLine("HC", "99213", (), 10000, paid, None, 2, list(adjustments), list(rarcs))


def test_spec_vector_table(shared_dir: Path) -> None:
    result = read_835_file(shared_dir / "spec/vectors/era_835_denial_example.txt")
    got = [(c.patient_control_number, c.status_code, classify_claim(c)) for c in result.claims]
    table = [(pcn, st, r.status, r.category, r.excluded_reason) for pcn, st, r in got]
    assert table == [  # denials.md "Test vector", row by row
        ("A1001", "1", "paid", None, None),
        ("A1002", "1", "denied", "authorization", None),
        ("A1003", "4", "denied", "registration_eligibility", None),
        ("A1004", "1", "excluded", None, "duplicate"),
        ("A1001", "22", "excluded", None, "reversal"),
        ("A1006", "1", "not_denial", None, None),
        ("A1007", "1", "denied", "missing_invalid_claim_data", None),
        ("A1008", "2", "paid", None, None),
        ("A1009", "1", "paid", None, None),
    ]
    counted = [r for _, _, r in got if r.status != "excluded"]
    denied = [r for r in counted if r.is_denial]
    assert (len(denied), len(counted)) == (3, 7)
    assert round(100 * len(denied) / len(counted), 2) == 42.86
    line_denials = [d for _, _, r in got for d in r.line_denials]
    assert [(d.procedure, d.category, d.carc) for d in line_denials] == [("HC:93000", "coding", "97")]


def test_deductible_zero_pay_is_not_a_denial() -> None:
    assert classify_claim(claim(0, Adjustment("PR", "1", 8000), Adjustment("CO", "45", 2000))).status == "not_denial"


def test_largest_denial_amount_names_the_category() -> None:
    result = classify_claim(claim(0, Adjustment("CO", "29", 3000), Adjustment("CO", "197", 7000)))
    assert (result.category, result.carc, result.liability) == ("authorization", "197", "provider")


def test_line_level_denial_on_zero_paid_claim_counts_for_the_claim() -> None:
    result = classify_claim(claim(0, lines=(line(0, Adjustment("CO", "29", 10000)),)))
    assert (result.status, result.category, result.line_denials) == ("denied", "timely_filing", ())


@pytest.mark.parametrize(("carc", "rarcs", "expected"), [
    ("16", ("MA130",), "missing_invalid_claim_data"),
    ("16", ("N382",), "registration_eligibility"),
    ("16", (), "missing_invalid_claim_data"),
    ("96", ("N54",), "authorization"),
    ("96", (), "medical_necessity_not_covered"),
    ("252", ("M127",), "documentation_requested"),
    ("A1", (), "uncategorised"),
    ("A1", ("M51",), "coding"),
    ("197", ("N382",), "authorization"),  # only 16/96/A1/252 are refined by the RARC
    ("B7", (), "provider_enrollment_credentialing"),
])
def test_rarc_refines_only_the_open_carcs(carc: str, rarcs: tuple[str, ...], expected: str) -> None:
    assert adjustment_category(Adjustment("CO", carc, 100), rarcs) == expected
    assert expected in CATEGORIES


def test_patient_liable_not_covered_keeps_liability() -> None:
    result = classify_claim(claim(0, Adjustment("PR", "204", 10000)))
    assert (result.category, result.liability) == ("medical_necessity_not_covered", "patient")


def test_unknown_and_retired_carcs_are_kept_as_uncategorised() -> None:
    result = classify_claim(claim(0, Adjustment("CO", "A2", 10000), Adjustment("CO", "Z9", 5)))
    assert (result.status, result.category, result.uncategorised_carcs) == ("denied", "uncategorised", ("A2", "Z9"))


def test_non_adjudications_and_duplicates_are_excluded() -> None:
    assert classify_claim(claim(0, status="23")).excluded_reason == "not_adjudicated"
    assert classify_claim(claim(0, status="25")).excluded_reason == "not_adjudicated"
    dup_line = classify_claim(claim(0, lines=(line(0, Adjustment("OA", "18", 10000)),)))
    assert dup_line.excluded_reason == "duplicate"
    paid_with_dup_line = classify_claim(claim(500, lines=(line(500), line(0, Adjustment("OA", "18", 100)))))
    assert (paid_with_dup_line.status, paid_with_dup_line.line_denials) == ("paid", ())


def test_negative_adjustments_carry_no_denial() -> None:
    assert classify_claim(claim(0, Adjustment("CO", "16", -500))).status == "not_denial"


def test_real_samples(shared_dir: Path) -> None:
    base = shared_dir / "data"
    emedny = read_835_file(base / "keironstoddart__edi-835-parser/tests/test_edi_835_files/emedny_sample.txt")
    results = [classify_claim(c) for c in emedny.claims]
    assert [r.status for r in results] == ["paid", "denied", "paid"]
    assert results[1].category == "timely_filing"  # CO-29 on both lines of a zero-paid claim
    assert results[2].line_denial_categories == ("documentation_requested", "documentation_requested")  # CO-251
    lfh = base / "LinuxForHealth__x12/src/tests/resources/835_005010X221A1"
    managed = [classify_claim(c) for c in read_835_file(lfh / "managed-care.835").claims]
    assert [r.uncategorised_carcs for r in managed] == [("A2",), ("A2",)]
    secondary = [classify_claim(c) for c in read_835_file(lfh / "secondary-payment.835").claims]
    assert [r.uncategorised_carcs for r in secondary] == [(), ("42",)]
