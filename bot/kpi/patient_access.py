"""Access and scheduling KPIs: no-show rate, insurance verification, authorization (all from
the ``appointment_daily`` roll-up) and provider utilization (slots). Booking lead time lives in
:mod:`bot.kpi.lead_time`, third next available in :mod:`bot.kpi.tna`.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import and_, case

from bot.kpi.base import KpiImpl, RatioSpec
from bot.kpi.lead_time import LeadTimeKpi
from bot.kpi.ratio import RatioKpi
from storage.models import Slot
from storage.models.rollups import AppointmentDaily as R

LateCancellation = Literal["denominator", "numerator", "excluded"]
_DIMS = {"clinic": R.clinic_id, "provider": R.provider_id}


def no_show_spec(late_cancellation: LateCancellation = "denominator") -> RatioSpec:
    """No-show rate (IHI): N = no-shows; D = appointments dated in the period minus those
    cancelled in time and those still ``scheduled`` (no outcome yet).

    Late cancellations: ``denominator`` (default: in D, not in N), ``numerator`` (counted as
    no-shows, in N and D), ``excluded`` (in neither).
    """
    n = R.no_show + (R.late_cancelled if late_cancellation == "numerator" else 0)
    d = R.booked - R.cancelled - R.scheduled - (R.late_cancelled if late_cancellation == "excluded" else 0)
    return RatioSpec(source=R, day=R.appointment_date, n=n, d=d, dims=_DIMS)


def verification_spec() -> RatioSpec:
    """Insurance verification rate: completed encounters verified ÷ completed encounters whose
    verification status was recorded (a feed without the field gives "no data", not 0 %)."""
    return RatioSpec(source=R, day=R.appointment_date, n=R.verified, d=R.verify_known, dims=_DIMS)


def authorization_spec() -> RatioSpec:
    """Authorization rate: authorized ÷ completed encounters that required authorization."""
    return RatioSpec(source=R, day=R.appointment_date, n=R.authorized, d=R.auth_required, dims=_DIMS)


def utilization_spec() -> RatioSpec:
    """Provider (template) utilization: booked slot minutes ÷ minutes of slots that are not
    blocked. Overbooked appointments recorded as extra booked slots count in N only when the
    slot is flagged ``overbook`` by type, so N can exceed D; the rate is never capped."""
    overbook = Slot.appointment_type.like("overbook%")
    n = case((Slot.state == "booked", Slot.duration_minutes), else_=0)
    d = case((and_(Slot.state != "blocked", ~overbook), Slot.duration_minutes), else_=0)
    return RatioSpec(source=Slot.__table__, day=Slot.slot_date, n=n, d=d,
                     dims={"clinic": Slot.clinic_id, "provider": Slot.provider_id})


def access_kpis(late_cancellation: LateCancellation = "denominator") -> list[KpiImpl]:
    return [
        RatioKpi("no-show-rate", lambda: no_show_spec(late_cancellation), f"no-show-rate:{late_cancellation}"),
        RatioKpi("insurance-verification-rate", verification_spec, "insurance-verification-rate"),
        RatioKpi("authorization-rate", authorization_spec, "authorization-rate"),
        RatioKpi("provider-utilization", utilization_spec, "provider-utilization"),
        LeadTimeKpi(),
    ]
