"""Pure mapping of a read 835 to remittance records (no database): keys
(:mod:`bot.ingest.remittance_keys`: a corrected claim after a reversal is never a duplicate),
classification, issues.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.denial_codes import carc_status
from bot.denials import DenialResult, classify_claim
from bot.ingest.remittance_keys import ClaimKeys, incomplete_claims
from bot.phi_echo import scrub
from bot.phi_guard import Guard, kinds_named
from bot.phi_labels import label_findings
from bot.x12 import ClaimPayment, Remittance835, SegmentProblem, Transaction
from storage.reference import slugify

UNKNOWN_PAYER = "unknown-payer"
#: codes of the issues that reject one claim payment (CLP) read whole
CLAIM_REJECTS = frozenset({"no_remit_date", "identifier_in_payer_name"})


@dataclass(frozen=True)
class RemitIssue:
    """A problem to record as an ``ImportIssue``: ``line`` is the 835 segment number."""

    line: int
    severity: str  # "reject" | "warning"
    code: str
    detail: str  # scrubbed of identifiers on creation (bot.phi_echo.scrub), as every import reason

    def __post_init__(self) -> None:
        object.__setattr__(self, "detail", scrub(self.detail)[:500])


@dataclass(frozen=True)
class RemitRecord:
    natural_key: str
    claim: ClaimPayment
    remit_date: date
    payer_key: str
    payer_name: str
    payee_name: str | None
    denial: DenialResult
    complete: bool = True  # False: a service line, adjustment or remark of the claim was unreadable


def payer_key_of(tx: Transaction) -> tuple[str, str]:
    """(key, display name) of the N1*PR payer; the key is the slugified name (ids vary by file)."""
    if tx.payer is None or not tx.payer.name:
        return UNKNOWN_PAYER, "Unknown payer"
    return slugify(tx.payer.name) or UNKNOWN_PAYER, tx.payer.name


def problem_issue(problem: SegmentProblem) -> RemitIssue:
    severity = "reject" if problem.severity == "error" else "warning"
    code = "x12_segment" if severity == "reject" else "x12_repaired"
    return RemitIssue(problem.segment_index, severity, problem.code or code, f"{problem.position()}: {problem.reason}"[:500])


def rejected_transaction(tx: Transaction) -> RemitIssue:
    """The issue for a transaction held back by ``bot.x12.envelope`` (line = its ST segment)."""
    detail = (f"segment {tx.segment_index}: transaction ST02 {tx.control_number!r} not imported "
              f"({len(tx.claims)} claim payment(s) held back): {'; '.join(tx.envelope_errors)}")
    return RemitIssue(tx.segment_index, "reject", "x12_transaction_rejected", detail[:500])


def undated(claim: ClaimPayment, tx: Transaction) -> RemitIssue:
    """The reject of a claim whose transaction has no readable remit date, saying why: for BPR16
    and for DTM*405, the unreadable value and its segment, or that it is absent."""
    bpr = [p for p in tx.date_problems if "BPR16" in p] or ["BPR16 is empty"]
    dtm = [p for p in tx.date_problems if "DTM" in p] or ["no DTM*405"]
    return RemitIssue(claim.segment_index, "reject", "no_remit_date",
                      f"segment {claim.segment_index}: claim payment (CLP) not imported: no remit date "
                      f"({'; '.join(bpr + dtm)})")


def payer_name_issue(claim: ClaimPayment, kinds: str) -> RemitIssue:
    """The reject of a claim whose payer's name (N1*PR, stored and shown in by-payer answers)
    holds what looks like a patient identifier: names the kinds, never the name."""
    return RemitIssue(claim.segment_index, "reject", "identifier_in_payer_name",
                      f"segment {claim.segment_index}: claim payment (CLP) not imported: the payer's name (N1*PR) "
                      f"holds what looks like {kinds}; a name shown in Slack may not carry patient identifiers")


def remittance_records(result: Remittance835, guard: Guard | None = None) -> tuple[list[RemitRecord], list[RemitIssue]]:
    """Records for every readable claim plus issues: every segment problem, transactions that
    failed an envelope trailer check (rejected whole, one issue naming the ST), claims without a
    remit date (rejected, saying which date element was unreadable), claims dated from DTM*405
    because BPR16 is unreadable (warning), identical CLPs repeated in one file with no reversal of
    their claim in between (second one skipped; after a reversal it is the corrected claim), and
    deactivated or unknown CARCs (warning, kept as "uncategorised"; a current X12 code without a
    root-cause category is kept as uncategorised silently), and the claims of a transaction whose
    payer's name holds a likely patient identifier (``guard``: the organisation's, default the
    built-in rules; :func:`bot.phi_labels.label_findings`), rejected."""
    issues = [problem_issue(p) for p in result.problems]
    records: list[RemitRecord] = []
    keys = ClaimKeys()
    incomplete = incomplete_claims(result)
    for tx in result.transactions:
        if tx.rejected:
            issues.append(rejected_transaction(tx))
            continue
        payer_key, payer_name = payer_key_of(tx)
        in_name = label_findings(payer_name, guard or Guard())
        for claim in tx.claims:
            if in_name:
                issues.append(payer_name_issue(claim, kinds_named(in_name)))
                continue
            if tx.remit_date is None:
                issues.append(undated(claim, tx))
                continue
            if tx.payment_date is None and tx.date_problems:
                issues.append(RemitIssue(claim.segment_index, "warning", "remit_date_from_dtm405",
                                         f"segment {claim.segment_index}: remit date taken from DTM*405 (the "
                                         f"production date) because {'; '.join(tx.date_problems)}"))
            key = keys.key(payer_key, claim, tx.remit_date)
            if key is None:
                issues.append(RemitIssue(claim.segment_index, "warning", "duplicate_in_file",
                                         f"segment {claim.segment_index}: identical CLP already read in this file"))
                continue
            denial = classify_claim(claim)
            worth_saying = [c for c in denial.uncategorised_carcs if carc_status(c) != "known"]
            if worth_saying:
                retired = [c for c in worth_saying if carc_status(c) == "deactivated"]
                unknown = [c for c in worth_saying if c not in retired]
                words = ([f"CARC(s) {', '.join(retired)} deactivated in the X12 code list"] if retired else []) + (
                    [f"CARC(s) {', '.join(unknown)} not in the X12 code list the bot knows"] if unknown else [])
                issues.append(RemitIssue(claim.segment_index, "warning", "uncategorised_carc",
                                         f"segment {claim.segment_index}: {'; '.join(words)}; kept as uncategorised"))
            records.append(RemitRecord(key, claim, tx.remit_date, payer_key, payer_name,
                                       tx.payee.name if tx.payee else None, denial,
                                       claim.segment_index not in incomplete))
    return records, issues
