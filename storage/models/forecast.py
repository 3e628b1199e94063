"""Trained look-ahead models (issue 20): one row per training run, the newest per kind is in use."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


class ForecastModel(Base):
    """A fitted model with its data window. ``kind``: ``no_show`` (risk per appointment).

    ``payload`` is the pickled model bundle (scikit-learn estimators and the feature list);
    ``metrics`` is JSON text (time-split AUC, PR-AUC, Brier, calibration, baseline). ``shown``:
    False when the model did not beat its baseline; such a model is never used for answers.
    """

    __tablename__ = "forecast_models"
    __table_args__ = (Index("ix_forecast_models_kind_trained", "kind", "trained_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    trained_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    window_start: Mapped[date | None] = mapped_column(Date)
    window_end: Mapped[date | None] = mapped_column(Date)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    shown: Mapped[bool] = mapped_column(default=True)
    metrics: Mapped[str] = mapped_column(Text, default="{}")
    payload: Mapped[bytes] = mapped_column(LargeBinary)
