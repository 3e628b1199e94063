"""Resolve the names in a request (clinic, provider, payer) to database ids.

Names go through the one resolver, :func:`bot.names.pick` (issue 17): case- and
accent-insensitive (``clinic resistencia`` finds RESISTÊNCIA), key or full name first, then a
unique prefix or substring; several matches ask which, none gets "did you mean" suggestions.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clinic_names import known_clinics
from bot.errors import NoDataYet
from bot.kpi.base import Scope
from bot.kpi.grammar import KpiRequest
from bot.names import pick
from bot.orgconfig import OrgConfig
from bot.phi_labels import withheld_kinds
from storage.models import Clinic, Payer, Provider


def resolve_scope(session: Session, request: KpiRequest, default_timezone: str | None = None,
                  org: OrgConfig | None = None) -> Scope:
    """Turn the request's names into a :class:`Scope` with the clinic's time zone.

    Without a clinic the time zone is the one all clinics share, else ``default_timezone``, else
    the most common clinic time zone, else UTC. With ``org``, a clinic is named among the
    database's and the organisation file's clinics (``bot.clinic_names``, as every command does).

    Raises:
        NoDataYet: the clinic is only in the organisation file (nothing imported for it yet).
        UsageError: an unknown or ambiguous name (with suggestions).
    """
    clinics = session.execute(select(Clinic.id, Clinic.key, Clinic.name, Clinic.name_folded,
                                     Clinic.timezone)).all()
    fields: dict[str, Any] = {}
    clinic = None
    if request.clinic:
        clinic = _clinic(session, request.clinic, list(clinics), org)
        fields.update(clinic_ids=(clinic.id,), clinic_key=clinic.key, clinic_name=clinic.name,
                      timezone=clinic.timezone)
    else:
        zones = Counter(c.timezone for c in clinics)
        fields["timezone"] = (next(iter(zones)) if len(zones) == 1 else default_timezone
                              or (zones.most_common(1)[0][0] if zones else "UTC"))
    if request.provider:
        stmt = select(Provider.id, Provider.key, Provider.name, Provider.name_folded, Provider.clinic_id)
        if clinic is not None:
            stmt = stmt.where(Provider.clinic_id == clinic.id)
        provider = pick("provider", request.provider, list(session.execute(stmt).all()))
        fields.update(provider_id=provider.id, provider_name=provider.name)
        if clinic is None:
            home = next((c for c in clinics if c.id == provider.clinic_id), None)
            if home is not None:
                fields["timezone"] = home.timezone
    if request.payer:
        payers = list(session.execute(select(Payer.id, Payer.key, Payer.name, Payer.name_folded)).all())
        payer = pick("payer", request.payer, payers)
        fields.update(payer_id=payer.id, payer_name=payer.name)
    return Scope(**fields)


def _clinic(session: Session, text: str, clinics: list[Any], org: OrgConfig | None) -> Any:
    if org is None or not org.clinics:
        return pick("clinic", text, clinics)
    found = pick("clinic", text, known_clinics(session, org))
    if found.id is None:
        raise NoDataYet(found.key, found.name)
    return next(c for c in clinics if c.id == found.id)


def names_for(session: Session, dim: str, ids: list[Any]) -> dict[Any, str]:
    """Display names for breakdown keys of ``dim`` (clinic/provider/payer); None → "(none)".

    Names are unique within the answer: when two keys share a display name (two providers called
    "Dr. Noah Johansson"), each of them is qualified — a provider by its clinic
    ("Dr. Noah Johansson (Seaside)"), and by its key as well when the clinic does not tell them
    apart ("Dr. Noah Johansson (Seaside, prv-0042)"); a clinic or payer by its key. A name in
    which the identifier guard finds something (stored before imports checked display fields,
    :mod:`bot.ingest.labels`) is withheld: "(provider #17: name withheld, it holds what looks like
    a medical record number)"."""
    models: dict[str, type[Clinic] | type[Provider] | type[Payer]] = {"clinic": Clinic, "provider": Provider,
                                                                      "payer": Payer}
    model = models[dim]
    wanted = [i for i in ids if i is not None]
    rows = session.execute(select(model.id, model.key, model.name).where(model.id.in_(wanted))).all() if wanted else []
    out: dict[Any, str] = {r.id: r.name for r in rows}
    per_name = Counter(r.name for r in rows)
    clashing = [r for r in rows if per_name[r.name] > 1]
    if clashing:
        where: dict[Any, str] = {}
        if dim == "provider":
            where = dict(session.execute(select(Provider.id, Clinic.name).join(Clinic, Clinic.id == Provider.clinic_id)
                                         .where(Provider.id.in_([r.id for r in clashing]))).all())
        per_place = Counter((r.name, where.get(r.id)) for r in clashing)
        for r in clashing:
            clinic = where.get(r.id)
            unique = clinic is not None and per_place[(r.name, clinic)] == 1
            out[r.id] = f"{r.name} ({clinic})" if unique else f"{r.name} ({clinic}, {r.key})" if clinic \
                else f"{r.name} ({r.key})"
    for r in rows:
        if kinds := withheld_kinds(r.name, r.name == r.key):  # the name, not its qualifier (a key may be a number)
            out[r.id] = f"({dim} #{r.id}: name withheld, it holds what looks like {kinds})"
    out[None] = {"clinic": "(no clinic)", "provider": "(no provider)", "payer": "(self-pay / no payer)"}[dim]
    return out
