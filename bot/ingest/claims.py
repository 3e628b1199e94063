"""Claims feed (docs/formats/claims.md): claims entered for billing, their scrubber edits and
manual touches. ``clean`` = no scrubber edit and no manual touch before first submission
(HFMA clean claim). Patient ids are pseudonymised before storage.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy.orm import Session

from bot.errors import ConfigurationError
from bot.ingest.base import ImportSummary
from bot.ingest.feed_fields import Fields, validate_frame_with
from bot.ingest.issues import ChunkIssues
from bot.ingest.keyed import ClinicFeedImporter
from bot.ingest.remittance_store import link_remittances_to_claims
from bot.privacy import pseudonymise
from storage.models import Claim

REQUIRED = ("claim_id", "clinic", "service_date", "created_date", "charge")


def parse(frame: pd.DataFrame, issues: ChunkIssues) -> pd.DataFrame:
    """Canonical claim rows → typed columns (reference keys, not ids; raw ``patient_id``)."""
    f = Fields(frame, issues)
    out = pd.DataFrame(index=frame.index)
    out["external_id"] = f.text("claim_id", required=True)
    out["patient_control_number"] = f.text("patient_control_number").fillna(out["external_id"])
    for key in ("clinic", "provider", "payer"):
        out[key] = f.text(key, required=key == "clinic")
        out[f"{key}_name"] = f.text(f"{key}_name", 200)
    out["patient_id"] = f.text("patient_id", 200)
    out["service_date"] = f.date("service_date")
    out["created_date"] = f.date("created_date")
    out["submitted_date"] = f.date("submitted_date", required=False)
    out["charge_cents"] = f.money_cents("charge")
    out["scrubber_edits"] = f.number("scrubber_edits", required=False, minimum=0, integer=True).fillna(0)
    out["manually_touched"] = f.flag("manually_touched", default=False)
    out["clean"] = out["scrubber_edits"].eq(0) & ~out["manually_touched"].astype(bool)
    early = out["submitted_date"].lt(out["created_date"]).fillna(False).astype(bool)
    issues.warn(early, "submitted_before_created", "submitted_date is before created_date")
    before = out["created_date"].lt(out["service_date"]).fillna(False).astype(bool)
    issues.warn(before, "created_before_service", "created_date is before service_date")
    return out


def validate_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(good rows, issues) of canonical claim rows, without a database (for the seed generator)."""
    return validate_frame_with(parse, frame)


def pseudonyms(ids: pd.Series, key: str) -> pd.Series | None:
    """Keyed pseudonyms of the raw patient ids (None when the column is empty).

    Raises:
        ConfigurationError: ids are present but OPSBOT_PSEUDONYM_KEY is not set.
    """
    if not ids.notna().any():
        return None
    if not key:
        raise ConfigurationError("patient_id is filled in but OPSBOT_PSEUDONYM_KEY is not set; "
                                 "patient ids are only stored pseudonymised")
    return pseudonymise(ids, key)


class ClaimsImporter(ClinicFeedImporter):
    """Import claims; natural key ``(source, external_id)``; links waiting remittances on finish."""

    feed = "claims"
    noun = ("claim", "claims")
    model = Claim
    natural_key = ("source", "external_id")
    date_column = "created_date"
    formats = {"canonical": REQUIRED}
    creates = ("clinic", "provider", "payer")

    def __init__(self, pseudonym_key: str, *, source: str | None = None,
                 timezones: dict[str, str] | None = None) -> None:
        super().__init__(source=source, timezones=timezones)
        self.pseudonym_key = pseudonym_key

    def validate(self, chunk: pd.DataFrame, issues: ChunkIssues, session: Session) -> pd.DataFrame:  # type: ignore[override]  # validate_uses_session: always given one
        p = self.clinics.apply(parse(chunk, issues), issues, session)
        out = p[["external_id", "patient_control_number", "service_date", "created_date", "submitted_date",
                 "charge_cents", "scrubber_edits", "manually_touched", "clean"]].copy()
        out = self.with_source(out)
        out["patient_pseudonym"] = pseudonyms(p["patient_id"], self.pseudonym_key)
        return out.join(self.references(p))  # ids: create_references, after the duplicate check

    def finish(self, session: Session, summary: ImportSummary) -> None:
        link_remittances_to_claims(session)
        super().finish(session, summary)
