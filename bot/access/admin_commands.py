"""``/opsbot`` command text → a typed request (pure).

    /opsbot help
    /opsbot status                                  bot health (admin)
    /opsbot roles [mine]                            your roles (everyone)
    /opsbot roles list                              every grant (admin)
    /opsbot roles grant <@user|@group> <role> [clinic]
    /opsbot roles revoke <@user|@group> <role> [clinic]

The person or group arrives in one of the forms Slack sends (``manifest.yml`` has
``should_escape: true`` for ``/opsbot``, so Slack delivers ``<@U…|jane>`` or
``<!subteam^S…|@nurses>``); a bare id (``U…``/``S…``) or a typed ``@handle`` (an app created with
``should_escape: false``, or a name Slack did not link) is accepted too. A typed handle is kept as
``handle`` and resolved to an id by the listener *after* the acknowledgement
(``bot.access.directory``): parsing never calls Slack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.access.policy import Permission
from bot.access.roles import ORG, Role, parse_subject

OPSBOT_HELP = (
    "*/opsbot help* — this help\n"
    "*/opsbot roles* — your roles\n"
    "*/opsbot roles list* — every role and who holds it (admin)\n"
    "*/opsbot roles grant @person <role> [clinic]* — grant clinician, manager, finance or admin; "
    "without a clinic the role is organisation-wide, e.g. `/opsbot roles grant @cfo finance` (admin)\n"
    "*/opsbot roles revoke @person <role> [clinic]* — revoke a role granted in Slack (admin)\n"
    "*/opsbot status* — database, migrations and data freshness (admin)\n"
    "Other commands: `/kpi help`, `/idea help`, `/pdsa help`, `/digest help`."
)


@dataclass(frozen=True)
class OpsbotCommand:
    verb: str  # help | status | roles.mine | roles.list | roles.grant | roles.revoke | invalid
    permission: Permission = Permission.VIEW_IDEAS
    subject: str | None = None
    role: Role | None = None
    clinic: str = ORG
    error: str | None = None
    handle: str | None = None  # a typed "@name" (without the @), resolved after the ack

    @property
    def target(self) -> str | None:
        if self.subject:
            return f"subject:{self.subject}"
        return f"handle:{self.handle}" if self.handle else None

    @property
    def shape(self) -> str | None:
        if self.role is None:
            return None
        return f"role={self.role.value} scope={'organisation' if self.clinic == ORG else 'clinic'}"


def parse_opsbot(text: str) -> OpsbotCommand:
    """Never raises: a malformed command is ``verb="invalid"`` with ``error`` set (the
    permission still reflects what was attempted, so a non-admin is refused, not coached)."""
    words = text.split()
    head = words[0].lower() if words else "help"
    if head in ("help", "?", "-h", "--help"):
        return OpsbotCommand("help")
    if head == "status":
        return OpsbotCommand("status", Permission.ADMIN)
    if head in ("roles", "role", "whoami"):
        sub = words[1].lower() if len(words) > 1 and head != "whoami" else "mine"
        if sub in ("mine", "me"):
            return OpsbotCommand("roles.mine")
        if sub in ("list", "all", "ls"):
            return OpsbotCommand("roles.list", Permission.VIEW_ROLES)
        if sub in ("grant", "add", "revoke", "remove"):
            return _change("roles.grant" if sub in ("grant", "add") else "roles.revoke", words[2:])
    return OpsbotCommand("invalid", error="I did not understand that.")


# a Slack handle as typed: letters, digits, periods, hyphens, underscores (Slack's username rules)
HANDLE = re.compile(r"@([A-Za-z0-9][A-Za-z0-9._\-]{0,79})")
ORG_WORDS = ("*", "org", "organisation", "organization")


def parse_person(text: str) -> tuple[str | None, str | None]:
    """(subject id, None) for ``<@U…|x>``, ``<!subteam^S…|@x>``, ``U…``/``S…``; (None, handle) for
    a typed ``@handle``.

    Raises:
        ValueError: neither form.
    """
    try:
        return parse_subject(text), None
    except ValueError:
        m = HANDLE.fullmatch(text.strip())
        if m is None:
            raise
        return None, m.group(1).lower()


def _change(verb: str, args: list[str]) -> OpsbotCommand:
    usage = f"Usage: `/opsbot roles {verb.split('.')[1]} @person <role> [clinic]`."
    if len(args) not in (2, 3):
        return OpsbotCommand("invalid", Permission.MANAGE_ROLES, error=usage)
    try:
        subject, handle = parse_person(args[0])
    except ValueError:
        return OpsbotCommand("invalid", Permission.MANAGE_ROLES,
                             error="Name a person or user group with @, e.g. `@jane`. " + usage)
    try:
        role = Role(args[1].lower())
    except ValueError:
        return OpsbotCommand("invalid", Permission.MANAGE_ROLES, subject=subject, handle=handle,
                             error="Roles are " + ", ".join(r.value for r in Role) + ". " + usage)
    clinic = args[2].lower() if len(args) == 3 else ORG
    if clinic in ORG_WORDS:
        clinic = ORG  # organisation-wide: no clinic, or "*"
    elif len(clinic) > 64 or not clinic.replace("-", "").replace("_", "").isalnum():
        return OpsbotCommand("invalid", Permission.MANAGE_ROLES, subject=subject, role=role, handle=handle,
                             error="Give the clinic by its key, e.g. `north`. " + usage)
    return OpsbotCommand(verb, Permission.MANAGE_ROLES, subject, role, clinic, handle=handle)
