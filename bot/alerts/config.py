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

from datetime import UTC, time, tzinfo
from typing import Annotated, Any, Literal

from apscheduler.triggers.cron import CronTrigger
from pydantic import Field, ValidationInfo, field_validator

from bot.config_model import Strict
from bot.slack_ids import ChannelId, UserId


class QuietHours(Strict):
    """Clinic-local window [start, end) in which nothing is posted; may wrap midnight."""

    start: time
    end: time

    def contains(self, t: time) -> bool:
        if self.start <= self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end


class Schedule(Strict):
    """Cron fields in the clinic's time zone. Each field is judged by APScheduler's own
    ``CronTrigger`` (the scheduler builds the trigger with :meth:`trigger`), so a file the check
    passes is a file the scheduler can run: ``hour: 25`` is refused when the file loads."""

    hour: str | int = 7
    minute: str | int = 0
    day_of_week: str = "*"

    @field_validator("hour", "minute", "day_of_week")
    @classmethod
    def _cron_field(cls, value: str | int, info: ValidationInfo) -> str | int:
        try:
            CronTrigger(**{str(info.field_name): value}, timezone=UTC)
        except ValueError as exc:
            raise ValueError(f"expected an APScheduler cron {info.field_name} expression, got {value!r} "
                             f"({exc})") from None
        return value

    def trigger(self, timezone: tzinfo) -> CronTrigger:
        """The APScheduler trigger firing on this schedule in ``timezone``."""
        return CronTrigger(hour=self.hour, minute=self.minute, day_of_week=self.day_of_week, timezone=timezone)


class LowStockParams(Strict):
    """The usage window and formula are the KPI's (:mod:`bot.kpi.stock_position`); only the
    staleness limit is the alert's own."""

    stale_days: int = Field(7, ge=1)  # no inventory movement for this long → "no data"


class ExpiryParams(Strict):
    days: int = Field(30, ge=0)


DenialSlice = Literal["clinic", "payer", "category", "payer_category"]
Hours = Annotated[float, Field(gt=0)]  # an expected interval: a positive number of hours


class DenialParams(Strict):
    weeks: int = Field(26, ge=4)
    min_baseline: int = Field(12, ge=2)
    min_claims: int = Field(30, ge=1)
    min_expected: float = Field(3.0, ge=0)  # latest n × centre line: expected denials in the week
    # the kinds bot.alerts.rules.denials slices by; another word would silently slice nothing
    slices: list[DenialSlice] = ["clinic", "payer", "category"]


class ComplianceParams(Strict):
    reminder_days: list[int] = [30, 14, 7, 1, 0]
    corrective_days: list[int] = [7, 1, 0]


class StaleParams(Strict):
    default_hours: float = Field(72, gt=0)
    # feed name (``FeedLoad.feed``, bot.ingest.registry.feed_names) → expected interval in hours;
    # names are checked by OrgConfig.unknown_feed_references (the importers sit above this module)
    feeds: dict[str, Hours] = {}
    # where the organisation-wide stale-feed incident goes (default: the first clinic's channel)
    channel: ChannelId | None = None
    owner: UserId | None = None


class DemandCapacityParams(Strict):
    """Issue 20: alert when forecast booked visits exceed template capacity within
    ``horizon_days``, or the projected third next available two weeks out passes ``tna_days``.
    Off unless ``enabled`` (it needs schedule templates and a few weeks of history)."""

    enabled: bool = False
    horizon_days: int = Field(28, ge=7, le=56)
    tna_days: float = Field(7, gt=0)


class AlertOverride(Strict):
    """``alerts.clinics.<key>``: the sections one clinic changes; only the keys written apply
    (merged over the organisation values by :meth:`AlertSettings.for_clinic`)."""

    schedule: Schedule | None = None
    quiet_hours: QuietHours | None = None
    low_stock: LowStockParams | None = None
    expiring_lots: ExpiryParams | None = None
    denial_spike: DenialParams | None = None
    compliance: ComplianceParams | None = None
    stale_data: StaleParams | None = None
    demand_capacity: DemandCapacityParams | None = None


class AlertSettings(Strict):
    """The ``alerts:`` section of the organisation file (:class:`bot.orgconfig.OrgConfig`)."""

    schedule: Schedule = Schedule()
    quiet_hours: QuietHours | None = None
    low_stock: LowStockParams = LowStockParams()
    expiring_lots: ExpiryParams = ExpiryParams()
    denial_spike: DenialParams = DenialParams()
    compliance: ComplianceParams = ComplianceParams()
    stale_data: StaleParams = StaleParams()
    demand_capacity: DemandCapacityParams = DemandCapacityParams()
    clinics: dict[str, AlertOverride] = {}

    def for_clinic(self, key: str) -> AlertSettings:
        """The settings with ``clinics.<key>`` merged over the organisation values."""
        override = self.clinics.get(key)
        if override is None:
            return self
        merged = _deep_merge(self.model_dump(exclude={"clinics"}), override.model_dump(exclude_unset=True))
        return AlertSettings.model_validate(merged)


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out
