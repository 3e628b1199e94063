"""Digest settings (the ``digest:`` section of :class:`bot.orgconfig.OrgConfig`): defaults in code, overridable in the organisation YAML (``OPSBOT_CONFIG``)::

    digest:
      templates: /etc/opsbot/digest-templates  # .j2 files replacing the built-in wording
      kpis: [no-show-rate, third-next-available, clean-claim-rate]   # default: KPIs with a target
      kpi_days: 30            # KPI window: the latest N days of data, up to today (local)
      deadline_days: 14       # compliance deadlines within the next N days (and overdue ones)
      misfire_minutes: 60     # a digest found due up to N minutes late still goes; later: missed
      per_channel_seconds: 1.0          # at most one post per channel per second (Slack ~1/s)
      workspace_per_minute: 300         # chat.postMessage across the workspace (Slack: several hundred)
      workspace_burst: 20
      max_items: 100          # items listed per section before "… and N more"

Clinic holidays are per clinic: ``clinics: [{key: north, holidays: {country: US, subdiv: CA}}]``.
A relative ``templates`` path is read from the working directory.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic import Field, field_validator

from bot.config_model import Strict
from bot.kpi.catalogue import known_kpi


class DigestSettings(Strict):
    templates: Path | None = None
    kpis: list[str] | None = None
    kpi_days: int = Field(30, ge=1, le=366)
    deadline_days: int = Field(14, ge=0, le=366)
    misfire_minutes: int = Field(60, ge=0, le=24 * 60)
    per_channel_seconds: float = Field(1.0, ge=0)
    workspace_per_minute: float = Field(300, gt=0)
    workspace_burst: int = Field(20, ge=1)
    max_items: int = Field(100, ge=1, le=1000)

    @field_validator("kpis")
    @classmethod
    def _catalogue_kpis(cls, value: list[str] | None) -> list[str] | None:
        """KPI ids (names and aliases accepted) of the catalogue; an unknown one is refused."""
        return None if value is None else [known_kpi(name).id for name in value]

    @property
    def misfire(self) -> timedelta:
        return timedelta(minutes=self.misfire_minutes)
