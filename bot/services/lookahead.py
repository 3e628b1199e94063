"""The look-ahead ``/kpi`` questions: text in, ephemeral reply (and a DM for the front desk) out.

The high-risk list goes only to a person holding the front-desk role for the clinic, only by
direct message, only where the clinic has not switched it off (``high_risk_list: false`` in the
organisation file), and holds appointment times, providers and visit types: never a patient name
or record number (staff look the patient up in their own system).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.access.current import require
from bot.access.policy import Permission
from bot.errors import UsageError
from bot.forecast import ahead
from bot.forecast.grammar import LookaheadRequest, parse_lookahead, usage
from bot.ideas.clinics import clinic_choices, resolve_clinic
from bot.orgconfig import OrgConfig
from bot.views import lookahead as views
from storage.models import utcnow


@dataclass(frozen=True)
class LookaheadReply:
    ephemeral: views.Rendered
    dm: views.Rendered | None = None  # sent to the asker's DM (the high-risk list)


def lookahead_reply(session: Session, org: OrgConfig, text: str, *, now: datetime | None = None) -> LookaheadReply | None:
    """The reply to a look-ahead question, or None when ``text`` is not one.

    Raises:
        UsageError: unknown words, unknown clinic, no clinic named.
        PermissionDenied: the high-risk list asked by someone without the front-desk role.
    """
    request = parse_lookahead(text, lambda: example_clinic(session, org))
    if request is None:
        return None
    return _answer(session, org, request, now or utcnow())


def example_clinic(session: Session, org: OrgConfig) -> str:
    """One of the organisation's own clinics for an example (its key; the first by name)."""
    choices = clinic_choices(session, org)
    return choices[0][0] if choices else "<clinic>"


def _answer(session: Session, org: OrgConfig, request: LookaheadRequest, now: datetime) -> LookaheadReply:
    clinic = resolve_clinic(session, org, request.clinic)
    if clinic is None:
        example = example_clinic(session, org)
        raise UsageError(f"Name the clinic, e.g. `/kpi {request.question} tomorrow clinic {example}`.\n"
                         f"{usage(example)}")
    day = request.on or ahead.local_day(now, clinic.timezone, request.days_ahead or 0)
    if request.question == "demand":
        cfg = org.clinic(clinic.key)
        outlook = ahead.demand_outlook(session, clinic.key, ahead.local_day(now, clinic.timezone),
                                       cfg.holidays if cfg else None)
        return LookaheadReply(views.render_demand(outlook))
    if request.question == "expected-no-shows":
        return LookaheadReply(views.render_outlook(ahead.day_outlook(session, clinic.key, day)))
    require(Permission.VIEW_RISK_LIST, clinic.key)
    cfg = org.clinic(clinic.key)
    if cfg is not None and not cfg.high_risk_list:
        raise UsageError(f"The high-risk list is switched off for {clinic.name}.")
    slots = ahead.high_risk_slots(session, clinic.key, day)
    dm = views.render_risk_list(clinic.name, day, slots)
    return LookaheadReply(views.render_note(f"Sent you the high-risk list for {clinic.name} on {day:%a %d %b} "
                                            "by direct message."), dm)


