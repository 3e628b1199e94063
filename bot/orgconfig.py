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
    roles: {…}                    # bot.access.roles.RolesConfig
    alerts: {…}                   # bot.alerts.config.AlertSettings
    digest: {…}                   # bot.digest.settings.DigestSettings

Every section is typed and refuses keys it does not know (:class:`bot.config_model.Strict`): a
typo stops start-up with one message naming the key path and the closest known key. The file is
loaded once (``load_org_config``) and the loaded model is passed down; ``bot.orgwatch`` reloads it
when the file changes.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from bot.access.roles import RolesConfig
from bot.alerts.config import AlertSettings
from bot.config_model import Strict, describe, suggestion
from bot.digest.settings import DigestSettings
from bot.errors import ConfigurationError
from bot.kpi.catalogue import Target, known_kpi
from bot.slack_ids import ChannelId, SharedChannelId, UserId


def checked_targets(targets: dict[str, Target]) -> dict[str, Target]:
    """Targets keyed by catalogue KPI id (names and aliases accepted), bounds in the KPI's unit range.

    Percent KPIs take proportions (0.10 = 10 %), so a bound outside 0..1 is refused; every other
    unit (days, turns, count) takes a non-negative number.

    Raises:
        ValueError: an unknown KPI (with the closest ids), or every bound outside its unit's range
            (``; ``-joined).
    """
    out: dict[str, Target] = {}
    problems: list[str] = []
    for name, target in targets.items():
        kpi = known_kpi(str(name))
        for word, bound in (("min", target.min), ("max", target.max)):
            if bound is None:
                continue
            if kpi.unit == "%" and not 0 <= bound <= 1:
                hint = f" (write {bound / 100:g} for {bound:g} %)" if 1 < bound <= 100 else ""
                problems.append(f"{kpi.id} {word} {bound:g} is not a proportion between 0 and 1{hint}")
            if kpi.unit != "%" and bound < 0:
                problems.append(f"{kpi.id} {word} {bound:g} is negative")
        out[kpi.id] = target
    if problems:  # every bound in one message, not one per run
        raise ValueError("; ".join(problems))
    return out


class ClinicChannels(Strict):
    """Slack channel ids (``C…``/``G…``/``D…``, :mod:`bot.slack_ids`), never ``#names``."""

    alerts: ChannelId | None = None
    improvement: ChannelId | None = None
    digest: ChannelId | None = None


class ClinicConfig(Strict):
    key: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    timezone: str = "UTC"
    channels: ClinicChannels = ClinicChannels()
    owner: UserId | None = None
    targets: dict[str, Target] = {}
    # public holidays on which the daily digest is skipped (``holidays`` package), e.g.
    # {country: US, subdiv: CA}; None = no holidays skipped (issue 7)
    holidays: dict[str, str] | None = None
    # issue 20: the front desk may ask for the high-risk appointment list by DM; False switches
    # the list off for this clinic (expected counts are still shown)
    high_risk_list: bool = True

    @field_validator("targets")
    @classmethod
    def _known_targets(cls, value: dict[str, Target]) -> dict[str, Target]:
        return checked_targets(value)

    @field_validator("timezone")
    @classmethod
    def _iana(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"not an IANA time zone: {value!r}") from None
        return value


