"""Coding-audit feed (docs/formats/coding-audits.md): code-over-code audit samples (AHIMA)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy.orm import Session

from bot.ingest.feed_fields import Fields, validate_frame_with
from bot.ingest.issues import ChunkIssues
from bot.ingest.keyed import ClinicFeedImporter
from storage.models import CodingAudit


def parse(frame: pd.DataFrame, issues: ChunkIssues) -> pd.DataFrame:
    f = Fields(frame, issues)
    out = pd.DataFrame(index=frame.index)
    out["external_id"] = f.text("audit_id", required=True)
    out["clinic"] = f.text("clinic", required=True)
    out["clinic_name"] = f.text("clinic_name", 200)
    out["provider"] = f.text("provider")
    out["provider_name"] = f.text("provider_name", 200)
    out["audit_date"] = f.date("audit_date")
    out["codes_audited"] = f.number("codes_audited", minimum=1, integer=True)
    out["codes_matched"] = f.number("codes_matched", minimum=0, integer=True)
    over = out["codes_matched"].gt(out["codes_audited"]).fillna(False).astype(bool)
    issues.reject(over, "matched_exceeds_audited", "codes_matched is greater than codes_audited")
    out["method"] = f.text("method", 32).fillna("code-over-code")
    return out


def validate_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(good rows, issues) of coding-audit rows, without a database."""
    return validate_frame_with(parse, frame)


class CodingAuditsImporter(ClinicFeedImporter):
    feed = "coding_audits"
    noun = ("coding-audit sample", "coding-audit samples")
    model = CodingAudit
    date_column = "audit_date"
    formats = {"canonical": ("audit_id", "clinic", "audit_date", "codes_audited", "codes_matched")}
    creates = ("clinic", "provider")

    def validate(self, chunk: pd.DataFrame, issues: ChunkIssues, session: Session) -> pd.DataFrame:  # type: ignore[override]  # validate_uses_session: always given one
        p = self.clinics.apply(parse(chunk, issues), issues, session)
        out = p[["external_id", "audit_date", "codes_audited", "codes_matched", "method"]].copy()
        out = self.with_source(out)
        return out.join(self.references(p))  # ids: create_references, after the duplicate check
