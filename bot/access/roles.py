"""Roles and where they come from: the ``roles:`` section of the organisation config.

Shape (YAML)::

    roles:
      admin: [U0ADMIN]                     # a list = organisation-wide
      finance: [S0FINANCE]                 # S… ids are Slack user groups (usergroups.users.list)
      manager:
        "*": [U0COO]                       # "*" = organisation-wide
        north: [U0NORTHMGR, S0NORTHLEADS]  # clinic key = that clinic only
      clinician: {north: [S0NORTHSTAFF]}
      front_desk: {north: [U0DESK]}        # high-risk appointment list by DM (issue 20)
    finance_channels: [C0FINANCE]          # where revenue-cycle KPIs may be shared

Subjects are Slack user ids (``U…``/``W…``) or user-group ids (``S…``). ``admin`` is always
organisation-wide. Roles granted in Slack (``/opsbot roles grant``) live in ``role_grants`` and
are merged with these. An org config without ``roles:`` grants nobody anything beyond the
everyone-level permissions (secure by default): the first admin is configured here, or made with
``opsbot roles bootstrap U…``, or is the person who installs the app through OAuth
(``bot.access.bootstrap``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from pydantic import ValidationInfo, field_validator

from bot.config_model import Strict

ORG = "*"  # the clinic key of an organisation-wide grant
SUBJECT = re.compile(r"^[UWS][A-Z0-9]{2,31}$")


class Role(StrEnum):
    CLINICIAN = "clinician"
    MANAGER = "manager"
    FINANCE = "finance"
    ADMIN = "admin"
    FRONT_DESK = "front_desk"  # issue 20: may receive the high-risk appointment list by DM


@dataclass(frozen=True, order=True)
class Grant:
    """One role held at one scope: ``clinic`` is a clinic key or :data:`ORG`."""

    role: Role
    clinic: str = ORG

    @property
    def org_wide(self) -> bool:
        return self.clinic == ORG

    def label(self) -> str:
        return f"{self.role.value} ({'organisation' if self.org_wide else self.clinic})"


def home_clinic(grants: Iterable[Grant]) -> str | None:
    """The one clinic a person's roles scope them to, for a person holding ``grants``: their
    questions that name no clinic default to it (README, "A user whose roles together scope them to
    exactly one clinic gets that clinic by default"), whatever the roles are (a manager, the
    finance lead or the front desk of one clinic). None for anyone holding an organisation-wide
    grant, no grant, or grants at several clinics."""
    grants = list(grants)
    if any(g.org_wide for g in grants):
        return None
    clinics = {g.clinic for g in grants}
    return clinics.pop() if len(clinics) == 1 else None


def parse_subject(text: str) -> str:
    """A Slack user or user-group id from ``U123``, ``<@U123>``, ``<@U123|name>`` or
    ``<!subteam^S123|@team>``.

    Raises:
        ValueError: not a user or user-group id.
    """
    t = text.strip()
    m = re.fullmatch(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>", t) or re.fullmatch(r"<!subteam\^(S[A-Z0-9]+)(?:\|[^>]*)?>", t)
    subject = (m.group(1) if m else t).upper()
    if not SUBJECT.fullmatch(subject):
        raise ValueError("not a Slack user (U…) or user group (S…) id")
    return subject


EXAMPLE = "U012AB3CD"


def _config_subject(value: object) -> str:
    try:
        return parse_subject(str(value))
    except ValueError:
        raise ValueError(f"expected a Slack user (U…/W…) or user-group (S…) id like {EXAMPLE}, "
                         f"got {value!r}") from None


class RolesConfig(Strict):
    """The validated ``roles:`` section: {role: {clinic key or "*": [subject, …]}}."""

    clinician: dict[str, list[str]] = {}
    manager: dict[str, list[str]] = {}
    finance: dict[str, list[str]] = {}
    admin: dict[str, list[str]] = {}
    front_desk: dict[str, list[str]] = {}

    @field_validator("clinician", "manager", "finance", "admin", "front_desk", mode="before")
    @classmethod
    def _shape(cls, value: object, info: ValidationInfo) -> object:
        """A list (organisation-wide) or {clinic key: list}; anything else is refused by what is
        expected, not by pydantic's "valid dictionary" (a bare ``admin: U1`` is the usual slip)."""
        if value is None:
            return {}
        if isinstance(value, (list, tuple)):
            return {ORG: list(value)}
        expected = (f"a list of Slack user ids like [{EXAMPLE}]" if info.field_name == Role.ADMIN else
                    f"a list of Slack user or user-group ids like [{EXAMPLE}], or {{clinic key: [{EXAMPLE}]}}")
        if not isinstance(value, dict):
            raise ValueError(f"expected {expected}, got {value!r}")
        for clinic, subjects in value.items():
            if not isinstance(subjects, (list, tuple)):
                raise ValueError(f"expected a list of Slack user or user-group ids like [{EXAMPLE}] for "
                                 f"{clinic!r}, got {subjects!r}")
        return value

    @field_validator("clinician", "manager", "finance", "admin", "front_desk")
    @classmethod
    def _subjects(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for clinic, subjects in value.items():
            out[str(clinic)] = [_config_subject(s) for s in subjects]
        return out

    @field_validator("admin")
    @classmethod
    def _admin_org_wide(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        if any(k != ORG for k in value):
            raise ValueError("admin is organisation-wide: give a list of users, not clinics")
        return value

    def grants(self) -> list[tuple[str, Grant]]:
        """Every (subject, grant) pair in the config."""
        out: list[tuple[str, Grant]] = []
        for role in Role:
            for clinic, subjects in getattr(self, role.value).items():
                out.extend((s, Grant(role, clinic)) for s in subjects)
        return out

    def clinic_keys(self) -> set[str]:
        return {c for role in Role for c in getattr(self, role.value) if c != ORG}
