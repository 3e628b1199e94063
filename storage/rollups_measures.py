"""``kpi_measure_daily``: whole answers of third next available, days of supply and items at or
below reorder point, per measurement day, for the network and each clinic.

The KPI layer computes them (:mod:`bot.kpi.rollup_measures`, with the engine's own formulas)
from the frames the slot and supply refreshes have just written; this module stores them.
Storage imports nothing above it, so an answer is anything with the ``Measure`` fields read here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Protocol

import pandas as pd
from sqlalchemy import delete
from sqlalchemy.orm import Session

from storage.models.rollups import KpiMeasureDaily
from storage.rollups_slots import _write


class Answer(Protocol):
    """What is stored of an answer (``bot.kpi.base.Measure`` has these fields)."""

    @property
    def value(self) -> float | None: ...

    @property
    def n(self) -> float: ...

    @property
    def d(self) -> float: ...

    @property
    def extra(self) -> Mapping[str, Any]: ...


Row = tuple[int | None, date, Answer]  # clinic_id (None = network), day, answer


def write_measures(session: Session, component: str, rows: Iterable[Row]) -> int:
    """Replace every ``kpi_measure_daily`` row of ``component`` with ``rows`` (those with a
    value). Returns rows written."""
    session.execute(delete(KpiMeasureDaily).where(KpiMeasureDaily.component == component))
    kept = [(clinic, day, m) for clinic, day, m in rows if m.value is not None]
    frame = pd.DataFrame({
        "component": [component] * len(kept),
        "clinic_id": pd.array([c for c, _, _ in kept], dtype="Int64"),
        "day": pd.to_datetime(pd.Series([d for _, d, _ in kept], dtype="object")),
        "value": [float(m.value) for _, _, m in kept],  # type: ignore[arg-type]
        "n": [float(m.n) for _, _, m in kept],
        "d": [float(m.d) for _, _, m in kept],
        "basis": [str(m.extra.get("basis", "")) for _, _, m in kept],
    })
    _write(session, KpiMeasureDaily.__table__, frame)
    return len(kept)
