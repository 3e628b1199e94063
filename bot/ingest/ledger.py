"""Ledger feed (docs/formats/ledger.md): charges, payments, refunds, adjustments and write-offs
as ``LedgerEntry`` rows, and the A/R feed (docs/formats/ar.md): net A/R snapshots per clinic.

Amounts are positive; the ``kind`` gives the sign (MGMA net collection rate: (payments − refunds)
÷ (charges − contractual adjustments)).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.ingest.feed_fields import Fields, validate_frame_with
from bot.ingest.issues import ChunkIssues
from bot.ingest.keyed import ClinicFeedImporter
from storage.models import ArSnapshot, Claim, LedgerEntry

KINDS = {"charge", "payer_payment", "patient_payment", "refund", "contractual_adjustment",
         "denial_write_off", "bad_debt_write_off", "other_adjustment"}


def parse(frame: pd.DataFrame, issues: ChunkIssues) -> pd.DataFrame:
    """Canonical ledger rows → typed columns (clinic/payer/claim as keys)."""
    f = Fields(frame, issues)
    out = pd.DataFrame(index=frame.index)
    out["external_id"] = f.text("entry_id", required=True)
    out["clinic"] = f.text("clinic", required=True)
    out["clinic_name"] = f.text("clinic_name", 200)
    out["payer"] = f.text("payer")
    out["payer_name"] = f.text("payer_name", 200)
    out["claim"] = f.text("claim_id")
    out["posted_date"] = f.date("posted_date")
    out["service_date"] = f.date("service_date", required=False)
    out["kind"] = f.code("kind", KINDS)
    out["amount_cents"] = f.money_cents("amount")
    out["at_service"] = f.flag("at_service")
    odd = out["at_service"].notna() & out["kind"].ne("patient_payment")
    issues.warn(odd, "at_service_not_patient_payment", "at_service only applies to patient payments")
    return out


def validate_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(good rows, issues) of canonical ledger rows, without a database."""
    return validate_frame_with(parse, frame)


class LedgerImporter(ClinicFeedImporter):
    """Import ledger entries; natural key ``(source, external_id)``."""

    feed = "ledger"
    noun = ("ledger entry", "ledger entries")
    model = LedgerEntry
    date_column = "posted_date"
    formats = {"canonical": ("entry_id", "clinic", "posted_date", "kind", "amount")}
    creates = ("clinic", "payer")

    def validate(self, chunk: pd.DataFrame, issues: ChunkIssues, session: Session) -> pd.DataFrame:  # type: ignore[override]  # validate_uses_session: always given one
        p = self.clinics.apply(parse(chunk, issues), issues, session)
        out = p[["external_id", "posted_date", "service_date", "kind", "amount_cents", "at_service"]].copy()
        out = self.with_source(out)
        out["claim_id"] = _claim_ids(session, p["claim"])
        unknown = p["claim"].notna() & out["claim_id"].isna()
        issues.warn(unknown, "unknown_claim", "claim_id matches no imported claim; entry kept without the link")
        return out.join(self.references(p))  # ids: create_references, after the duplicate check


def _claim_ids(session: Session, keys: pd.Series) -> pd.Series:
    wanted = keys.dropna().unique().tolist()
    if not wanted:
        return pd.Series(pd.NA, index=keys.index, dtype="Int64")
    found: dict[str, int] = {}
    for ext, cid in session.execute(select(Claim.external_id, Claim.id).where(Claim.external_id.in_(wanted))
                                    .order_by(Claim.id.desc())):
        found[ext] = cid  # lowest id wins on an id shared by two sources
    return keys.map(found).astype("Int64")


def parse_ar(frame: pd.DataFrame, issues: ChunkIssues) -> pd.DataFrame:
    f = Fields(frame, issues)
    out = pd.DataFrame(index=frame.index)
    out["clinic"] = f.text("clinic", required=True)
    out["clinic_name"] = f.text("clinic_name", 200)
    out["as_of_date"] = f.date("as_of_date")
    out["net_ar_cents"] = f.money_cents("net_ar", allow_negative=True)
    return out


def validate_ar_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(good rows, issues) of A/R snapshot rows, without a database."""
    return validate_frame_with(parse_ar, frame)


class ArImporter(ClinicFeedImporter):
    """Import net A/R snapshots; natural key ``(clinic_id, as_of_date)`` (a later load replaces)."""

    feed = "ar"
    noun = ("A/R snapshot", "A/R snapshots")
    model = ArSnapshot
    natural_key = ("clinic_id", "as_of_date")
    date_column = "as_of_date"
    formats = {"canonical": ("clinic", "as_of_date", "net_ar")}

    def validate(self, chunk: pd.DataFrame, issues: ChunkIssues, session: Session) -> pd.DataFrame:  # type: ignore[override]  # validate_uses_session: always given one
        p = self.clinics.apply(parse_ar(chunk, issues), issues, session)
        return p[["as_of_date", "net_ar_cents"]].join(self.references(p))  # ids: create_references
