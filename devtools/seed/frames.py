"""In-memory frames of a generated network for the forecasting bench and tests (no database)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from devtools.seed import rows
from devtools.seed.generate import generate
from devtools.seed.params import SeedParams


def appointment_frame(params: SeedParams) -> tuple[pd.DataFrame, dict[int, str], dict[int, str]]:
    """The appointments of the network ``params`` generates, as the forecast reads them: a frame
    ``clinic_id, booked_at, appointment_date, status`` (datetimes), with clinic id -> key and
    clinic id -> IANA zone (ids 1..n in the generator's order)."""
    net = generate(params)
    c = net["clinics"]
    zones = c["timezone"].to_numpy(dtype=object)
    ids = np.arange(1, len(c) + 1)
    a = rows.appointments(net["appointments"], zones, ids, np.arange(1, len(net["providers"]) + 1),
                          np.full(len(net["patients"]), "-", dtype=object))
    frame = a[["clinic_id", "booked_at", "appointment_date", "status"]].copy()
    frame["appointment_date"] = pd.to_datetime(frame["appointment_date"])
    frame["booked_at"] = pd.to_datetime(frame["booked_at"])
    return frame, dict(zip(ids.tolist(), c["key"], strict=True)), dict(zip(ids.tolist(), zones, strict=True))