class OrgConfig(Strict):
    organisation: str = "Clinic network"
    targets: dict[str, Target] = {}
    clinics: list[ClinicConfig] = []
    # extra patient-identifier patterns for the guard ({name: regex}), see bot.phi_guard
    phi_patterns: dict[str, str] = {}
    # staff names the identifier guard must not flag, beyond the provider table (bot.staff_names)
    phi_known_names: list[str] = []
    # days a rejects file (raw rows, patient ids) is kept before the retention job deletes it
    rejects_retention_days: int = Field(default=30, ge=1, le=3650)
    # days without an update before a PDSA cycle's owner is reminded
    pdsa_reminder_days: int = Field(default=7, ge=1, le=365)
    # the daily digest's settings (templates folder, KPIs, misfire, pacing) (issue 7)
    digest: DigestSettings = DigestSettings()
    # alert rules' parameters, schedule and quiet hours, per clinic overrides (issue 6)
    alerts: AlertSettings = AlertSettings()
    # who holds which role, and where revenue-cycle KPIs may be shared (issue 8, bot.access.roles);
    # no roles section = nobody beyond everyone-level permissions (the first admin goes here)
    roles: RolesConfig = RolesConfig()
    finance_channels: list[SharedChannelId] = []

    @field_validator("targets")
    @classmethod
    def _known_targets(cls, value: dict[str, Target]) -> dict[str, Target]:
        return checked_targets(value)

    @model_validator(mode="after")
    def _clinic_keys(self) -> OrgConfig:
        """Clinic keys are unique ignoring case (commands match them so: ``north`` and ``North``
        are one clinic), and those named by ``roles`` and ``alerts.clinics`` are the file's
        clinics; every problem in one message. A file listing no clinics (they come from the
        database) is checked against the database's clinics by ``opsbot config check``
        (:mod:`bot.cli.config`)."""
        problems = []
        by_key: dict[str, list[str]] = {}
        for c in self.clinics:
            by_key.setdefault(c.key.casefold(), []).append(c.key)
        twice = [keys for keys in by_key.values() if len(keys) > 1]
        if twice:
            named = ", ".join(" and ".join(map(repr, keys)) if len(set(keys)) > 1 else repr(keys[0])
                              for keys in twice)
            problems.append(f"clinics: clinic key {named} is used by more than one clinic (keys are "
                            f"matched ignoring case); expected one clinic per key")
        if self.clinics:
            problems += self.unknown_clinic_references([c.key for c in self.clinics])
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def unknown_feed_references(self, known: Collection[str]) -> list[str]:
        """One message per feed named in ``alerts.stale_data.feeds`` (organisation or a clinic's
        override) that is not in ``known`` (``bot.ingest.registry.feed_names``), ``[]`` if none::

            unknown feed 'appointmnts' in alerts.stale_data.feeds — did you mean 'appointments'?
        """
        sections = [("alerts.stale_data.feeds", self.alerts.stale_data)]
        sections += [(f"alerts.clinics.{key}.stale_data.feeds", o.stale_data)
                     for key, o in self.alerts.clinics.items() if o.stale_data is not None]
        return [f"unknown feed '{feed}' in {where}{suggestion(feed, sorted(known))}"
                for where, params in sections for feed in params.feeds if feed not in known]

    def unknown_clinic_references(self, known: Sequence[str]) -> list[str]:
        """One message per clinic key named in ``roles`` or ``alerts.clinics`` that is not in
        ``known`` (``[]`` when every reference is known)::

            roles name unknown clinic keys: east, west
            unknown clinic key 'nort' in alerts.clinics — did you mean 'north'?
        """
        problems = []
        unknown = self.roles.clinic_keys() - set(known)
        if unknown:
            problems.append(f"roles name unknown clinic keys: {', '.join(sorted(unknown))}")
        problems += [f"unknown clinic key '{key}' in alerts.clinics{suggestion(key, known)}"
                     for key in self.alerts.clinics if key not in known]
        return problems

    def target_for(self, kpi_id: str, clinic_key: str | None = None) -> Target | None:
        """The clinic's own target for ``kpi_id`` if set, else the organisation's, else None."""
        if clinic_key is not None:
            for clinic in self.clinics:
                if clinic.key == clinic_key and kpi_id in clinic.targets:
                    return clinic.targets[kpi_id]
        return self.targets.get(kpi_id)

    def clinic(self, key: str) -> ClinicConfig | None:
        return next((c for c in self.clinics if c.key == key), None)


class UniqueKeyLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses a key written twice in one mapping (PyYAML keeps the last
    silently: two ``alerts:`` sections would drop the first)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[object, object]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}; expected each key once in a mapping", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_org_config(path: Path | None) -> OrgConfig:
    """Read the organisation YAML; an absent path gives an empty organisation.

    Raises:
        ConfigurationError: naming ``OPSBOT_CONFIG``, the file and the offending entry.
    """
    if path is None:
        return OrgConfig()
    try:
        raw = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=UniqueKeyLoader) or {}
    except OSError as exc:
        raise ConfigurationError(f"OPSBOT_CONFIG: cannot read {path}: {exc}") from None
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"OPSBOT_CONFIG ({path}): not valid YAML: {_yaml_problem(exc)}") from None
    if not isinstance(raw, dict):
        raise ConfigurationError(f"OPSBOT_CONFIG ({path}): the file must be a mapping of sections (organisation:, clinics:, …)")
    return org_config_from(raw, f"OPSBOT_CONFIG ({path})")


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """One line: the parser's problem and where (``duplicate key 'alerts' … (line 2, column 1)``)."""
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem:
        mark = exc.problem_mark
        return exc.problem + (f" (line {mark.line + 1}, column {mark.column + 1})" if mark else "")
    return " ".join(str(exc).split())


def org_config_from(raw: dict[str, object], source: str = "organisation config") -> OrgConfig:
    """Validate an already-parsed organisation file (tests, the demo) the way the loader does.

    Raises:
        ConfigurationError: ``"<source>: unknown key 'low_stok' in alerts — did you mean 'low_stock'?"``
            (every problem, ``; ``-joined).
    """
    try:
        return OrgConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigurationError(f"{source}: {describe(exc, OrgConfig, raw)}") from None
