"""``/opsbot`` command text → a typed request (pure).

    /opsbot help
    /opsbot status                                  bot health (admin)
    /opsbot roles [mine]                            your roles (everyone)
    /opsbot roles list                              every grant (admin)
    /opsbot roles grant <@user|@group> <role> [clinic]
    /opsbot roles revoke <@user|@group> <role> [clinic]
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.access.policy import Permission
from bot.access.roles import ORG, Role, parse_subject

OPSBOT_HELP = (
    "*/opsbot help* — this help\n"
    "*/opsbot roles* — your roles\n"
    "*/opsbot roles list* — every role and who holds it (admin)\n"
    "*/opsbot roles grant @person <role> [clinic]* — grant clinician, manager, finance or admin; "
    "without a clinic the role is organisation-wide (admin)\n"
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

    @property
    def target(self) -> str | None:
        return f"subject:{self.subject}" if self.subject else None

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


def _change(verb: str, args: list[str]) -> OpsbotCommand:
    usage = f"Usage: `/opsbot roles {verb.split('.')[1]} @person <role> [clinic]`."
    if len(args) not in (2, 3):
        return OpsbotCommand("invalid", Permission.MANAGE_ROLES, error=usage)
    try:
        subject = parse_subject(args[0])
    except ValueError:
        return OpsbotCommand("invalid", Permission.MANAGE_ROLES,
                             error="Name a person or user group with @, e.g. `@jane`. " + usage)
    try:
        role = Role(args[1].lower())
    except ValueError:
        return OpsbotCommand("invalid", Permission.MANAGE_ROLES, subject=subject,
                             error="Roles are " + ", ".join(r.value for r in Role) + ". " + usage)
    clinic = args[2].lower() if len(args) == 3 else ORG
    if len(clinic) > 64 or not clinic.replace("-", "").replace("_", "").isalnum():
        return OpsbotCommand("invalid", Permission.MANAGE_ROLES, subject=subject, role=role,
                             error="Give the clinic by its key, e.g. `north`. " + usage)
    return OpsbotCommand(verb, Permission.MANAGE_ROLES, subject, role, clinic)
