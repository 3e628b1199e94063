"""Access and scheduling KPIs from raw appointments and slots (kpis.md "Access and scheduling").

Readings of kpis.md where it leaves a choice (each as the catalogue documents it):
* no-show rate: late cancellations stay in D and are not no-shows; cancelled-in-time and
  still-``scheduled`` appointments (no outcome yet) are outside D.
* booking lead time: appointments not cancelled in time with a known ``lead_days`` ≥ 0
  (appointments.md: appointment date − local booking date); N = D = how many.
* insurance verification / authorization: an encounter is a ``completed`` appointment; an
  encounter whose verification flag is unknown is outside D.
* utilization: template minutes = slot minutes not blocked; slots typed ``overbook…`` are extra
  bookings outside the template (kpis.md: "overbooking can push N above D").
"""

from __future__ import annotations

import numpy as np

from tests.oracle.frames import NO_DATA, Ask, Expected, in_scope, ratio
from tests.oracle.tables import RawTables


def no_show_rate(t: RawTables, ask: Ask) -> Expected:
    """IHI: N = no-shows; D = appointments dated in the period minus cancelled in time and
    still scheduled."""
    a = in_scope(t.appointments, ask, "appointment_date")
    d = a[~a.status.isin(["cancelled", "scheduled"])]
    return ratio(int((d.status == "no_show").sum()), len(d))


def booking_lead_time(t: RawTables, ask: Ask) -> Expected:
    """Median days from booking to appointment; mean and same-day share as extras."""
    a = in_scope(t.appointments, ask, "appointment_date")
    lead = a[(a.status != "cancelled") & a.lead_days.notna()].lead_days.astype("int64")
    lead = lead[lead >= 0].to_numpy()
    if not len(lead):
        return NO_DATA
    return Expected(value=float(np.median(lead)), n=len(lead), d=len(lead),
                    extra={"mean": float(lead.mean()), "same_day_share": float((lead == 0).mean())})


def _encounters(t: RawTables, ask: Ask):  # type: ignore[no-untyped-def]
    a = in_scope(t.appointments, ask, "appointment_date")
    return a[a.status == "completed"]


def insurance_verification_rate(t: RawTables, ask: Ask) -> Expected:
    """Verified encounters ÷ registered (completed) encounters whose verification is known."""
    known = _encounters(t, ask).insurance_verified.dropna()
    return ratio(int(known.sum()), len(known))


def authorization_rate(t: RawTables, ask: Ask) -> Expected:
    """Encounters authorized ÷ encounters that required authorization."""
    e = _encounters(t, ask)
    needed = e[e.authorization_required.fillna(False)]
    return ratio(int(needed.authorized.fillna(False).sum()), len(needed))


def provider_utilization(t: RawTables, ask: Ask) -> Expected:
    """Booked slot minutes ÷ template minutes (not blocked, not overbook); not capped."""
    s = in_scope(t.slots, ask, "slot_date")
    booked = s[s.state == "booked"].duration_minutes.sum()
    template = s[(s.state != "blocked") & ~s.appointment_type.str.lower().str.startswith("overbook")]
    return ratio(int(booked), int(template.duration_minutes.sum()))
