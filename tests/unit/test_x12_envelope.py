"""Envelope trailer checks on hand-built 835s (ASC X12 005010 control segments).

Expected values follow the X12 rules, counted by hand on the literal input: SE01 = segments from
ST to SE inclusive, SE02 = ST02; GE01 = ST headers in the group, GE02 = GS06; IEA01 = GS headers
in the interchange, IEA02 = ISA13. A structural failure (control number, missing trailer) is an
error at the trailer and rejects what it encloses; a count that does not match (SE01, GE01, IEA01)
is a warning there (code x12_trailer_count) and the claims are kept.
"""

from __future__ import annotations

from bot.x12 import read_835
from tests.unit.test_x12_reader import isa

GS = "GS*HP*SENDER*RECEIVER*20240101*1200*7*X*005010X221A1~"  # GS06 = 7


def tx(control: str, pcn: str, se01: str = "6", se02: str | None = None) -> str:
    """ST, BPR, N1, CLP, CAS, SE: six segments."""
    return (f"ST*835*{control}~BPR*I*10*C*NON************20240105~N1*PR*ACME~"
            f"CLP*{pcn}*1*10*10*0*12~CAS*CO*45*0~SE*{se01}*{se02 if se02 is not None else control}~")


def errors(text: str) -> list[tuple[int, str]]:
    return [(p.segment_index, p.segment_id) for p in read_835(text).problems if p.severity == "error"]


def test_correct_envelope_has_no_problem_and_nothing_rejected() -> None:
    text = isa() + GS + tx("0001", "A") + tx("0002", "B") + "GE*2*7~IEA*1*000000001~"
    result = read_835(text)
    assert result.problems == [] and [c.patient_control_number for c in result.accepted_claims] == ["A", "B"]


def test_se01_counts_st_and_se() -> None:
    # ISA=1 GS=2 ST=3 … SE=8; the transaction has 6 segments, SE01 says 5
    result = read_835(isa() + GS + tx("0001", "A", se01="5") + "GE*1*7~IEA*1*000000001~")
    assert [(p.segment_index, p.segment_id, p.severity) for p in result.problems] == [(8, "SE", "warning")]
    assert "SE01 '5' declared, 6 segments counted" in result.problems[0].reason
    assert "the 1 claim payment(s) read intact are imported" in result.problems[0].reason
    assert result.problems[0].transaction == "0001" and result.problems[0].code == "x12_trailer_count"
    assert not result.transactions[0].rejected and result.transactions[0].envelope_warnings
    assert [c.patient_control_number for c in result.accepted_claims] == ["A"]


def test_a_non_numeric_se01_is_a_count_warning_too() -> None:
    result = read_835(tx("0001", "A", se01="X"))
    assert [(p.segment_index, p.severity) for p in result.problems] == [(6, "warning")]
    assert len(result.accepted_claims) == 1


def test_se02_must_equal_st02() -> None:
    text = isa() + GS + tx("0001", "A", se02="0009") + tx("0002", "B") + "GE*2*7~IEA*1*000000001~"
    result = read_835(text)
    assert errors(text) == [(8, "SE")]
    assert "SE02 '0009' does not match ST02 '0001'" in result.problems[0].reason
    assert [c.patient_control_number for c in result.accepted_claims] == ["B"]


def test_st_before_previous_se_rejects_the_unclosed_transaction() -> None:
    unclosed = tx("0001", "A").replace("SE*6*0001~", "")
    text = isa() + GS + unclosed + tx("0002", "B") + "GE*2*7~IEA*1*000000001~"
    result = read_835(text)
    # ISA=1 GS=2 ST=3 BPR N1 CLP CAS=7, next ST=8: the error is reported at segment 8
    assert errors(text) == [(8, "ST")]
    problem = result.problems[0]
    assert problem.transaction == "0001" and "no SE trailer before ST at segment 8" in problem.reason
    assert [t.rejected for t in result.transactions] == [True, False]
    assert [c.patient_control_number for c in result.accepted_claims] == ["B"]


def test_missing_se_at_end_of_a_bare_file() -> None:
    text = tx("0001", "A").replace("SE*6*0001~", "")
    result = read_835(text)
    assert errors(text) == [(5, "CAS")]  # reported at the last segment read
    assert "has no SE trailer before the end of the file" in result.problems[0].reason
    assert result.accepted_claims == []


