"""Clinics for ideas: the ``clinics`` table joined with the org config (channels, time zones)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clinic_names import find_clinic
from bot.orgconfig import OrgConfig
from core.text import fold
from storage.models import Clinic


def clinic_choices(session: Session, org: OrgConfig) -> list[tuple[str, str]]:
    """``[(clinic key, name)]``: every clinic in the table, then org-config clinics not yet in it."""
    rows = session.execute(select(Clinic.key, Clinic.name).order_by(Clinic.name)).all()
    out = [(k, n) for k, n in rows]
    known = {k for k, _ in out}
    out += [(c.key, c.name) for c in org.clinics if c.key not in known]
    return out


def resolve_clinic(session: Session, org: OrgConfig, key_or_name: str | None) -> Clinic | None:
    """The clinic ``key_or_name`` names (:func:`bot.clinic_names.find_clinic`: key, name ignoring
    case and accents, unique prefix or substring); a clinic only in the org config gets its table row.

    Returns None for None/empty input.

    Raises:
        UsageError: no clinic, or several, match (with "did you mean" or the candidates).
    """
    if not key_or_name or not key_or_name.strip():
        return None
    found = find_clinic(session, org, key_or_name)
    if found.id is not None:
        return session.get(Clinic, found.id)
    clinic = Clinic(key=found.key, name=found.name, name_folded=fold(found.name), timezone=found.timezone)
    session.add(clinic)
    session.flush()
    return clinic


def local_date(now: datetime, tz_name: str | None) -> date:
    """The calendar date of the naive-UTC instant ``now`` in ``tz_name`` (default UTC)."""
    aware = now.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(tz_name or "UTC")).date()


def week_start(day: date) -> date:
    """Monday of ``day``'s ISO week: how far anonymous submission dates are coarsened."""
    return day - timedelta(days=day.weekday())


def improvement_channel(org: OrgConfig, clinic_key: str | None) -> str | None:
    """The clinic's ``channels.improvement`` from the org config, or None when not configured."""
    cfg = org.clinic(clinic_key) if clinic_key else None
    return cfg.channels.improvement if cfg is not None else None
