"""Alert parameters: defaults in code, overridable in the organisation YAML (``OPSBOT_CONFIG``).

Shape (every key optional; ``clinics.<key>`` overrides the organisation values for one clinic)::

    alerts:
      schedule: {hour: 7, minute: 0, day_of_week: "*"}   # cron fields, in the clinic's time zone
      quiet_hours: {start: "20:00", end: "07:00"}          # clinic-local; posts wait until the end
      low_stock: {stale_days: 7}
      expiring_lots: {days: 30}
      denial_spike: {weeks: 26, min_baseline: 12, min_claims: 30, min_expected: 3,
                     slices: [clinic, payer, category]}
      compliance: {reminder_days: [30, 14, 7, 1, 0], corrective_days: [7, 1, 0]}
      stale_data: {default_hours: 72, feeds: {remittances: 192, inventory: 48}}
      clinics:
        north: {quiet_hours: null, denial_spike: {min_claims: 50}}

Units: weeks, days and hours as named; ``min_claims`` is the latest week's denominator;
``min_expected`` the latest week's expected denials (n × centre line): rare categories with about
one denial a week make sigma limits meaningless, so they do not alert.
"""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError

from bot.errors import ConfigurationError


class QuietHours(BaseModel):
    """Clinic-local window [start, end) in which nothing is posted; may wrap midnight."""

    start: time
    end: time

    def contains(self, t: time) -> bool:
        if self.start <= self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end


class Schedule(BaseModel):
    hour: str | int = 7
    minute: str | int = 0
    day_of_week: str = "*"


class LowStockParams(BaseModel):
    """The usage window and formula are the KPI's (:mod:`bot.kpi.stock_position`); only the
    staleness limit is the alert's own."""

    stale_days: int = Field(7, ge=1)  # no inventory movement for this long → "no data"


class ExpiryParams(BaseModel):
    days: int = Field(30, ge=0)


class DenialParams(BaseModel):
    weeks: int = Field(26, ge=4)
    min_baseline: int = Field(12, ge=2)
    min_claims: int = Field(30, ge=1)
    min_expected: float = Field(3.0, ge=0)  # latest n × centre line: expected denials in the week
    slices: list[str] = ["clinic", "payer", "category"]  # also "payer_category"


class ComplianceParams(BaseModel):
    reminder_days: list[int] = [30, 14, 7, 1, 0]
    corrective_days: list[int] = [7, 1, 0]


class StaleParams(BaseModel):
    default_hours: float = Field(72, gt=0)
    feeds: dict[str, float] = {}  # feed name → expected interval in hours
    # where the organisation-wide stale-feed incident goes (default: the first clinic's channel)
    channel: str | None = None
    owner: str | None = None


class DemandCapacityParams(BaseModel):
    """Issue 20: alert when forecast booked visits exceed template capacity within
    ``horizon_days``, or the projected third next available two weeks out passes ``tna_days``.
    Off unless ``enabled`` (it needs schedule templates and a few weeks of history)."""

    enabled: bool = False
    horizon_days: int = Field(28, ge=7, le=56)
    tna_days: float = Field(7, gt=0)


class AlertSettings(BaseModel):
    schedule: Schedule = Schedule()
    quiet_hours: QuietHours | None = None
    low_stock: LowStockParams = LowStockParams()
    expiring_lots: ExpiryParams = ExpiryParams()
    denial_spike: DenialParams = DenialParams()
    compliance: ComplianceParams = ComplianceParams()
    stale_data: StaleParams = StaleParams()
    demand_capacity: DemandCapacityParams = DemandCapacityParams()
    clinics: dict[str, dict[str, Any]] = {}

    def for_clinic(self, key: str) -> AlertSettings:
        """The settings with ``clinics.<key>`` merged over the organisation values."""
        override = self.clinics.get(key)
        if not override:
            return self
        merged = _deep_merge(self.model_dump(exclude={"clinics"}), override)
        return AlertSettings.model_validate(merged)


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def load_alert_settings(path: Path | None) -> AlertSettings:
    """The ``alerts:`` section of the organisation YAML (defaults when absent).

    Raises:
        ConfigurationError: naming the file and the offending entry.
    """
    if path is None:
        return AlertSettings()
    try:
        raw = (yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}).get("alerts") or {}
        settings = AlertSettings.model_validate(raw)
        for key in settings.clinics:
            settings.for_clinic(key)
        return settings
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigurationError(f"OPSBOT_CONFIG: cannot read {path}: {exc}") from None
    except ValidationError as exc:
        where = "; ".join(f"alerts.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ConfigurationError(f"OPSBOT_CONFIG ({path}): {where}") from None
