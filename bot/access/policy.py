"""What each permission needs, and the decision for a set of grants (pure; no I/O).

Defaults (issue 8): everyone may submit ideas, upvote, list/show ideas and ask access,
inventory and patient-experience KPIs; revenue-cycle KPIs need finance or manager; changing idea
states, PDSA cycles, acknowledging/snoozing/assigning alerts and digest subscriptions need
manager; data, configuration and roles need admin. Admin implies every permission.

Clinic scope: a grant at clinic ``north`` satisfies a permission for ``north`` only; a request
with no clinic (organisation-wide: a KPI over all clinics, ``by clinic`` across clinics) needs an
organisation-wide grant. Everyone-level permissions ignore scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.access.roles import Grant, Role


class Permission(StrEnum):
    SUBMIT_IDEA = "submit_idea"
    UPVOTE = "upvote"
    VIEW_IDEAS = "view_ideas"
    VIEW_KPI = "view_kpi"  # access, inventory, patient experience
    VIEW_REVENUE = "view_revenue"  # revenue-cycle KPIs (and digests, which may carry them)
    MANAGE_IDEAS = "manage_ideas"  # idea states, PDSA cycles
    MANAGE_ALERTS = "manage_alerts"  # acknowledge, snooze, assign, mark done
    CONFIGURE_DIGEST = "configure_digest"
    VIEW_ROLES = "view_roles"
    MANAGE_ROLES = "manage_roles"
    ADMIN = "admin"  # data and configuration: /opsbot status, audit
    VIEW_RISK_LIST = "view_risk_list"  # issue 20: the high-risk appointment list (front desk)


EVERYONE: frozenset[Role] = frozenset()  # no role needed
NEEDS: dict[Permission, frozenset[Role]] = {
    Permission.SUBMIT_IDEA: EVERYONE,
    Permission.UPVOTE: EVERYONE,
    Permission.VIEW_IDEAS: EVERYONE,
    Permission.VIEW_KPI: EVERYONE,
    Permission.VIEW_REVENUE: frozenset({Role.FINANCE, Role.MANAGER}),
    Permission.MANAGE_IDEAS: frozenset({Role.MANAGER}),
    Permission.MANAGE_ALERTS: frozenset({Role.MANAGER}),
    Permission.CONFIGURE_DIGEST: frozenset({Role.MANAGER}),
    Permission.VIEW_ROLES: frozenset({Role.ADMIN}),
    Permission.MANAGE_ROLES: frozenset({Role.ADMIN}),
    Permission.ADMIN: frozenset({Role.ADMIN}),
    Permission.VIEW_RISK_LIST: frozenset({Role.FRONT_DESK}),
}
WHAT: dict[Permission, str] = {  # the subject of the refusal sentence, with its verb
    Permission.VIEW_REVENUE: "Revenue-cycle figures need",
    Permission.MANAGE_IDEAS: "Changing an idea's state or running its PDSA cycles needs",
    Permission.MANAGE_ALERTS: "Acknowledging, snoozing or assigning alerts needs",
    Permission.CONFIGURE_DIGEST: "Changing digest subscriptions needs",
    Permission.VIEW_ROLES: "The list of roles needs",
    Permission.MANAGE_ROLES: "Granting and revoking roles needs",
    Permission.ADMIN: "Data and configuration need",
    Permission.VIEW_RISK_LIST: "The high-risk appointment list needs",
}
SPANS_CLINICS = frozenset({Permission.VIEW_REVENUE, Permission.CONFIGURE_DIGEST})


@dataclass(frozen=True)
class Decision:
    allowed: bool
    permission: Permission
    clinic: str | None = None  # None = organisation-wide
    reason: str | None = None  # short, for the audit trail: "needs finance|manager (north)"
    message: str | None = None  # the polite refusal shown to the person

    @property
    def word(self) -> str:
        return "allowed" if self.allowed else "refused"


def satisfies(grant: Grant, roles: frozenset[Role], clinic: str | None) -> bool:
    """Whether one grant satisfies a permission needing ``roles`` at ``clinic``."""
    if grant.role is Role.ADMIN:
        return True
    if grant.role not in roles:
        return False
    return grant.org_wide or (clinic is not None and grant.clinic == clinic)


def decide(grants: Iterable[Grant], permission: Permission, clinic: str | None = None,
           clinic_name: str | None = None) -> Decision:
    """Allow or refuse ``permission`` at ``clinic`` (None = organisation-wide) for a person
    holding ``grants``; a refusal carries the polite explanation of the role needed."""
    needed, grants = NEEDS[permission], tuple(grants)
    if not needed or any(satisfies(g, needed, clinic) for g in grants):
        return Decision(True, permission, clinic)
    names = sorted({r.value for r in needed} | {Role.ADMIN.value})
    what = WHAT.get(permission, "This needs")
    if needed == {Role.ADMIN}:
        message = f"Sorry, you can't do that. {what} the *admin* role."
    else:
        role_words = " or ".join(f"*{n}*" for n in names if n != Role.ADMIN.value)
        # someone holding none of the roles anywhere is told the role, not a scope they could widen
        holds_one = any(g.role in needed for g in grants)
        where = f" for {clinic_name or clinic}" if clinic else (" organisation-wide" if holds_one else "")
        hint = (" A role for one clinic covers that clinic only: name the clinic in the question "
                "or ask for an organisation-wide role." if clinic is None and holds_one
                and permission in SPANS_CLINICS else "")
        message = (f"Sorry, you can't do that. {what} the {role_words} role{where}.{hint}"
                   " An admin can grant it with `/opsbot roles grant`.")
    reason = f"needs {'|'.join(names)}" + (f" ({clinic})" if clinic else " (organisation)")
    return Decision(False, permission, clinic, reason[:120], message)
