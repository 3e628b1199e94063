"""The organisation file (``OPSBOT_CONFIG``): clinics, their time zones and channels, KPI targets.

Shape (YAML)::

    organisation: Harbour Health
    targets:                      # organisation-wide defaults, by KPI id
      no-show-rate: {max: 0.10}   # a proportion; "lower is better" KPIs take max
      clean-claim-rate: {min: 0.95}
      provider-utilization: {min: 0.75, max: 0.85}   # a band
    clinics:
      - key: north                # stable id used in commands and imports
        name: North Family Practice
        timezone: America/New_York  # IANA
        channels: {alerts: C0123, improvement: C0456, digest: C0789}
        owner: U0ABC               # Slack user who gets fallback direct messages
        targets: {no-show-rate: {max: 0.08}}
    phi_patterns: {badge number: "BADGE-\\d{6}"}   # extra identifier patterns (regex)
    pdsa_reminder_days: 7
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from bot.access.roles import RolesConfig
from bot.errors import ConfigurationError


class Target(BaseModel):
    """A KPI target: ``min`` (at least), ``max`` (at most), or both (a band). Units are the KPI's."""

    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> "Target":
        if self.min is None and self.max is None:
            raise ValueError("a target needs min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("target min is above max")
        return self

    def status(self, value: float) -> str:
        """'on target', 'below target' or 'above target' for ``value``."""
        if self.min is not None and value < self.min:
            return "below target"
        if self.max is not None and value > self.max:
            return "above target"
        return "on target"


class ClinicChannels(BaseModel):
    alerts: str | None = None
    improvement: str | None = None
    digest: str | None = None


class ClinicConfig(BaseModel):
    key: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    timezone: str = "UTC"
    channels: ClinicChannels = ClinicChannels()
    owner: str | None = None
    targets: dict[str, Target] = {}
    # public holidays on which the daily digest is skipped (``holidays`` package), e.g.
    # {country: US, subdiv: CA}; None = no holidays skipped (issue 7)
    holidays: dict[str, str] | None = None

    @field_validator("timezone")
    @classmethod
    def _iana(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"not an IANA time zone: {value!r}") from None
        return value


class OrgConfig(BaseModel):
    organisation: str = "Clinic network"
    targets: dict[str, Target] = {}
    clinics: list[ClinicConfig] = []
    # extra patient-identifier patterns for the guard ({name: regex}), see bot.phi_guard
    phi_patterns: dict[str, str] = {}
    # days without an update before a PDSA cycle's owner is reminded
    pdsa_reminder_days: int = Field(default=7, ge=1, le=365)
    # the daily digest's settings (templates folder, KPIs, misfire, pacing), validated by
    # bot.digest.config.digest_settings (issue 7)
    digest: dict[str, Any] = {}
    # who holds which role, and where revenue-cycle KPIs may be shared (issue 8, bot.access.roles);
    # no roles section = nobody beyond everyone-level permissions (the first admin goes here)
    roles: RolesConfig = RolesConfig()
    finance_channels: list[str] = []

    @model_validator(mode="after")
    def _role_clinics(self) -> "OrgConfig":
        unknown = self.roles.clinic_keys() - {c.key for c in self.clinics}
        if unknown and self.clinics:
            raise ValueError(f"roles name unknown clinic keys: {', '.join(sorted(unknown))}")
        return self

    def target_for(self, kpi_id: str, clinic_key: str | None = None) -> Target | None:
        """The clinic's own target for ``kpi_id`` if set, else the organisation's, else None."""
        if clinic_key is not None:
            for clinic in self.clinics:
                if clinic.key == clinic_key and kpi_id in clinic.targets:
                    return clinic.targets[kpi_id]
        return self.targets.get(kpi_id)

    def clinic(self, key: str) -> ClinicConfig | None:
        return next((c for c in self.clinics if c.key == key), None)


def load_org_config(path: Path | None) -> OrgConfig:
    """Read the organisation YAML; an absent path gives an empty organisation.

    Raises:
        ConfigurationError: naming ``OPSBOT_CONFIG``, the file and the offending entry.
    """
    if path is None:
        return OrgConfig()
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigurationError(f"OPSBOT_CONFIG: cannot read {path}: {exc}") from None
    try:
        return OrgConfig.model_validate(raw)
    except ValidationError as exc:
        where = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigurationError(f"OPSBOT_CONFIG ({path}): {where}") from None
