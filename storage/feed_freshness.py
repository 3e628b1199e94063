"""When each clinic's data last arrived, per feed: the latest finished load that carried rows for
that clinic (the stale-data rule and the digest's stale section read this).

A load carries every clinic in the file, not every clinic of the organisation: a file with one
clinic's rows leaves the others as old as they were. Each stored row keeps the load that last
wrote it (``feed_load_id``), so a clinic's last load in a feed is the newest load among its rows.
Feeds whose rows record no load, or no clinic (``supply`` items, ``lots``), are not listed in
:data:`CLINIC_ROWS`: their freshness is the feed's latest load for every clinic
(:func:`last_feed_loads`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import (
    Appointment,
    ArSnapshot,
    Claim,
    CodingAudit,
    FeedLoad,
    InventoryTransaction,
    LedgerEntry,
    Remittance,
    Slot,
    StockCount,
    SupplyItem,
    SurveyResponse,
)

# feed (FeedLoad.feed) → the tables its rows are stored in; item tables reach the clinic through
# supply_items
CLINIC_ROWS: dict[str, tuple[Any, ...]] = {
    "appointments": (Appointment,), "slots": (Slot,), "claims": (Claim,), "remittances": (Remittance,),
    "ledger": (LedgerEntry,), "ar": (ArSnapshot,), "surveys": (SurveyResponse,), "coding_audits": (CodingAudit,),
    "inventory": (InventoryTransaction, StockCount),
}


def last_feed_loads(session: Session) -> dict[str, datetime | None]:
    """Feed name → latest finished load that brought data (naive UTC; a file whose every row was
    rejected does not count, :meth:`FeedLoad.delivered`), over every feed ever loaded."""
    rows = session.execute(select(FeedLoad.feed, func.max(FeedLoad.finished_at)).where(FeedLoad.delivered())
                           .group_by(FeedLoad.feed)).all()
    return {feed: last for feed, last in rows}


def _clinic_loads(session: Session, model: Any, clinic_ids: Sequence[int] | None) -> list[tuple[int, int]]:
    """``[(clinic id, newest feed_load_id among its rows)]`` of one table."""
    if hasattr(model, "clinic_id"):
        clinic = model.clinic_id
        stmt = select(clinic, func.max(model.feed_load_id)).group_by(clinic)
    else:
        clinic = SupplyItem.clinic_id
        stmt = (select(clinic, func.max(model.feed_load_id)).join(SupplyItem, SupplyItem.id == model.item_id)
                .group_by(clinic))
    if clinic_ids is not None:
        stmt = stmt.where(clinic.in_(list(clinic_ids)))
    return [(c, load) for c, load in session.execute(stmt.where(model.feed_load_id.is_not(None))).all()]


def last_loads_by_clinic(session: Session, clinic_ids: Sequence[int] | None = None
                         ) -> dict[int, dict[str, datetime]]:
    """Clinic id → {feed → finished time (naive UTC) of the newest load that carried rows for it}
    for the feeds of :data:`CLINIC_ROWS`; a feed the clinic has no rows in is absent. ``clinic_ids``
    None: every clinic. Loads still running (no ``finished_at``) are skipped."""
    newest: dict[tuple[int, str], int] = {}
    for feed, models in CLINIC_ROWS.items():
        for model in models:
            for clinic_id, load_id in _clinic_loads(session, model, clinic_ids):
                newest[(clinic_id, feed)] = max(load_id, newest.get((clinic_id, feed), 0))
    ids = sorted(set(newest.values()))
    finished: dict[int, datetime] = {}
    for start in range(0, len(ids), 500):
        finished.update({i: at for i, at in session.execute(
            select(FeedLoad.id, FeedLoad.finished_at).where(FeedLoad.id.in_(ids[start:start + 500]))).all()
            if at is not None})
    out: dict[int, dict[str, datetime]] = {}
    for (clinic_id, feed), load_id in newest.items():
        if load_id in finished:
            out.setdefault(clinic_id, {})[feed] = finished[load_id]
    return out


def clinic_feed_loads(session: Session, clinic_ids: Sequence[int]) -> dict[int, dict[str, datetime | None]]:
    """Clinic id → {feed → the load that dates that clinic's data}: for the feeds of
    :data:`CLINIC_ROWS`, the newest load that carried its rows (:func:`last_loads_by_clinic`; a
    feed it has no rows in is left out: not that clinic's feed); for the others, the feed's latest
    load (:func:`last_feed_loads`). Every id in ``clinic_ids`` is a key."""
    feed_loads = last_feed_loads(session)
    shared = {f: last for f, last in feed_loads.items() if f not in CLINIC_ROWS}
    own = last_loads_by_clinic(session, clinic_ids)
    return {c: {**shared, **own.get(c, {})} for c in clinic_ids}
