"""Which clinic a request concerns (database look-ups for :class:`~bot.access.classify.Need`).

Returns a clinic key, or None for organisation-wide (or unknown: a missing idea is treated as
organisation-wide, so only an organisation role passes and the listener then says "no such
idea"; a missing incident or PDSA cycle is refused with "no such alert/cycle", :func:`missing_record`). Also the PDSA cycle owner, for the owner's own updates.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.alerts.model import NO_SUCH_ALERT
from bot.clinic_names import clinics_named
from bot.errors import UsageError
from bot.ideas.states import NO_SUCH_CYCLE
from bot.orgconfig import OrgConfig
from storage.models import AlertIncident, Clinic, Idea, PdsaCycle, Provider


def _key(session: Session, clinic_id: int | None) -> str | None:
    return session.scalar(select(Clinic.key).where(Clinic.id == clinic_id)) if clinic_id else None


def clinic_of(session: Session, org: OrgConfig, locate: tuple[str, Any] | None) -> str | tuple[str, ...] | None:
    """The clinic key (or keys, for a digest naming several) of ``locate``; None = organisation."""
    if locate is None or locate[1] is None:
        return None
    what, ref = locate
    if what == "idea":
        return _key(session, session.scalar(select(Idea.clinic_id).where(Idea.id == ref)))
    if what == "cycle":
        return _key(session, session.scalar(select(PdsaCycle.clinic_id).where(PdsaCycle.id == ref)))
    if what == "incident":  # an organisation-wide incident (stale feeds) names no clinic: None
        return session.scalar(select(Clinic.key).join(AlertIncident, AlertIncident.clinic_key == Clinic.key)
                              .where(AlertIncident.id == ref))
    if what == "clinics":
        return clinic_keys(session, org, list(ref))
    if what == "kpi_request":
        return _kpi_clinic(session, ref, org)
    return None


def clinic_keys(session: Session, org: OrgConfig, words: list[str]) -> tuple[str, ...] | None:
    """The keys of the clinics ``words`` name (the commands' resolver, ``bot.clinic_names``); None
    (organisation-wide, so only an organisation role passes) when a name is unknown or ambiguous:
    the command then answers "Unknown clinic …" or lists the candidates, without any figure."""
    if not words or [w.lower() for w in words] == ["all"]:  # every clinic: organisation-wide
        return None
    try:
        return tuple(c.key for c in clinics_named(session, org, words))
    except UsageError:
        return None


def _kpi_clinic(session: Session, request: Any, org: OrgConfig) -> str | None:
    """The clinic a KPI question is confined to, or None when it spans clinics (no clinic, or a
    ``by clinic`` breakdown). A name the engine cannot resolve is None too (the engine will
    answer "I don't know the clinic" without any figure); a configured clinic without data is
    itself (its people may hear "no data yet")."""
    from bot.errors import NoDataYet, OpsBotError
    from bot.kpi.scope import resolve_scope

    try:
        scope = resolve_scope(session, request, org=org)
    except NoDataYet as exc:
        return exc.clinic_key
    except OpsBotError:
        return None
    if scope.clinic_key:
        return scope.clinic_key  # "by clinic" within one clinic stays inside it
    provider_id = getattr(scope, "provider_id", None)
    if provider_id is not None and request.by != "clinic":
        return _key(session, session.scalar(select(Provider.clinic_id).where(Provider.id == provider_id)))
    return None


_GONE: dict[str, tuple[Any, str]] = {"incident": (AlertIncident, NO_SUCH_ALERT), "cycle": (PdsaCycle, NO_SUCH_CYCLE)}


def missing_record(session: Session, locate: tuple[str, Any] | None) -> str | None:
    """The "no longer exists" message when ``locate`` names an incident or PDSA cycle id with no
    row, else None: a refusal then says that, rather than which role a record nobody holds would need."""
    gone = _GONE.get(locate[0]) if locate is not None else None
    if locate is None or gone is None:
        return None
    ref = str(locate[1])
    if not ref.isdigit() or len(ref) > 9 or session.get(gone[0], int(ref)) is not None:
        return None
    return gone[1]


def cycle_owner(session: Session, cycle_id: Any) -> str | None:
    return session.scalar(select(PdsaCycle.owner_user_id).where(PdsaCycle.id == cycle_id)) if cycle_id else None


_RECORDS: dict[str, Any] = {"idea": Idea, "cycle": PdsaCycle, "incident": AlertIncident}


def audit_target(session: Session, target: str | None) -> str | None:
    """``target`` for the audit trail, which keeps shapes, never what a user typed (issue 15): an
    idea, cycle or incident id that exists stays (``idea:12``); one that does not becomes
    ``idea:unknown id`` (the digits typed might be a record number). Other targets pass as they are."""
    if not target:
        return target
    kind, _, ref = target.partition(":")
    model = _RECORDS.get(kind)
    if model is None:
        return target
    if ref.isdigit() and len(ref) <= 9 and session.get(model, int(ref)) is not None:
        return target
    return f"{kind}:unknown id"


def incident_assignee(session: Session, incident_id: Any) -> str | None:
    """The Slack user an alert incident is assigned to (None: unassigned or unknown)."""
    from storage.models import AlertIncident

    return session.scalar(select(AlertIncident.assigned_to).where(AlertIncident.id == incident_id)) \
        if incident_id else None
