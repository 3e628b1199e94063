"""``/opsbot``: help, status, and roles (mine / list / grant / revoke).

The request middleware has already decided the permission (``bot.access.admin_commands`` says
which) and written the request's audit row; a grant or revoke writes its change row in the same
transaction as the change (``bot.audit.changes``). Replies are ephemeral.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.access import grants as stored
from bot.access.admin_commands import OPSBOT_HELP, parse_opsbot
from bot.access.current import require
from bot.access.directory import Directory
from bot.access.roles import ORG
from bot.errors import UsageError
from bot.ids import Command
from bot.staff_names import guard_for
from storage.db import session_scope
from storage.models import utcnow
from storage.reference import clinic_by_key

if TYPE_CHECKING:
    from bot.context import AppContext


def _where(clinic: str) -> str:
    return "organisation-wide" if clinic == ORG else f"at {clinic}"


def roles_text(ctx: AppContext, user: str) -> str:
    with session_scope(ctx.sessions) as s:
        mine = sorted(ctx.access.grants_for(s, user))  # type: ignore[attr-defined]
    if not mine:
        return ("You hold no role: you can submit and upvote ideas and ask access, inventory and "
                "patient-experience KPIs. An admin can grant more with `/opsbot roles grant`.")
    return "Your roles: " + ", ".join(g.label() for g in mine) + "."


def all_roles_text(ctx: AppContext) -> str:
    lines = ["*Roles from the organisation config* (change them there):"]
    lines += [f"• <@{s}> {g.label()}" if not s.startswith("S") else f"• <!subteam^{s}> {g.label()}"
              for s, g in ctx.org.roles.grants()] or ["• none"]
    with session_scope(ctx.sessions) as s:
        rows = stored.stored(s)
    lines.append("*Roles granted in Slack* (`/opsbot roles revoke` removes them):")
    lines += [f"• <@{r.subject}> {r.grant.label()}, granted by <@{r.granted_by}>" for r in rows] or ["• none"]
    return "\n".join(lines)


def status_text(ctx: AppContext) -> str:
    from bot.services.status import status_lines

    watcher = getattr(ctx, "org_watcher", None)
    return "\n".join(status_lines(ctx.engine, ctx.sessions, clinics=len(ctx.org.clinics),
                                   drop_dir=getattr(ctx.settings, "drop_dir", None),
                                   org_path=getattr(ctx.settings, "opsbot_config", None),
                                   org_error=getattr(watcher, "last_error", None),
                                   guard=guard_for(ctx.org, ctx.sessions)))


def _who(subject: str) -> str:
    return f"<!subteam^{subject}>" if subject.startswith("S") else f"<@{subject}>"


def change_roles(ctx: AppContext, text: str, actor: str, client: Any = None) -> str:
    """Grant or revoke (the caller has the admin role; checked again here). Runs after the
    acknowledgement: a typed ``@handle`` is resolved here through ``users.list``.

    Raises:
        UsageError: unknown person or clinic, admin at a clinic, or a malformed command.
    """
    req = parse_opsbot(text)
    require(req.permission)
    if req.verb == "invalid" or req.role is None or (req.subject is None and req.handle is None):
        raise UsageError(req.error or OPSBOT_HELP)
    subject = req.subject or _directory(ctx).resolve(req.handle or "", client)
    who = _who(subject)
    with session_scope(ctx.sessions) as s:
        if req.clinic != ORG and ctx.org.clinic(req.clinic) is None and clinic_by_key(s, req.clinic) is None:
            raise UsageError(f"There is no clinic with the key `{req.clinic}`.")
        if req.verb == "roles.grant":
            done = stored.grant(s, subject, req.role, req.clinic, actor, utcnow())
            return (f"Granted {req.role.value} {_where(req.clinic)} to {who}." if done else
                    f"{who} already holds {req.role.value} {_where(req.clinic)}.")
        done = stored.revoke(s, subject, req.role, req.clinic)
    return (f"Revoked {req.role.value} {_where(req.clinic)} from {who}." if done else
            f"{who} holds no {req.role.value} role {_where(req.clinic)} granted in Slack "
            "(roles from the organisation config change there).")


def _directory(ctx: AppContext) -> Directory:
    directory = getattr(ctx, "directory", None)
    if directory is None:
        directory = ctx.directory = Directory(lambda: None)  # type: ignore[attr-defined]
    return directory


def register(app: App, ctx: AppContext) -> None:
    @app.command(Command.OPSBOT)
    def on_opsbot(ack: Ack, command: dict, respond: Respond, client: WebClient) -> None:
        ack()
        text, user = command.get("text") or "", command["user_id"]
        req = parse_opsbot(text)
        require(req.permission)
        if req.verb == "help":
            reply = OPSBOT_HELP
        elif req.verb == "status":
            reply = status_text(ctx)
        elif req.verb == "roles.mine":
            reply = roles_text(ctx, user)
        elif req.verb == "roles.list":
            reply = all_roles_text(ctx)
        elif req.verb in ("roles.grant", "roles.revoke"):
            reply = change_roles(ctx, text, user, client)
        else:
            reply = (req.error or "I did not understand that.") + "\n" + OPSBOT_HELP
        respond(text=reply, response_type="ephemeral", replace_original=False)
