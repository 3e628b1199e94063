"""The tolerant 835 reader on hand-written files: separators, envelopes, loops, problems.

Expected values are read off the literal test input by hand.
"""

from __future__ import annotations

from datetime import date

from bot.x12 import read_835


def isa(element: str = "*", repetition: str = "^", component: str = ":", terminator: str = "~") -> str:
    e = element
    text = (f"ISA{e}00{e}{' ' * 10}{e}00{e}{' ' * 10}{e}ZZ{e}{'SENDER':<15}{e}ZZ{e}{'RECEIVER':<15}{e}"
            f"240101{e}1200{e}{repetition}{e}00501{e}000000001{e}0{e}P{e}{component}{terminator}")
    assert len(text) == 106  # the standard fixed ISA length
    return text


def envelope(body: str, element: str = "*", terminator: str = "~", head: str | None = None) -> str:
    """ISA + GS + body + GE + IEA with correct trailers: GE01 = number of ST, GE02 = GS06 = 1,
    IEA01 = 1 group, IEA02 = ISA13 = 000000001."""
    e, t = element, terminator
    transactions = body.count(f"ST{e}835{e}")
    return ((head if head is not None else isa(e, terminator=t))
            + f"GS{e}HP{e}SENDER{e}RECEIVER{e}20240101{e}1200{e}1{e}X{e}005010X221A1{t}"
            + body + f"GE{e}{transactions}{e}1{t}IEA{e}1{e}000000001{t}")


BODY = ("ST*835*0001~BPR*I*100.50*C*ACH*CCP*01*1*DA*2*3**01*4*DA*5*20240105~DTM*405*20240103~"
        "N1*PR*ACME HEALTH*XV*12345~N1*PE*CLINIC ONE*XX*1999999999~LX*1~"
        "CLP*PCN1*1*300*100.50*20*12*ICN1~CAS*CO*45*79.50~MOA***MA01~"
        "SVC*HC:99213:25*300*100.50**1~CAS*PR*2*20~LQ*HE*N130~SE*13*0001~")


def test_separators_come_from_the_isa_segment() -> None:
    body = BODY.replace("*", "|").replace("~", "!").replace("HC:99213:25", "HC<99213<25")
    result = read_835(envelope(body, "|", "!", head=isa("|", "^", "<", "!")))
    assert (result.separators.element, result.separators.component, result.separators.segment,
            result.separators.repetition) == ("|", "<", "!", "^")
    line = result.claims[0].service_lines[0]
    assert (line.code, line.modifiers, line.procedure) == ("99213", ("25",), "HC:99213:25")
    assert result.problems == []


def test_reads_header_claim_and_line_loops() -> None:
    result = read_835(envelope(BODY))
    tx = result.transactions[0]
    assert tx.control_number == "0001"
    assert tx.payer.name == "ACME HEALTH" and tx.payer.identifier == "12345"
    assert tx.payee.name == "CLINIC ONE"
    assert tx.payment_cents == 10050 and tx.remit_date == date(2024, 1, 5)  # BPR16 wins over DTM*405
    claim = tx.claims[0]
    assert (claim.patient_control_number, claim.status_code, claim.charge_cents, claim.paid_cents,
            claim.patient_responsibility_cents, claim.filing_indicator, claim.payer_claim_control_number) == (
        "PCN1", "1", 30000, 10050, 2000, "12", "ICN1")
    assert [(a.group_code, a.carc, a.amount_cents) for a in claim.adjustments] == [("CO", "45", 7950)]
    assert claim.rarcs == ["MA01"]
    line = claim.service_lines[0]
    assert [(a.group_code, a.carc, a.amount_cents) for a in line.adjustments] == [("PR", "2", 2000)]
    assert line.rarcs == ["N130"] and line.charge_cents == 30000 and line.paid_cents == 10050
    assert result.problems == []