def test_bare_transaction_without_envelope_is_accepted() -> None:
    result = read_835(tx("0001", "A"))
    assert result.problems == [] and len(result.accepted_claims) == 1


def test_ge01_counts_transaction_sets_of_the_group() -> None:
    text = isa() + GS + tx("0001", "A") + tx("0002", "B") + "GE*1*7~IEA*1*000000001~"
    result = read_835(text)
    assert errors(text) == []
    assert [(p.segment_index, p.segment_id, p.severity) for p in result.problems] == [(15, "GE", "warning")]
    assert "GE01 '1' declared, 2 transaction set(s) counted" in result.problems[0].reason
    assert "the 2 claim payment(s) read intact are imported" in result.problems[0].reason
    assert all(t.envelope_warnings for t in result.transactions) and len(result.accepted_claims) == 2


def test_ge01_counts_a_non_835_transaction_too() -> None:
    other = "ST*999*0005~AK1*HP*1~SE*3*0005~"
    text = isa() + GS + tx("0001", "A") + other + "GE*2*7~IEA*1*000000001~"
    result = read_835(text)
    assert [p.reason for p in result.problems] == ["ST01 '999' is not 835; transaction skipped"]
    assert len(result.accepted_claims) == 1


def test_ge02_must_equal_gs06() -> None:
    text = isa() + GS + tx("0001", "A") + "GE*1*8~IEA*1*000000001~"
    result = read_835(text)
    assert errors(text) == [(9, "GE")] and "GE02 '8' does not match GS06 '7'" in result.problems[0].reason
    assert result.accepted_claims == []


def test_only_the_failing_group_is_rejected() -> None:
    gs8 = GS.replace("*7*X*", "*8*X*")
    text = isa() + GS + tx("0001", "A") + "GE*1*7~" + gs8 + tx("0002", "B") + "GE*1*9~IEA*2*000000001~"
    assert errors(text) == [(17, "GE")]  # ISA=1 GS=2 ST..SE=3-8 GE=9 GS=10 ST..SE=11-16 GE=17 IEA=18
    result = read_835(text)
    assert [t.rejected for t in result.transactions] == [False, True]


def test_iea01_counts_groups_and_iea02_equals_isa13() -> None:
    text = isa() + GS + tx("0001", "A") + "GE*1*7~IEA*2*000000002~"
    result = read_835(text)
    assert [(p.segment_index, p.severity) for p in result.problems] == [(10, "warning"), (10, "error")]
    reasons = [p.reason for p in result.problems]
    assert "IEA01 '2' declared, 1 functional group(s) counted" in reasons[0]
    assert "IEA02 '000000002' does not match ISA13 '000000001'" in reasons[1]
    assert result.transactions[0].envelope_errors and result.accepted_claims == []
    counted_only = read_835(text.replace("IEA*2*000000002~", "IEA*2*000000001~"))
    assert [p.severity for p in counted_only.problems] == ["warning"] and len(counted_only.accepted_claims) == 1


def test_truncated_interchange_without_ge_and_iea() -> None:
    text = isa() + GS + tx("0001", "A")
    result = read_835(text)
    reasons = [p.reason for p in result.problems]
    assert len(reasons) == 2 and "no GE trailer before the end of the file" in reasons[0]
    assert "no IEA trailer before the end of the file" in reasons[1]
    assert result.accepted_claims == []


def test_se_without_st_is_an_error() -> None:
    assert errors(tx("0001", "A") + "SE*2*0001~") == [(7, "SE")]


def test_se_closing_segments_read_without_an_st_is_an_error() -> None:
    # CLP=1 CAS=2 (read into an unnamed transaction, with a warning), SE=3 has no ST to close
    result = read_835("CLP*A*1*10*10*0*12~CAS*CO*45*0~SE*3*0001~")
    assert [(p.segment_index, p.severity) for p in result.problems] == [(1, "warning"), (3, "error")]
    assert result.problems[1].reason == "SE without an ST"


def test_ge_before_se_rejects_the_transaction_and_counts_it() -> None:
    unclosed = tx("0001", "A").replace("SE*6*0001~", "")
    text = isa() + GS + unclosed + "GE*1*7~IEA*1*000000001~"  # ISA=1 GS=2 ST=3 … CAS=7 GE=8
    result = read_835(text)
    assert errors(text) == [(8, "GE")]  # GE01 = 1 is right: the ST was counted
    assert "no SE trailer before GE at segment 8" in result.problems[0].reason
    assert result.accepted_claims == []
