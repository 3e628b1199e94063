"""What a Slack request asks for: a Bolt body in, a :class:`Need` out (pure; no database).

A ``Need`` names the permission, where to find the clinic it concerns (``locate``: an idea,
a cycle, an alert incident, a clinic name, a KPI request), and the request's audit identity:
``action`` (command and verb, button or callback id), ``target`` and ``args`` — the *shape* of
the arguments with every free-text value replaced by a placeholder, so no patient identifier
typed into a command can reach the audit trail. Text the bot cannot parse is let through with
an everyone-level permission: the listener answers it with usage help.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from bot.access import kpi_domains
from bot.access.policy import Permission as P
from bot.ids import Action, Callback
from core.text import record_id

SAFE = re.compile(r"[^a-z0-9_:./-]")


def safe_id(text: Any, limit: int = 80) -> str:
    """A lower-case identifier made only of ``[a-z0-9_:./-]`` (anything else dropped)."""
    return SAFE.sub("", str(text or "").lower())[:limit] or "?"


def number(text: Any) -> int | None:
    return record_id(text)


@dataclass(frozen=True)
class Need:
    kind: str  # command | action | view_submission | shortcut | event | other
    action: str
    permission: P = P.VIEW_KPI
    locate: tuple[str, Any] | None = None  # ("idea", 12) | ("cycle", 3) | ("incident", 5) | ...
    target: str | None = None
    args: str | None = None
    share_kpi: str | None = None  # a KPI id about to be posted into the request's channel
    owner_may: bool = False  # the PDSA cycle's owner may act without the role
    assignee_may: bool = False  # the alert's assignee may act without the role (issue 16)
    anonymous: bool = False  # an anonymous idea form: the audit row must not name the person
    # what the request needs when asked in a finance channel (a digest preview shows what the
    # channel gets: revenue-cycle figures only there, bot.access.audience); None: ``permission``
    in_finance_channel: P | None = None


def classify(body: dict[str, Any]) -> Need:
    """The :class:`Need` of one request body (as Bolt parsed it)."""
    kind = body.get("type")
    if body.get("command"):
        return _command(str(body.get("command")), str(body.get("text") or ""))
    if kind == "block_actions":
        action = (body.get("actions") or [{}])[0] or {}
        return _action(str(action.get("action_id") or ""), action, body)
    if kind == "view_submission":
        view = body.get("view") or {}
        return _view(str(view.get("callback_id") or ""), view)
    if kind in ("shortcut", "message_action"):
        return Need("shortcut", safe_id(body.get("callback_id")), P.SUBMIT_IDEA)
    if kind == "event_callback":
        return Need("event", safe_id((body.get("event") or {}).get("type")), P.VIEW_IDEAS)
    return Need("other", safe_id(kind), P.VIEW_IDEAS)


def _command(command: str, text: str) -> Need:
    name = safe_id(command, 20)
    words = text.split()
    verb = words[0].lower() if words else ""
    if name == "/kpi":
        return _kpi(text)
    if name == "/idea":
        return _idea(words, verb)
    if name == "/pdsa":
        return _pdsa(words, verb)
    if name == "/digest":
        return _digest(text)
    if name == "/opsbot":
        return _opsbot(words)
    return Need("command", name, P.VIEW_IDEAS, args="unknown")


def kpi_shape(request: Any) -> str:
    parts = [request.kpi_id or "?"]
    parts += [f"{dim}=<name>" for dim in ("clinic", "provider", "payer") if getattr(request, dim)]
    parts.append(f"period={request.period.kind}")
    if request.by:
        parts.append(f"by={request.by}")
    if request.compare or request.compare_shift:
        parts.append("vs")
    return " ".join(parts)


def parse_kpi(text: str) -> Any | None:
    from bot.errors import OpsBotError
    from bot.kpi.grammar import parse_kpi_command

    try:
        return parse_kpi_command(text)
    except (OpsBotError, ValueError):
        return None


def _kpi(text: str) -> Need:
    request = parse_kpi(text)
    if request is None:
        return Need("command", "/kpi", P.VIEW_KPI, args="unparsed")
    if request.action != "value":
        return Need("command", f"/kpi {request.action}", P.VIEW_KPI, args=request.kpi_id)
    return Need("command", "/kpi", kpi_domains.permission_for(request.kpi_id), ("kpi_request", request),
                target=f"kpi:{request.kpi_id}", args=kpi_shape(request))


def _idea(words: list[str], verb: str) -> Need:
    from bot.errors import OpsBotError
    from bot.ideas.commands import parse_idea

    try:
        req = parse_idea(" ".join(words))
    except OpsBotError:
        # an id-like word that is not a record id (too long, ①…) is kept as a shape, never its digits
        typed_id = any(ch.isdigit() for word in words[1:] for ch in word)
        return Need("command", f"/idea {safe_id(verb, 12)}", P.VIEW_IDEAS,
                    target="idea:unknown id" if typed_id else None, args="unparsed")
    if req.verb == "status":
        return Need("command", "/idea status", P.MANAGE_IDEAS, ("idea", req.idea_id), f"idea:{req.idea_id}",
                    f"<id> {req.state.value if req.state else '?'}" + (" reason=<text>" if req.reason else ""))
    if req.verb == "show":
        return Need("command", "/idea show", P.VIEW_IDEAS, target=f"idea:{req.idea_id}", args="<id>")
    if req.verb == "list":
        return Need("command", "/idea list", P.VIEW_IDEAS,
                    args=" ".join(x for x in ("clinic=<name>" if req.clinic else "",
                                             f"state={req.state.value}" if req.state else "") if x) or None)
    if req.verb == "open":
        return Need("command", "/idea open", P.SUBMIT_IDEA, args="title=<text>" if req.title else None)
    return Need("command", f"/idea {req.verb}", P.VIEW_IDEAS)


def _pdsa(words: list[str], verb: str) -> Need:
    from bot.errors import OpsBotError
    from bot.ideas.commands import parse_pdsa

    try:
        req = parse_pdsa(" ".join(words))
    except OpsBotError:
        return Need("command", f"/pdsa {safe_id(verb, 12)}", P.VIEW_IDEAS, args="unparsed")
    if req.verb == "start":
        return Need("command", "/pdsa start", P.MANAGE_IDEAS, ("idea", req.target_id), f"idea:{req.target_id}", "<id>")
    if req.verb == "update":
        return Need("command", "/pdsa update", P.MANAGE_IDEAS, ("cycle", req.target_id), f"cycle:{req.target_id}",
                    "<id>", owner_may=True)
    if req.verb == "list":
        return Need("command", "/pdsa list", P.VIEW_IDEAS, args=f"scope={req.scope}" + (" clinic=<name>" if req.clinic else ""))
    return Need("command", f"/pdsa {req.verb}", P.VIEW_IDEAS)


def _digest(text: str) -> Need:
    from bot.digest.commands import parse_digest
    from bot.errors import OpsBotError

    try:
        req = parse_digest(text)
    except (OpsBotError, ValueError):
        return Need("command", "/digest", P.VIEW_IDEAS, args="unparsed")
    args = " ".join(x for x in (f"clinics={len(req.clinics)}" if req.clinics else "", "at=<time>" if req.at else "",
                                f"days={req.days}" if req.days else "") if x) or None
    if req.verb in ("subscribe", "unsubscribe"):
        return Need("command", f"/digest {req.verb}", P.CONFIGURE_DIGEST, ("clinics", tuple(req.clinics)), args=args)
    if req.verb == "preview":
        return Need("command", "/digest preview", P.VIEW_KPI, ("clinics", tuple(req.clinics)), args=args,
                    in_finance_channel=P.VIEW_REVENUE)
    return Need("command", f"/digest {req.verb}", P.VIEW_IDEAS, args=args)


def _opsbot(words: list[str]) -> Need:
    from bot.access.admin_commands import parse_opsbot

    req = parse_opsbot(" ".join(words))
    return Need("command", f"/opsbot {req.verb}".strip(), req.permission, target=req.target, args=req.shape)


ACTIONS: dict[str, tuple[P, str | None]] = {  # action id -> (permission, what its value names)
    Action.KPI_SHARE: (P.VIEW_KPI, "kpi"), Action.KPI_CHART: (P.VIEW_KPI, "kpi"),
    Action.IDEA_UPVOTE: (P.UPVOTE, None), Action.IDEA_UPVOTE_INSTEAD: (P.UPVOTE, None),
    Action.IDEA_MERGE_INTO: (P.SUBMIT_IDEA, None), Action.HOME_NEW_IDEA: (P.SUBMIT_IDEA, None),
    Action.PDSA_POST_UPDATE: (P.MANAGE_IDEAS, "cycle"), Action.PDSA_SNOOZE: (P.MANAGE_IDEAS, "cycle"),
    Action.PDSA_CLOSE: (P.MANAGE_IDEAS, "cycle"),
    Action.ALERT_ACK: (P.MANAGE_ALERTS, "incident"), Action.ALERT_SNOOZE: (P.MANAGE_ALERTS, "incident"),
    Action.ALERT_ASSIGN: (P.MANAGE_ALERTS, "incident"), Action.ALERT_MARK_DONE: (P.MANAGE_ALERTS, "incident"),
    Action.ALERT_NOT_USEFUL: (P.UPVOTE, "incident"),
}


#: what an alert's assignee may do whatever their role: acknowledge, snooze, mark done (resolve)
ASSIGNEE_ACTIONS = frozenset({Action.ALERT_ACK, Action.ALERT_SNOOZE, Action.ALERT_MARK_DONE})


def _action(action_id: str, action: dict[str, Any], body: dict[str, Any]) -> Need:
    name = safe_id(action_id)
    base = action_id.split(":", 1)[0]
    if base == Action.DIGEST_LIST_PAGE:  # a page of /digest list: what /digest list needs
        return Need("action", name, P.VIEW_IDEAS)
    if base == Action.IDEA_STATUS:
        idea = number(action.get("value"))
        return Need("action", name, P.MANAGE_IDEAS, ("idea", idea), f"idea:{idea}")
    permission, names = ACTIONS.get(action_id, (P.VIEW_IDEAS, None))
    if names == "kpi":
        request = parse_kpi(_question(action))
        kpi_id = request.kpi_id if request is not None and request.action == "value" else None
        return Need("action", name, kpi_domains.permission_for(kpi_id), ("kpi_request", request) if kpi_id else None,
                    f"kpi:{kpi_id}" if kpi_id else None, kpi_shape(request) if kpi_id else "unparsed",
                    share_kpi=kpi_id)
    if names == "incident":
        value = action.get("value") or str(action.get("block_id") or "").rpartition(":")[2]
        incident = number(value)
        return Need("action", name, permission, ("incident", incident), f"incident:{incident}",
                    assignee_may=action_id in ASSIGNEE_ACTIONS)
    if names == "cycle":
        cycle = number(action.get("value"))
        return Need("action", name, permission, ("cycle", cycle), f"cycle:{cycle}",
                    owner_may=action_id != Action.PDSA_CLOSE)
    target = number(action.get("value"))
    anonymous = action_id == Action.IDEA_MERGE_INTO and anonymous_form(body.get("view") or {})
    return Need("action", name, permission, target=f"idea:{target}" if target is not None else None,
                anonymous=anonymous)


def anonymous_form(view: dict[str, Any]) -> bool:
    """Whether an idea form's "Submit anonymously" box is ticked."""
    from bot.views.ideas import IdeaField

    values = ((view.get("state") or {}).get("values") or {}) if isinstance(view, dict) else {}
    block = values.get(str(IdeaField.ANONYMOUS)) if isinstance(values, dict) else None
    for element in (block or {}).values() if isinstance(block, dict) else ():
        options = element.get("selected_options") if isinstance(element, dict) else None
        if any(isinstance(o, dict) and o.get("value") == "yes" for o in options or []):
            return True
    return False


