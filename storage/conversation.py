"""Storage for the reader (issue 18): the organisation's names as plain rows, and thread context."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Appointment, Clinic, KpiThread, Payer, Provider


def name_rows(session: Session) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]], list[tuple[str, str]]]:
    """Clinics ``(key, name, timezone)``, providers ``(key, name, clinic key)``, payers ``(key, name)``."""
    clinics = [(r.key, r.name, r.timezone) for r in session.execute(select(Clinic.key, Clinic.name, Clinic.timezone))]
    providers = [(r.key, r.name, r.ckey) for r in session.execute(
        select(Provider.key, Provider.name, Clinic.key.label("ckey")).join(Clinic, Clinic.id == Provider.clinic_id))]
    payers = [(r.key, r.name) for r in session.execute(select(Payer.key, Payer.name))]
    return clinics, providers, payers


def signature(session: Session) -> tuple[int, ...]:
    """Cheap change detector for cached vocabularies: row counts and highest ids."""
    out: list[int] = []
    for model in (Clinic, Provider, Payer):
        count, top = session.execute(select(func.count(model.id), func.max(model.id))).one()
        out += [int(count or 0), int(top or 0)]
    return tuple(out)


def appointment_dates(session: Session) -> tuple[date | None, date | None]:
    """First and last appointment date (the data dates help examples are drawn from)."""
    first, last = session.execute(select(func.min(Appointment.appointment_date),
                                         func.max(Appointment.appointment_date))).one()
    return first, last


def load_thread(session: Session, channel: str, thread_ts: str) -> str | None:
    """The stored reading (JSON text) of a thread the bot answered in, or None."""
    row = session.get(KpiThread, (channel, thread_ts))
    return row.state if row is not None else None


def save_thread(session: Session, channel: str, thread_ts: str, state: str, user_id: str | None) -> None:
    """Insert or replace a thread's reading (the caller commits)."""
    row = session.get(KpiThread, (channel, thread_ts))
    if row is None:
        session.add(KpiThread(channel=channel, thread_ts=thread_ts, state=state, user_id=user_id))
    else:
        row.state = state
