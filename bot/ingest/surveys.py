"""Patient-survey feed (docs/formats/surveys.md): CG-CAHPS provider rating 0–10 per response."""

from __future__ import annotations

import pandas as pd
from sqlalchemy.orm import Session

from bot.ingest.claims import pseudonyms
from bot.ingest.feed_fields import Fields, validate_frame_with
from bot.ingest.issues import ChunkIssues
from bot.ingest.keyed import ClinicFeedImporter
from storage.models import SurveyResponse


def parse(frame: pd.DataFrame, issues: ChunkIssues) -> pd.DataFrame:
    f = Fields(frame, issues)
    out = pd.DataFrame(index=frame.index)
    out["external_id"] = f.text("response_id", required=True)
    out["clinic"] = f.text("clinic", required=True)
    out["clinic_name"] = f.text("clinic_name", 200)
    out["provider"] = f.text("provider")
    out["provider_name"] = f.text("provider_name", 200)
    out["response_date"] = f.date("response_date")
    out["provider_rating"] = f.number("provider_rating", minimum=0, maximum=10, integer=True)
    out["patient_id"] = f.text("patient_id", 200)
    return out


def validate_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(good rows, issues) of survey rows, without a database."""
    return validate_frame_with(parse, frame)


class SurveysImporter(ClinicFeedImporter):
    feed = "surveys"
    noun = ("survey response", "survey responses")
    model = SurveyResponse
    date_column = "response_date"
    formats = {"canonical": ("response_id", "clinic", "response_date", "provider_rating")}
    creates = ("clinic", "provider")

    def __init__(self, pseudonym_key: str = "", *, source: str | None = None,
                 timezones: dict[str, str] | None = None) -> None:
        super().__init__(source=source, timezones=timezones)
        self.pseudonym_key = pseudonym_key

    def validate(self, chunk: pd.DataFrame, issues: ChunkIssues, session: Session) -> pd.DataFrame:  # type: ignore[override]  # validate_uses_session: always given one
        p = self.clinics.apply(parse(chunk, issues), issues, session)
        out = p[["external_id", "response_date", "provider_rating"]].copy()
        out = self.with_source(out)
        out["patient_pseudonym"] = pseudonyms(p["patient_id"], self.pseudonym_key)
        return out.join(self.references(p))  # ids: create_references, after the duplicate check
