"""The children of a stored remittance: its service lines (SVC, loop 2110) and CAS adjustments
(claim level, ``service_line_id`` None, or per line), written from the CLP as read.

A remittance read again (same natural key: a re-sent 835, or a corrected one whose CLP repeats
the stored one) brings its service lines again; those of the later file are the truth
(005010X221A1 1.10.2.8: the corrected claim's lines replace the earlier ones), so stored children
that differ are replaced (:func:`replace_changed_children`): a line dropped from the earlier read
comes back, a line the payer dropped goes. A CLP that lost a line to a read problem
(``RemitRecord.complete`` False) never replaces lines already stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from bot.ingest.remittance_rows import RemitRecord
from bot.x12 import Adjustment
from storage.models import RemittanceAdjustment, RemittanceServiceLine

LineRow = tuple[int, str, int, int, bool]  # line number, procedure, charge cents, paid cents, is denial
AdjRow = tuple[int, str, str, str | None, int, float | None]  # line number (0: claim), group, CARC, RARCs, cents, qty


def write_children(session: Session, ids: dict[str, int], records: Sequence[RemitRecord]) -> None:
    """Insert the service lines and adjustments of ``records`` (``ids``: natural key -> remittance id)."""
    line_rows: list[dict[str, Any]] = []
    line_adjs: list[tuple[list[Adjustment], list[str], int]] = []
    claim_adjs: list[dict[str, Any]] = []
    for r in records:
        rid = ids[r.natural_key]
        claim_adjs += [_adj(rid, None, a, r.claim.rarcs) for a in r.claim.adjustments]
        for number, procedure, charge, paid, denied in lines_of(r):
            line_rows.append({"remittance_id": rid, "line_number": number, "procedure": procedure,
                              "charge_cents": charge, "paid_cents": paid, "is_denial": denied})
        line_adjs += [(line.adjustments, line.rarcs, rid) for line in r.claim.service_lines]
    if line_rows:
        line_ids = session.scalars(insert(RemittanceServiceLine).returning(
            RemittanceServiceLine.id, sort_by_parameter_order=True), line_rows).all()
        for line_id, (adjs, rarcs, rid) in zip(line_ids, line_adjs, strict=True):
            claim_adjs += [_adj(rid, line_id, a, rarcs) for a in adjs]
    if claim_adjs:
        session.execute(insert(RemittanceAdjustment), claim_adjs)


def replace_changed_children(session: Session, ids: dict[str, int], records: Sequence[RemitRecord]) -> tuple[
        set[str], set[str]]:
    """For ``records`` already stored: replace the children that differ from the CLP as read.

    Returns (natural keys replaced, natural keys whose differing lines were kept because the CLP
    was read incomplete)."""
    stored = _stored(session, [ids[r.natural_key] for r in records])
    differ = [r for r in records if stored.get(ids[r.natural_key], ([], [])) != (lines_of(r), adjustments_of(r))]
    replace = [r for r in differ if r.complete]
    if replace:
        gone = [ids[r.natural_key] for r in replace]
        session.execute(delete(RemittanceAdjustment).where(RemittanceAdjustment.remittance_id.in_(gone)))
        session.execute(delete(RemittanceServiceLine).where(RemittanceServiceLine.remittance_id.in_(gone)))
        write_children(session, ids, replace)
    return {r.natural_key for r in replace}, {r.natural_key for r in differ if not r.complete}


def lines_of(r: RemitRecord) -> list[LineRow]:
    denied = {d.line_index for d in r.denial.line_denials}
    return [(i + 1, line.procedure[:64], line.charge_cents, line.paid_cents, i in denied)
            for i, line in enumerate(r.claim.service_lines)]


def adjustments_of(r: RemitRecord) -> list[AdjRow]:
    rows = [_adj_row(0, a, r.claim.rarcs) for a in r.claim.adjustments]
    rows += [_adj_row(i + 1, a, line.rarcs) for i, line in enumerate(r.claim.service_lines) for a in line.adjustments]
    return sorted(rows, key=repr)


def _stored(session: Session, remittance_ids: list[int]) -> dict[int, tuple[list[LineRow], list[AdjRow]]]:
    """(lines, adjustments) per stored remittance id, in the shapes of :func:`lines_of` / :func:`adjustments_of`."""
    L, A = RemittanceServiceLine, RemittanceAdjustment
    out: dict[int, tuple[list[LineRow], list[AdjRow]]] = {rid: ([], []) for rid in remittance_ids}
    for rid, number, procedure, charge, paid, denied in session.execute(
            select(L.remittance_id, L.line_number, L.procedure, L.charge_cents, L.paid_cents, L.is_denial)
            .where(L.remittance_id.in_(remittance_ids)).order_by(L.remittance_id, L.line_number)):
        out[rid][0].append((number, procedure, charge, paid, bool(denied)))
    for rid, number, group, carc, rarcs, cents, qty in session.execute(
            select(A.remittance_id, L.line_number, A.group_code, A.carc, A.rarcs, A.amount_cents, A.quantity)
            .outerjoin(L, L.id == A.service_line_id).where(A.remittance_id.in_(remittance_ids))):
        out[rid][1].append((number or 0, group, carc, rarcs, cents, qty))
    for _, adjs in out.values():
        adjs.sort(key=repr)
    return out


def _adj_row(line_number: int, a: Adjustment, rarcs: Sequence[str]) -> AdjRow:
    row = _adj(0, None, a, rarcs)
    return (line_number, row["group_code"], row["carc"], row["rarcs"], row["amount_cents"], row["quantity"])


def _adj(remittance_id: int, line_id: int | None, a: Adjustment, rarcs: Sequence[str]) -> dict[str, Any]:
    return {"remittance_id": remittance_id, "service_line_id": line_id, "group_code": a.group_code,
            "carc": a.carc, "rarcs": " ".join(rarcs)[:120] or None, "amount_cents": a.amount_cents,
            "quantity": float(a.quantity) if a.quantity is not None else None}