def test_newlines_between_segments_change_nothing() -> None:
    flat = read_835(envelope(BODY))
    lined = read_835(envelope(BODY).replace("~", "~\r\n"))
    assert lined.claims == flat.claims and lined.problems == []
    # ISA line 1, GS line 2, ST..LQ lines 3-14, the bad CLP line 15 (inside the transaction), SE line 16
    bad = envelope(BODY.replace("SE*13*0001~", "CLP*X*Y~SE*14*0001~")).replace("~", "~\n")
    assert [p.line for p in read_835(bad).problems] == [15]


def test_missizzed_isa_is_reported_and_still_read() -> None:
    short = isa().replace("SENDER         ", "SENDER")  # padding trimmed: 97 characters
    result = read_835(envelope(BODY, head=short))
    assert result.claims[0].paid_cents == 10050
    assert [(p.segment_id, p.severity) for p in result.problems] == [("ISA", "warning")]
    assert "97 characters" in result.problems[0].reason


def test_file_without_envelope_infers_separators() -> None:
    result = read_835("CLP*A1*1*10*0*0*12*X~CAS*CO*29*10~")
    assert result.claims[0].adjustments[0].carc == "29"
    assert [p.severity for p in result.problems] == ["warning"]  # outside ST/SE, read anyway


def test_several_transactions_per_file() -> None:
    second = BODY.replace("ST*835*0001", "ST*835*0002").replace("PCN1", "PCN2").replace("SE*13*0001", "SE*13*0002")
    result = read_835(envelope(BODY + second))
    assert [t.control_number for t in result.transactions] == ["0001", "0002"]
    assert [c.patient_control_number for c in result.claims] == ["PCN1", "PCN2"]


def test_dtm_405_is_the_remit_date_when_bpr16_is_bad() -> None:
    result = read_835(envelope(BODY.replace("*20240105~", "*20242305~")))
    assert result.transactions[0].remit_date == date(2024, 1, 3)
    # not a segment dropped (BPR02 is still read): the date problem travels with the transaction
    # and is said with each claim it dates (bot.ingest.remittance_rows)
    assert result.problems == [] and result.transactions[0].payment_cents == 10050
    assert result.transactions[0].date_problems == ["segment 4: BPR16 '20242305' is not a calendar date"]


def test_broken_segments_are_reported_with_position_and_the_rest_kept() -> None:
    body = BODY.replace("CAS*CO*45*79.50~", "CAS*CO*45*7X.50*1*ZZZ*5~CAS*CO*253*1.25~")
    text = envelope(body.replace("SE*13", "SE*14") + (
        "ST*835*0003~CLP*BAD*1*abc*0~CAS*CO*16*5~SVC*HC:1*5*0~FOO*1~CLP*GOOD*1*5*-5~SE*7*0003~"))
    result = read_835(text)
    assert [c.patient_control_number for c in result.claims] == ["PCN1", "GOOD"]
    assert result.claims[1].paid_cents == -500  # negative amounts are kept
    assert [(a.carc, a.amount_cents) for a in result.claims[0].adjustments] == [("253", 125)]
    by_segment = {(p.segment_index, p.segment_id) for p in result.problems}
    # ISA=1, GS=2, ST=3 … CAS=10 (two bad triples) … SE=16, ST=17 CLP=18 CAS=19 SVC=20 FOO=21
    assert by_segment == {(10, "CAS"), (18, "CLP"), (19, "CAS"), (20, "SVC"), (21, "FOO")}
    assert len([p for p in result.problems if p.segment_index == 10]) == 2
    clp = next(p for p in result.problems if p.segment_id == "CLP")
    assert clp.transaction == "0003" and "CLP03 'abc'" in clp.reason
    assert text.encode()[clp.offset:clp.offset + 7] == b"CLP*BAD"


def test_component_separator_mismatch_is_repaired_and_reported() -> None:
    result = read_835(envelope(BODY.replace("HC:99213:25", "HC>99213>25")))
    assert result.claims[0].service_lines[0].procedure == "HC:99213:25"
    assert [(p.segment_id, p.severity) for p in result.problems] == [("SVC", "warning")]
