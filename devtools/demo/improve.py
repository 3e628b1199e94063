"""Demo step for issue 19: why the planted denial rise happened (payer and category drivers) and a
PDSA idea started from the alert with one click (the idea modal arrives filled)."""

from __future__ import annotations

from typing import Any


def why_and_act(ctx: Any) -> str:
    """Ask the network's denial rate vs the fortnight before; click "Start an improvement" under
    the answer (only the manager sees it); show the filled idea modal; then show that the clinic's
    denial alert keeps its figures out of a channel outside ``finance_channels`` (issue 15)."""
    from sqlalchemy import select

    from bot.ids import Action
    from bot.render_text import render_reply
    from devtools.demo.steps import _click, _indent, _modal
    from storage.db import session_scope
    from storage.models import AlertIncident, Delivery

    out = ["The network's denial rate, last 14 days vs the 14 before (/kpi denial-rate last 14 days vs last period):"]
    asked = ctx.local.command("/kpi denial-rate last 14 days vs last period")
    out += [_indent(render_reply(r)) for r in asked.replies]
    button = next((e for r in asked.replies for b in (r.get("blocks") or []) if b.get("type") == "actions"
                   for e in b.get("elements") or [] if e.get("action_id") == Action.KPI_IMPROVE), None)
    if button is None:
        return "\n".join([*out, "(The denial rate did not move the wrong way, so no improvement is suggested.)"])
    channel = next((str(r.get("channel") or "") for r in asked.replies), "") or "D0DEMO"
    view = _modal(_click(ctx, Action.KPI_IMPROVE, button["value"], channel=channel, ts="1.000001"))
    problem = next(b["element"].get("initial_value") for b in view["blocks"] if b.get("block_id") == "idea_problem")
    out += ["", "The manager clicks “Start an improvement” under the answer; the idea form opens filled in "
            "(then /pdsa start plans the cycle on this measure):", _indent(problem or "")]
    with session_scope(ctx.local.sessions) as s:
        inc = s.scalars(select(AlertIncident).where(AlertIncident.rule == "denial_spike",
                                                    AlertIncident.subject == "denials")).first()
        root = s.scalars(select(Delivery).where(Delivery.key == inc.root_key)).first() if inc else None
        if root is not None:
            lines = [b["text"]["text"] for b in (root.payload or {}).get("blocks") or []
                     if b.get("type") == "section" and isinstance(b.get("text"), dict)]
            out += ["", f"The same rise as the clinic's denial alert in #{root.message_channel or root.channel} "
                    "(not a finance channel, so its figures stay out):", *(_indent(x) for x in lines)]
    return "\n".join(out)
