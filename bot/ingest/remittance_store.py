"""Store remittance records: Remittance rows (upsert on ``natural_key``), their service lines and
CAS adjustments (written with the new remittance; replaced when a later read of the same one
differs, :mod:`bot.ingest.remittance_lines`), payer/claim/clinic links, ``is_first``.

``is_first``: per (payer, CLP01), the earliest remittance by remit date (then load order) that is
not excluded; excluded rows (reversals, duplicates, non-adjudications) are never first. This is
the HFMA denial-rate denominator ("first remittance per claim per payer").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.ingest.remittance_lines import replace_changed_children, write_children
from bot.ingest.remittance_rows import RemitIssue, RemitRecord
from core.text import fold
from storage.bulk import UpsertCounts, upsert_frame
from storage.db import rows_affected
from storage.models import Claim, Payer, Remittance
from storage.reference import ensure_payers


def store_records(session: Session, records: Sequence[RemitRecord], *, feed_load_id: int | None,
                  default_clinic: Callable[[int], int] | None = None,
                  issues: list[RemitIssue] | None = None) -> UpsertCounts:
    """Upsert ``records``; returns counts of remittances imported/updated/unchanged (a stored one
    whose service lines or adjustments were replaced is updated).

    ``default_clinic``: called at most once, with the segment number of the first remittance
    whose claim is not loaded, for the clinic id to give such remittances (``--clinic``).
    ``issues``: gets a ``service_lines_kept`` warning for each stored remittance left as it was
    because this read of it lost a line (its row counts as unchanged)."""
    if not records:
        return UpsertCounts()
    payer_ids = _payers(session, records)
    claims = _claims_by_pcn(session, {r.claim.patient_control_number for r in records})
    existing = dict(session.execute(select(Remittance.natural_key, Remittance.id).where(
        Remittance.natural_key.in_([r.natural_key for r in records]))).all())
    replaced, kept = replace_changed_children(session, existing, [r for r in records if r.natural_key in existing])
    rows = []
    fallback: int | None = None
    for r in records:
        payer_id = payer_ids[r.payer_key]
        claim_id, clinic_id = _match(claims.get(r.claim.patient_control_number, []), payer_id)
        if clinic_id is None and default_clinic is not None:
            fallback = default_clinic(r.claim.segment_index) if fallback is None else fallback
            clinic_id = fallback
        c, d = r.claim, r.denial
        rows.append({
            "natural_key": r.natural_key, "claim_id": claim_id, "clinic_id": clinic_id,
            "payer_id": payer_id, "patient_control_number": c.patient_control_number[:64],
            "payer_claim_control_number": (c.payer_claim_control_number or None) and c.payer_claim_control_number[:64],
            "claim_status_code": c.status_code[:4], "remit_date": r.remit_date, "charge_cents": c.charge_cents,
            "paid_cents": c.paid_cents, "patient_responsibility_cents": c.patient_responsibility_cents,
            "excluded": d.status == "excluded", "is_denial": d.is_denial, "denial_category": d.category,
            "line_denials": len(d.line_denials), "feed_load_id": feed_load_id})
    frame = pd.DataFrame(rows)
    frame["is_first"] = _first_flags(session, frame)
    again = frame["natural_key"].isin(replaced)
    counts = upsert_frame(session, Remittance, frame[~again & ~frame["natural_key"].isin(kept)], ("natural_key",))
    counts += UpsertCounts(updated=upsert_frame(session, Remittance, frame[again], ("natural_key",)).total,
                           unchanged=len(kept))
    new = [r for r in records if r.natural_key not in existing]
    if new:
        write_children(session, dict(session.execute(select(Remittance.natural_key, Remittance.id).where(
            Remittance.natural_key.in_([r.natural_key for r in new]))).all()), new)
    if issues is not None:
        issues += [RemitIssue(r.claim.segment_index, "warning", "service_lines_kept",
                              f"segment {r.claim.segment_index}: a service line of this claim payment could not be "
                              "read; the lines stored from an earlier import of it are kept")
                   for r in records if r.natural_key in kept]
    link_remittances_to_claims(session)
    return counts


def _payers(session: Session, records: Sequence[RemitRecord]) -> dict[str, int]:
    """Payer id per record payer key; an existing payer with the same folded name is reused."""
    names = {r.payer_key: r.payer_name for r in records}
    by_name = dict(session.execute(select(Payer.name_folded, Payer.id).where(
        Payer.name_folded.in_([fold(n) for n in names.values()]))).all())
    ids = {k: by_name[fold(n)] for k, n in names.items() if fold(n) in by_name}
    missing = [{"key": k, "name": n} for k, n in names.items() if k not in ids]
    return ids | (ensure_payers(session, missing) if missing else {})


def _claims_by_pcn(session: Session, pcns: set[str]) -> dict[str, list[tuple[int, int, int | None]]]:
    found: dict[str, list[tuple[int, int, int | None]]] = {}
    stmt = select(Claim.patient_control_number, Claim.id, Claim.clinic_id, Claim.payer_id).where(
        Claim.patient_control_number.in_(list(pcns))).order_by(Claim.id)
    for pcn, cid, clinic, payer in session.execute(stmt):
        found.setdefault(pcn, []).append((cid, clinic, payer))
    return found


def _match(candidates: list[tuple[int, int, int | None]], payer_id: int) -> tuple[int | None, int | None]:
    """The claim with this patient control number, preferring the same payer, else the first."""
    if not candidates:
        return None, None
    same = [c for c in candidates if c[2] == payer_id]
    cid, clinic, _ = (same or candidates)[0]
    return cid, clinic


def _first_flags(session: Session, frame: pd.DataFrame) -> list[bool]:
    """is_first for each frame row, over stored rows of the same (payer, CLP01) plus the frame;
    stored rows whose flag changes are updated here."""
    stored = pd.DataFrame(session.execute(select(
        Remittance.id, Remittance.natural_key, Remittance.payer_id, Remittance.patient_control_number,
        Remittance.remit_date, Remittance.excluded, Remittance.is_first).where(
        Remittance.patient_control_number.in_(frame["patient_control_number"].unique().tolist()))).all(),
        columns=["id", "natural_key", "payer_id", "patient_control_number", "remit_date", "excluded", "is_first"])
    new = frame[~frame["natural_key"].isin(stored["natural_key"])].assign(id=None, is_first=None)
    both = pd.concat([stored.assign(order=stored["id"]),
                      new[stored.columns].assign(order=range(10**12, 10**12 + len(new)))], ignore_index=True)
    both["payer"] = both["payer_id"].fillna(-1)
    both["remit_date"] = pd.to_datetime(both["remit_date"])
    both = both.sort_values(["remit_date", "order"])
    eligible = both[~both["excluded"].astype(bool)]
    firsts = set(eligible.drop_duplicates(["payer", "patient_control_number"])["natural_key"])
    changed = stored[stored["is_first"].astype(bool) != stored["natural_key"].isin(firsts)]
    for rid, key in zip(changed["id"], changed["natural_key"], strict=True):
        session.execute(update(Remittance).where(Remittance.id == int(rid)).values(is_first=key in firsts))
    return frame["natural_key"].isin(firsts).tolist()


def link_remittances_to_claims(session: Session) -> int:
    """Fill ``claim_id`` (and a missing ``clinic_id``) of unlinked remittances whose CLP01 now
    matches a claim's patient control number (claims may be loaded after remittances)."""
    claim = select(Claim.id).where(Claim.patient_control_number == Remittance.patient_control_number)
    first_id = claim.order_by(Claim.id).limit(1).scalar_subquery()
    clinic = select(Claim.clinic_id).where(Claim.patient_control_number == Remittance.patient_control_number)
    first_clinic = clinic.order_by(Claim.id).limit(1).scalar_subquery()
    stmt = (update(Remittance).where(Remittance.claim_id.is_(None), claim.exists())
            .values(claim_id=first_id, clinic_id=first_clinic).execution_options(synchronize_session=False))
    return rows_affected(session.execute(stmt))
