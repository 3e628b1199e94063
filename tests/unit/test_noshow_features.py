"""The no-show inputs added for issue 20: age bands (never an age), condition/SMS flags, and the
patient's same-day bookings counted only as far as they are known when the row is scored.
Expected values are hand counts from the small histories written out below."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bot.forecast.features import build_features, labelled, vocabulary
from bot.ingest.appointment_columns import age_bands


@pytest.mark.parametrize(("age", "band"), [
    (-1, None), (0, "0-4"), (4, "0-4"), (5, "5-11"), (11.0, "5-11"), (12, "12-17"), (17, "12-17"),
    (18, "18-24"), (24, "18-24"), (25, "25-34"), (64, "55-64"), (84, "75-84"), (85, "85+"), (115, "85+"),
    (None, None),
])
def test_age_bands(age: float | None, band: str | None) -> None:
    assert age_bands(pd.Series([age], dtype="float64")).iloc[0] == band


def _day() -> pd.DataFrame:
    """One patient, appointments on 10 Mar: A booked 7 Mar; B booked on the day at 08:00; C and
    D together at 10:00 (one booking of two visits); E booked 8 Mar but cancelled; F a visit on
    3 Mar (no-show) booked 1 Mar."""
    rows = [("A", "2026-03-10", "completed", "2026-03-07 09:00"), ("B", "2026-03-10", "no_show", "2026-03-10 08:00"),
            ("C", "2026-03-10", "completed", "2026-03-10 10:00"), ("D", "2026-03-10", "completed", "2026-03-10 10:00"),
            ("E", "2026-03-10", "cancelled", "2026-03-08 12:00"), ("F", "2026-03-03", "no_show", "2026-03-01 15:00")]
    f = pd.DataFrame(rows, columns=["key", "appointment_date", "status", "booked_at"])
    f["id"] = range(1, len(f) + 1)
    f["appointment_date"] = pd.to_datetime(f["appointment_date"])
    f["booked_at"] = pd.to_datetime(f["booked_at"])
    f["appointment_at"] = pd.NaT
    f["lead_days"] = (f["appointment_date"] - f["booked_at"].dt.normalize()).dt.days
    f = f.assign(clinic_id=1, provider_id=None, patient_pseudonym="p1", appointment_type="visit")
    f["age_band"] = ["45-54", "45-54", None, "45-54", "45-54", "45-54"]
    f["sms_reminder"] = [1.0, 0.0, np.nan, 0.0, 0.0, 1.0]
    f["diabetes"] = 1.0
    return f.set_index("key", drop=False)


def test_same_day_bookings_count_only_what_is_known() -> None:
    h = _day()
    x = build_features(h.loc[["A", "B", "C", "D", "F"]], h, vocabulary(labelled(h)))
    # A on the eve knows A only; B at 08:00 knows A and itself; C and D at 10:00 know A, B, C, D;
    # the cancelled E never counts; F is alone on 3 Mar
    assert list(x["pat_day_n"]) == [1, 2, 4, 4, 1]
    assert list(x["same_moment"]) == [1, 1, 2, 2, 1]
    assert list(x["an"]) == [1, 1, 1, 1, 0] and list(x["ans"]) == [1, 1, 1, 1, 0]


def test_a_later_booking_changes_no_earlier_row() -> None:
    h = _day()
    later = pd.DataFrame([h.loc["D"]]).assign(key="G", id=99, booked_at=pd.Timestamp("2026-03-10 15:00")).set_index("key", drop=False)
    v = vocabulary(labelled(h))
    rows = h.loc[["A", "B", "C"]]
    assert build_features(rows, h, v).equals(build_features(rows, pd.concat([h, later]), v))


def test_age_band_and_flags_are_features() -> None:
    h = _day()
    x = build_features(h.loc[["A", "B", "C"]], h, vocabulary(labelled(h)))
    assert list(x["age"]) == [45, 45, -1]  # -1: unknown
    assert list(x["sms_reminder"]) == [1, 0, -1]
    assert list(x["diabetes"]) == [1, 1, 1] and list(x["alcoholism"]) == [-1, -1, -1]


def test_kaggle_row_keeps_band_and_flags_never_the_age() -> None:
    from bot.ingest.appointments import KAGGLE, AppointmentsImporter
    from bot.ingest.issues import ChunkIssues

    header = ["PatientId", "AppointmentID", "Gender", "ScheduledDay", "AppointmentDay", "Age", "Neighbourhood",
              "Scholarship", "Hipertension", "Diabetes", "Alcoholism", "Handcap", "SMS_received", "No-show"]
    rows = [["11", "1", "F", "2016-05-02T09:00:00Z", "2016-05-03T00:00:00Z", "37", "CENTRO", "0", "1", "0", "0", "2", "1", "No"],
            ["12", "2", "M", "2016-05-02T09:00:00Z", "2016-05-03T00:00:00Z", "-1", "CENTRO", "1", "0", "0", "0", "0", "x", "Yes"]]
    chunk = pd.DataFrame(rows, columns=header, index=[2, 3], dtype=object)
    importer = AppointmentsImporter("k")
    importer.file_format = KAGGLE
    issues = ChunkIssues(chunk.index)
    out = importer.validate(chunk, issues, None)
    assert list(out["age_band"]) == ["35-44", None]
    assert list(out["handicap"]) == [True, False] and list(out["hypertension"]) == [True, False]
    assert out["sms_reminder"].iloc[0] and pd.isna(out["sms_reminder"].iloc[1])
    assert list(out["scholarship"]) == [False, True]
    found = issues.frame()
    assert set(found.loc[found["code"] == "invalid_flag", "line"]) == {3}
    assert "37" not in out.astype(str).to_numpy().ravel().tolist() and "age" not in out.columns
    assert "11" not in set(out["patient_pseudonym"])
