"""Demo step for issue 19: why the planted denial rise happened (payer and category drivers) and a
PDSA idea started from the alert with one click (the idea modal arrives filled)."""

from __future__ import annotations

from typing import Any


def why_and_act(ctx: Any) -> str:
    """Ask the network's denial rate vs the fortnight before; click "Start an improvement" on the
    clinic-wide denial alert; show the filled idea modal."""
    from sqlalchemy import select

    from bot.demo_steps import _click, _indent, _modal
    from bot.ids import Action
    from bot.render_text import render_reply
    from storage.db import session_scope
    from storage.models import AlertIncident, Delivery

    out = ["The network's denial rate, last 14 days vs the 14 before (/kpi denial-rate last 14 days vs last period):"]
    asked = ctx.local.command("/kpi denial-rate last 14 days vs last period")
    out += [_indent(render_reply(r)) for r in asked.replies]
    with session_scope(ctx.local.sessions) as s:
        inc = s.scalars(select(AlertIncident).where(AlertIncident.rule == "denial_spike",
                                                    AlertIncident.subject == "clinic")).first()
        root = s.scalars(select(Delivery).where(Delivery.key == inc.root_key)).first() if inc else None
        if root is None:
            return "\n".join([*out, "(No clinic-wide denial alert was posted, so no button to click.)"])
        channel, ts, payload = root.message_channel or root.channel, root.message_ts, dict(root.payload or {})
    button = next((e for b in payload.get("blocks") or [] if b.get("type") == "actions"
                   for e in b.get("elements") or [] if e.get("action_id") == Action.KPI_IMPROVE), None)
    if button is None:
        raise RuntimeError("the denial alert carries no 'Start an improvement' button")
    view = _modal(_click(ctx, Action.KPI_IMPROVE, button["value"], channel=channel, ts=ts))
    problem = next(b["element"].get("initial_value") for b in view["blocks"] if b.get("block_id") == "idea_problem")
    out += ["", f"The manager clicks “Start an improvement” on the denial alert in #{channel}; the idea form opens "
            "filled in (then /pdsa start plans the cycle on this measure):", _indent(problem or "")]
    return "\n".join(out)
