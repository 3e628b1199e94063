"""Slots: the published free/busy schedule, built by crossing templates with calendar dates.

Access model (what makes third-next-available and lead times realistic):

* Each provider holds a share of follow-up slots for same-day access: those slots are published
  (``created_at``) at 07:00 on the day and booked (or not) during that day, lead time 0.
* Every other slot is published ``horizon`` days ahead and, with probability ``fill``, booked
  ``1 + Gamma`` days ahead (mean ``backlog_days``), never before it was published. Near-term
  advance slots are therefore mostly taken, so a busy provider's third next free slot lies days
  away while a provider with short lead times has free slots soon.
* US federal holidays have no slots; each provider has two blocked vacation weeks a year and
  about 3 % of slots blocked for administrative time.
"""

from __future__ import annotations

import holidays
import numpy as np
import pandas as pd

from devtools.seed.network import APPOINTMENT_TYPES
from devtools.seed.params import SeedParams, day_number

HORIZON_DAYS = 84
SAME_DAY_RELEASE_MIN = 7 * 60


def _calendar(p: SeedParams) -> np.ndarray:
    first = day_number(p.start_date)
    last = day_number(p.end_date) + p.future_days
    days = np.arange(first, last + 1)
    years = range(p.start_date.year, p.end_date.year + 2)
    closed = {day_number(d) for d in holidays.US(years=years)}
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday (3)
    return days[(weekday < 5) & ~np.isin(days, list(closed))]


def slots_frame(p: SeedParams, providers: pd.DataFrame, templates: pd.DataFrame) -> pd.DataFrame:
    """One row per slot.

    Columns: ``slot_ix, clinic_ix, provider_ix, slot_day`` (local day number), ``start_min``
    (local minutes since epoch), ``duration, type_ix, same_day`` (held for same-day access),
    ``blocked, created_min, booked_min`` (local minutes; NaN when never booked by now),
    ``lead_days`` (NaN when not booked).
    Only slots published by the generation instant exist; bookings after it are not visible.
    """
    rng = p.rng("slots")
    per = ((templates["end_min"] - templates["start_min"]) // templates["slot_minutes"]).to_numpy()
    t_ix = np.repeat(np.arange(len(templates)), per)
    offset = np.concatenate([np.arange(n) for n in per]) * templates["slot_minutes"].to_numpy()[t_ix]
    ts = pd.DataFrame({
        "provider_ix": templates["provider_ix"].to_numpy()[t_ix],
        "weekday": templates["weekday"].to_numpy()[t_ix],
        "minute": templates["start_min"].to_numpy()[t_ix] + offset,
        "duration": templates["slot_minutes"].to_numpy()[t_ix],
        "type_ix": pd.Categorical(templates["appointment_type"], categories=APPOINTMENT_TYPES).codes[t_ix],
    })
    days = _calendar(p)
    wd = (days + 3) % 7
    parts = []
    for w in range(5):
        d_w = days[wd == w]
        s_w = ts[ts["weekday"] == w]
        idx = np.repeat(np.arange(len(s_w)), len(d_w))
        part = s_w.iloc[idx].reset_index(drop=True)
        part["slot_day"] = np.tile(d_w, len(s_w))
        parts.append(part)
    s = pd.concat(parts, ignore_index=True).drop(columns="weekday")
    s = s.sort_values(["provider_ix", "slot_day", "minute"], kind="stable").reset_index(drop=True)
    s["clinic_ix"] = providers["clinic_ix"].to_numpy()[s["provider_ix"].to_numpy()]
    n = len(s)
    prov = s["provider_ix"].to_numpy()
    s["start_min"] = s["slot_day"].to_numpy().astype("int64") * 1440 + s["minute"].to_numpy()

    # blocked: vacation weeks and administrative time
    first = day_number(p.start_date)
    span = max(1, (day_number(p.end_date) + p.future_days - first))
    vac = first + rng.integers(0, span, size=(len(providers), max(1, round(2 * span / 365))))
    rel = s["slot_day"].to_numpy()[:, None] - vac[prov]
    on_vacation = ((rel >= 0) & (rel < 7)).any(axis=1)
    blocked = on_vacation | (rng.random(n) < 0.03)

    follow_up = s["type_ix"].to_numpy() == 0
    same_day = follow_up & (rng.random(n) < providers["same_day_share"].to_numpy()[prov]) & ~blocked
    created = np.where(same_day, s["slot_day"].to_numpy() * 1440 + SAME_DAY_RELEASE_MIN,
                       (s["slot_day"].to_numpy() - HORIZON_DAYS) * 1440 + 6 * 60)

    # same-day bookings: between release and 10 minutes before the start
    window = np.maximum(s["minute"].to_numpy() - SAME_DAY_RELEASE_MIN - 10, 1)
    sd_booked = same_day & (rng.random(n) < 0.86)
    sd_time = created + 5 + (rng.random(n) * window).astype("int64")
    # advance bookings: lead 1 + Gamma(1.4, backlog/1.4) days, during office hours
    backlog = providers["backlog_days"].to_numpy()[prov]
    lead = 1 + np.floor(rng.gamma(1.4, backlog / 1.4))
    lead = np.minimum(lead, HORIZON_DAYS - 1)
    adv_booked = ~same_day & ~blocked & (rng.random(n) < providers["fill"].to_numpy()[prov])
    adv_time = (s["slot_day"].to_numpy() - lead).astype("int64") * 1440 + rng.integers(8 * 60, 17 * 60, size=n)
    booked_min = np.where(sd_booked, sd_time, np.where(adv_booked, adv_time, -1)).astype("float64")

    now_min = (day_number(p.end_date) + 1) * 1440 - 1
    booked_min[booked_min > now_min] = -1
    booked_min[booked_min < 0] = np.nan
    s["same_day"] = same_day
    s["blocked"] = blocked
    s["created_min"] = created
    s["booked_min"] = booked_min
    s["lead_days"] = np.where(np.isnan(booked_min), np.nan,
                              s["slot_day"].to_numpy() - np.floor(booked_min / 1440))
    s = s[created <= now_min].reset_index(drop=True)
    s["slot_ix"] = np.arange(len(s))
    return s.drop(columns="minute")