def _question(action: dict[str, Any]) -> str:
    try:
        return str(json.loads(action.get("value") or "{}")["q"])
    except (KeyError, ValueError, TypeError):
        return ""


def _meta(view: dict[str, Any]) -> dict[str, Any]:
    raw = view.get("private_metadata") or ""
    try:
        meta = json.loads(raw)
    except ValueError:
        return {"value": raw}
    return meta if isinstance(meta, dict) else {"value": meta}


def _view(callback_id: str, view: dict[str, Any]) -> Need:
    name = safe_id(callback_id)
    meta = _meta(view)
    if callback_id == Callback.IDEA_STATUS_MODAL:
        idea = number(meta.get("idea_id"))
        return Need("view_submission", f"{name}:{safe_id(meta.get('state'), 20)}", P.MANAGE_IDEAS, ("idea", idea),
                    f"idea:{idea}")
    if callback_id == Callback.PDSA_START:
        idea = number(meta.get("idea_id"))
        return Need("view_submission", name, P.MANAGE_IDEAS, ("idea", idea), f"idea:{idea}")
    if callback_id == Callback.PDSA_UPDATE:
        cycle = number(meta.get("cycle_id"))
        return Need("view_submission", name, P.MANAGE_IDEAS, ("cycle", cycle), f"cycle:{cycle}", owner_may=True)
    if callback_id == Callback.ALERT_SNOOZE_MODAL:
        incident = number(meta.get("value"))
        return Need("view_submission", name, P.MANAGE_ALERTS, ("incident", incident), f"incident:{incident}",
                    assignee_may=True)
    if callback_id == Callback.IDEA_SUBMIT:
        return Need("view_submission", name, P.SUBMIT_IDEA, anonymous=anonymous_form(view))
    return Need("view_submission", name, P.VIEW_IDEAS)
