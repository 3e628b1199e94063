"""Issue 16: valid current CARCs (147, 176, 104) are no longer "unknown or retired"; deactivated
ones (141, A7 per the X12 code list) are said to be deactivated, not unknown."""

from __future__ import annotations

import pytest

from bot.denial_codes import CARC_CATEGORY, carc_label, carc_status
from bot.denials import classify_claim
from bot.x12.model import Adjustment, ClaimPayment


def _denied(carc: str, group: str = "CO") -> ClaimPayment:
    return ClaimPayment("PCN1", "1", 10000, 0, 0, None, None, 0, adjustments=[Adjustment(group, carc, 10000)])


@pytest.mark.parametrize("carc, category", [
    # X12 descriptions: 147 "Provider contracted/negotiated rate expired or not on file",
    # 176 "Prescription is not current", 141 "Claim spans eligible and ineligible periods of coverage"
    ("147", "provider_enrollment_credentialing"), ("176", "documentation_requested"),
    ("141", "registration_eligibility"), ("197", "authorization"),
])
def test_named_carcs_have_their_root_cause(carc: str, category: str) -> None:
    assert CARC_CATEGORY[carc] == category
    result = classify_claim(_denied(carc))
    assert result.status == "denied" and result.category == category and result.uncategorised_carcs == ()


def test_statuses_follow_the_x12_list() -> None:
    assert carc_status("104") == "known"  # current: managed care withholding, no root cause
    assert carc_status("A7") == "deactivated" and carc_status("42") == "deactivated"
    assert carc_status("141") == "deactivated"  # stopped 2012, still categorised for old claims
    assert carc_status("ZZ9") == "unknown"
    assert carc_label("147") == "CARC 147 (Provider enrollment / credentialing)"


def test_import_warning_says_deactivated_or_unknown_not_both() -> None:
    from datetime import date

    from bot.ingest.remittance_rows import remittance_records
    from bot.x12.model import Party, Remittance835, Transaction

    claims = [_denied("104"), _denied("A7"), _denied("ZZ9"), _denied("147")]
    for i, c in enumerate(claims):
        c.patient_control_number, c.segment_index = f"P{i}", 10 + i
    tx = Transaction("0001", 1, payment_date=date(2026, 3, 2), payer=Party("Acme", "XV", "123"), claims=claims)
    result = Remittance835.__new__(Remittance835)
    result.transactions, result.problems = [tx], []
    records, issues = remittance_records(result)
    assert len(records) == 4
    said = {i.line: i.detail for i in issues if i.code == "uncategorised_carc"}
    assert set(said) == {11, 12}  # 104 (current, no root cause) and 147 (categorised) say nothing
    assert "A7 deactivated in the X12 code list" in said[11] and "unknown" not in said[11]
    assert "ZZ9 not in the X12 code list the bot knows" in said[12]
