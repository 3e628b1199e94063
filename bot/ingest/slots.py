"""Slot feed (docs/formats/slots.md): the published free/busy schedule behind third-next-available
and provider utilization.

Times with an offset (``Z``, ``+02:00``) are instants; without one they are wall-clock times in
the clinic's zone (organisation file, else the stored clinic, else ``--timezone``), the same rule
as the appointment feed (the conversion is shared with it). ``slot_date`` is the clinic-local date.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy.orm import Session

from bot.ingest.appointments_canonical import _instants as local_instants
from bot.ingest.appointments_canonical import reject_unzoned
from bot.ingest.feed_fields import Fields, validate_frame_with
from bot.ingest.feed_refs import clinic_zones
from bot.ingest.issues import ChunkIssues
from bot.ingest.keyed import ClinicFeedImporter
from storage.models import Slot, SlotState

STATES = {s.value for s in SlotState}


def parse(frame: pd.DataFrame, issues: ChunkIssues) -> pd.DataFrame:
    """Slot rows → typed columns; ``start_at``/``created_at``/``booked_at`` stay raw text here
    (their conversion needs the clinic's time zone, see :func:`instants`)."""
    f = Fields(frame, issues)
    out = pd.DataFrame(index=frame.index)
    out["external_id"] = f.text("slot_id", required=True)
    for key in ("clinic", "provider"):
        out[key] = f.text(key, required=True)
        out[f"{key}_name"] = f.text(f"{key}_name", 200)
    for name in ("start_at", "created_at", "booked_at"):
        raw = f.raw(name)
        # object dtype even when every value is empty (an all-empty column reads as float NaN,
        # which has no .str accessor: issue 16's traceback)
        out[name] = raw.astype(object).where(raw.notna(), None).map(lambda v: v if v is None else str(v))
    issues.reject(out["start_at"].isna(), "missing_start_at", "start_at is empty")
    out["duration_minutes"] = f.number("duration_minutes", minimum=1, integer=True)
    out["appointment_type"] = f.text("appointment_type", required=True)
    out["state"] = f.code("state", STATES)
    booked_free = out["state"].eq("free") & out["booked_at"].notna()
    issues.warn(booked_free, "booked_at_on_free_slot", "booked_at is set on a free slot; ignored")
    out.loc[booked_free, "booked_at"] = None
    return out


def instants(p: pd.DataFrame, zones: pd.Series, issues: ChunkIssues) -> pd.DataFrame:
    """UTC ``start_at``/``created_at``/``booked_at`` and the local ``slot_date``."""
    out = pd.DataFrame(index=p.index)
    start, day, problem = local_instants(p["start_at"], zones)
    bad = p["start_at"].notna() & start.isna() & ~reject_unzoned(issues, p["clinic"], problem)
    issues.reject(bad, "invalid_start_at", problem[bad].where(day[bad].isna(), "start_at has no time of day"))
    out["start_at"], out["slot_date"] = start, day
    for name in ("created_at", "booked_at"):
        at, _, problem = local_instants(p[name], zones)
        odd = p[name].notna() & at.isna()
        issues.warn(odd, f"invalid_{name}", problem[odd])
        out[name] = at
    return out


def validate_frame(frame: pd.DataFrame, timezone: str = "UTC") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(good rows, issues) of slot rows without a database; naive times are read in ``timezone``."""
    def both(chunk: pd.DataFrame, issues: ChunkIssues) -> pd.DataFrame:
        p = parse(chunk, issues)
        times = instants(p, pd.Series(timezone, index=p.index), issues)
        return p.drop(columns=list(times.columns.intersection(p.columns))).join(times)
    return validate_frame_with(both, frame)


class SlotsImporter(ClinicFeedImporter):
    feed = "slots"
    noun = ("slot", "slots")
    model = Slot
    date_column = "slot_date"
    formats = {"canonical": ("slot_id", "clinic", "provider", "start_at", "duration_minutes",
                             "appointment_type", "state")}
    creates = ("clinic", "provider")

    def __init__(self, *, source: str | None = None, timezones: dict[str, str] | None = None,
                 default_timezone: str | None = None) -> None:
        super().__init__(source=source, timezones=timezones, default_timezone=default_timezone)

    def validate(self, chunk: pd.DataFrame, issues: ChunkIssues, session: Session) -> pd.DataFrame:  # type: ignore[override]  # validate_uses_session: always given one
        p = self.clinics.apply(parse(chunk, issues), issues, session)
        zones = clinic_zones(session, p["clinic"], self.timezones, self.default_timezone)
        out = p[["external_id", "duration_minutes", "appointment_type", "state"]].copy()
        out = self.with_source(out)
        out = out.join(instants(p, zones, issues))
        return out.join(self.references(p))  # ids: create_references, after the duplicate check
