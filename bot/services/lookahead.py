"""The look-ahead ``/kpi`` questions: text in, ephemeral reply (and a DM for the front desk) out.

The high-risk list goes only to a person holding the front-desk role for the clinic, only by
direct message, only where the clinic has not switched it off (``high_risk_list: false`` in the
organisation file), and holds appointment times, providers and visit types: never a patient name
or record number (staff look the patient up in their own system).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.access.current import require
from bot.access.policy import Permission
from bot.errors import UsageError
from bot.forecast import ahead
from bot.forecast.grammar import LookaheadRequest, days_of, parse_lookahead, usage
from bot.ideas.clinics import clinic_choices, resolve_clinic
from bot.orgconfig import OrgConfig
from bot.views import lookahead as views
from storage.models import utcnow


@dataclass(frozen=True)
class LookaheadReply:
    ephemeral: views.Rendered
    dm: views.Rendered | None = None  # sent to the asker's DM (the high-risk list)


def lookahead_reply(session: Session, org: OrgConfig, text: str, *, now: datetime | None = None,
                    request: LookaheadRequest | None = None) -> LookaheadReply | None:
    """The reply to a look-ahead question, or None when ``text`` is not one (``request``: the
    question already parsed, e.g. from plain language).

    Raises:
        UsageError: unknown words, unknown clinic, no clinic named.
        NoDataError: the clinic's appointment feed has never carried a row (no data yet, never 0).
        PermissionDenied: the high-risk list asked by someone without the front-desk role.
    """
    request = request or parse_lookahead(text, lambda: example_clinic(session, org))
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
    today = ahead.local_day(now, clinic.timezone)
    if request.question == "demand":
        ahead.require_appointment_data(session, clinic.key)
        cfg = org.clinic(clinic.key)
        outlook = ahead.demand_outlook(session, clinic.key, today, cfg.holidays if cfg else None)
        if request.named_days:
            return LookaheadReply(views.render_demand_days(outlook, days_of(request, today)))
        return LookaheadReply(views.render_demand(outlook))
    if request.question == "high-risk":
        require(Permission.VIEW_RISK_LIST, clinic.key)
        cfg = org.clinic(clinic.key)
        if cfg is not None and not cfg.high_risk_list:
            raise UsageError(f"The high-risk list is switched off for {clinic.name}.")
    ahead.require_appointment_data(session, clinic.key)  # after the permission: no data is no reason to say more
    days, lead = open_days(days_of(request, today), ahead.open_weekdays(session, clinic.key), clinic.name)
    if request.question == "expected-no-shows":
        outlooks, total = ahead.span_outlook(session, clinic.key, days)
        return LookaheadReply(views.render_outlooks(outlooks, lead, total))
    per_day = [(d, ahead.high_risk_slots(session, clinic.key, d)) for d in days]
    dm = views.render_risk_lists(clinic.name, per_day, lead)
    shown = ", ".join(f"{d:%a %d %b}" for d in days) or "no day (no clinic hours)"
    return LookaheadReply(views.render_note(f"Sent you the high-risk list for {clinic.name} on {shown} "
                                            "by direct message."), dm)


def open_days(days: list[date], open_weekdays: frozenset[int] | None, clinic: str) -> tuple[list[date], str | None]:
    """The asked ``days`` on which the clinic has hours, and a sentence naming the closed ones.
    When none of them has hours, the next open day instead, said so (never "0 booked visits" for
    a closed day)."""
    closed = [d for d in days if not ahead.is_open(d, open_weekdays)]
    if not closed:
        return days, None
    shown = ", ".join(f"{d:%a %d %b}" for d in closed)
    opened = [d for d in days if ahead.is_open(d, open_weekdays)]
    if opened:
        return opened, f"{clinic} has no clinic hours on {shown} (closed)."
    nxt = ahead.next_open(days[-1], open_weekdays)
    if nxt is None:
        return [], f"{clinic} has no clinic hours on any weekday in its schedule templates."
    return [nxt], f"{clinic} has no clinic hours on {shown} (closed). The next open day is {nxt:%a %d %b}:"
