"""Clinics for ideas: the ``clinics`` table joined with the org config (channels, time zones)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clinic_names import KnownClinic, UnknownName, find_clinic
from bot.errors import UsageError
from bot.ideas.states import state_names
from bot.orgconfig import OrgConfig
from bot.phi_echo import echo
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


def listed_clinic(session: Session, org: OrgConfig, text: str | None, *, state_given: bool) -> KnownClinic | None:
    """The clinic of ``/idea list <clinic> [state]`` (None: no clinic named). When the words name no
    clinic but their first words do ("seaside bogus"), the words after it are named for what they
    stand in place of: a state (the states are listed), or, a state already given, words the
    command does not take. A typed word is repeated only when :func:`bot.phi_echo.echo` allows.

    Raises:
        UsageError: as above; else :func:`bot.clinic_names.find_clinic`'s unknown or ambiguous name.
    """
    if not text or not text.strip():
        return None
    try:
        return find_clinic(session, org, text)
    except UnknownName as exc:
        words = text.split()
        for cut in range(len(words) - 1, 0, -1):
            try:
                clinic = find_clinic(session, org, " ".join(words[:cut]))
            except UsageError:
                continue
            rest = echo(" ".join(words[cut:]))
            if state_given:
                raise UsageError(f"`/idea list` takes a clinic and a state; after {clinic.name} and the state, "
                                 f"{rest} is neither.") from None
            raise UsageError(f"{rest} is not an idea state. States: {state_names()}.") from None
        if state_given:
            raise
        raise UsageError(f"{exc}\nIt is not an idea state either (states: {state_names()}).") from None


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
