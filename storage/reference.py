"""Get-or-create and look-up of reference rows: clinics, providers, payers (by stable key).

Importers call ``ensure_*`` once per chunk with the distinct keys they saw; the returned
``{key: id}`` map is then applied to the whole chunk with ``Series.map`` (no per-row queries).
Existing rows are never renamed here: the organisation file and earlier loads win.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.text import fold
from storage.models import Clinic, Payer, Provider


def slugify(text: str) -> str:
    """Stable key from a display name: ``"SÃO JOSÉ" -> "sao-jose"``, ``"JOANA D´ARC" -> "joana-d-arc"``."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:64]


def ensure_clinics(session: Session, rows: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Clinic id per key, creating missing clinics.

    Args:
        rows: dicts with ``key`` (required), ``name`` (default: the key) and ``timezone``
            (IANA, default "UTC"). Repeated keys are fine; the first occurrence is used.

    Returns:
        ``{key: clinic id}`` for every key given (new rows are flushed to get their ids).
    """
    wanted = _first_by_key(rows)
    found = {c.key: c for c in session.scalars(select(Clinic).where(Clinic.key.in_(list(wanted))))}
    for key, row in wanted.items():
        if key not in found:
            name = row.get("name") or key
            found[key] = Clinic(key=key, name=name, name_folded=fold(name),
                                timezone=row.get("timezone") or "UTC")
            session.add(found[key])
    session.flush()
    return {key: found[key].id for key in wanted}


def ensure_providers(session: Session, rows: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Provider id per key, creating missing providers.

    Args:
        rows: dicts with ``key``, ``clinic_key`` (an existing clinic; create it first with
            :func:`ensure_clinics`), ``name`` (default: the key) and optional ``specialty``.

    Raises:
        LookupError: a new provider's ``clinic_key`` names no clinic.
    """
    wanted = _first_by_key(rows)
    found = {p.key: p for p in session.scalars(select(Provider).where(Provider.key.in_(list(wanted))))}
    missing = {k: r for k, r in wanted.items() if k not in found}
    if missing:
        clinic_keys = {str(r.get("clinic_key")) for r in missing.values()}
        clinics = dict(session.execute(select(Clinic.key, Clinic.id).where(Clinic.key.in_(clinic_keys))).all())
        for key, row in missing.items():
            clinic_id = clinics.get(str(row.get("clinic_key")))
            if clinic_id is None:
                raise LookupError(f"provider {key!r}: unknown clinic {row.get('clinic_key')!r}")
            name = row.get("name") or key
            found[key] = Provider(key=key, clinic_id=clinic_id, name=name, name_folded=fold(name),
                                  specialty=row.get("specialty"))
            session.add(found[key])
        session.flush()
    return {key: found[key].id for key in wanted}


def ensure_payers(session: Session, rows: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Payer id per key, creating missing payers. Rows: ``key``, ``name`` (default: the key)."""
    wanted = _first_by_key(rows)
    found = {p.key: p for p in session.scalars(select(Payer).where(Payer.key.in_(list(wanted))))}
    for key, row in wanted.items():
        if key not in found:
            name = row.get("name") or key
            found[key] = Payer(key=key, name=name, name_folded=fold(name))
            session.add(found[key])
    session.flush()
    return {key: found[key].id for key in wanted}


def clinic_by_key(session: Session, key: str) -> Clinic | None:
    """The stored clinic with ``key``, or None."""
    return session.scalars(select(Clinic).where(Clinic.key == key)).first()


def clinic_rows(session: Session) -> list[Any]:
    """Every clinic as ``(id, key, name, timezone)`` rows, by key (the resolver's candidates)."""
    return list(session.execute(select(Clinic.id, Clinic.key, Clinic.name, Clinic.timezone).order_by(Clinic.key)).all())


def _first_by_key(rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    wanted: dict[str, dict[str, Any]] = {}
    for row in rows:
        key = str(row["key"]).strip()
        if not key:
            raise ValueError("a reference row has an empty key")
        wanted.setdefault(key, row)
    return wanted
