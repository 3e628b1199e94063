"""Tour steps for ideas/PDSA, alerts and the digest (``opsbot demo``; wired in :mod:`devtools.demo.tour`).

Each step drives the real Bolt app through :class:`devtools.asking.LocalSlack` as Slack would — a
signed slash command, the modal the bot opens (rendered from the stand-in's recorded
``views.open``), a signed ``view_submission`` or ``block_actions`` — and renders what the bot
posted (the stand-in's recorded ``chat.postMessage``/``chat.update`` calls) as text. Steps share
state through ``ctx.state`` (the idea id, its channel message, the alert deliveries).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from bot.render_text import render, render_reply

STAFF = "U0FRONTDESK"  # the staff member who submits the idea (the tour's user is the manager)
VOTERS = ("U0NURSE", "U0DOCTOR")
IMPROVEMENT_CHANNEL = "C0IMPROVEMENT"


def channel_id(prefix: str, clinic_key: str) -> str:
    """A Slack-style channel id for a clinic's channel (``C0ALERTSCEDARHILL``)."""
    return (prefix + "".join(ch for ch in clinic_key.upper() if ch.isalnum()))[:64]


def org_yaml(clinics: list[tuple[str, str, str]], owner: str) -> dict[str, Any]:
    """The demo organisation: every seeded clinic (key, name, IANA zone) with an alerts channel,
    the shared improvement channel and a digest channel; ``owner`` manages them all."""
    return {
        "organisation": "Demo Health Network",
        "clinics": [{"key": key, "name": name, "timezone": tz, "owner": owner,
                     "channels": {"alerts": channel_id("C0ALERTS", key), "improvement": IMPROVEMENT_CHANNEL,
                                  "digest": channel_id("C0DIGEST", key)}}
                    for key, name, tz in clinics],
    }


def _text(v: str) -> dict[str, Any]:
    return {"value": {"type": "plain_text_input", "value": v}}


def _select(v: str | None) -> dict[str, Any]:
    opt = {"text": {"type": "plain_text", "text": v}, "value": v} if v else None
    return {"value": {"type": "static_select", "selected_option": opt}}


def _indent(text: str, pad: str = "  │ ") -> str:
    return "\n".join(pad + line for line in text.splitlines())


def _posts(result: Any, method: str = "chat.postMessage") -> list[dict[str, Any]]:
    return [r for r in result.replies if r["via"] == method]


def _where(reply: dict[str, Any]) -> str:
    channel = str(reply.get("channel") or "")
    if reply["via"] == "response_url":
        return "only you can see this"
    return "direct message" if channel.startswith("D") else f"#{channel}"


def _show(result: Any, *methods: str) -> list[str]:
    """Each reply of the given methods, rendered, with where it went."""
    out = []
    for r in result.replies:
        if r["via"] in methods:
            out.append(f"→ {r['via']} ({_where(r)}):")
            out.append(_indent(render_reply(r)))
    return out


def _modal(result: Any) -> dict[str, Any]:
    opened = [r for r in result.replies if r["via"] == "views.open"]
    if not opened:
        texts = [r.get("text") for r in result.replies]
        raise RuntimeError(f"the bot opened no modal (ack {result.ack_text!r}, replies {texts})")
    return opened[-1]["view"]


def _submit(ctx: Any, view: dict[str, Any], values: dict[str, Any], user: str | None = None) -> Any:
    from devtools.signing import view_submission_payload

    payload = view_submission_payload(view["callback_id"], values, private_metadata=view.get("private_metadata", ""),
                                      user_id=user or ctx.local.user_id, blocks=view.get("blocks"))
    return ctx.local.interact(payload)


def _click(ctx: Any, action_id: str, value: str, *, channel: str, ts: str, user: str | None = None,
           block_id: str = "b", message: dict[str, Any] | None = None) -> Any:
    from devtools.signing import block_actions_payload

    payload = block_actions_payload(action_id, value, block_id=block_id, user_id=user or ctx.local.user_id,
                                    channel_id=channel, message_ts=ts, message=message,
                                    response_url=ctx.local.standin.new_response_url())
    return ctx.local.interact(payload)


# ---- ideas and PDSA (issue 5) ----------------------------------------------------------
def idea_form(ctx: Any) -> str:
    """``/idea`` opens the form; returns it rendered."""
    result = ctx.local.command("/idea")
    view = _modal(result)
    ctx.state["idea_form"] = view
    return "A front-desk colleague types /idea; the bot opens this form (views.open):\n" + _indent(render(view))


def _idea_values(ctx: Any, problem: str) -> dict[str, Any]:
    from bot.views.ideas import IdeaField

    return {IdeaField.TITLE: _text("Text reminders two days before visits"),
            IdeaField.PROBLEM: _text(problem),
            IdeaField.CHANGE: _text("Send an SMS reminder 48 hours before every booked visit, with a link to cancel."),
            IdeaField.CATEGORY: _select("scheduling"), IdeaField.CLINIC: _select(ctx.spike.clinic_key),
            IdeaField.KPI: _select("no-show-rate"),
            IdeaField.ANONYMOUS: {"value": {"type": "checkboxes", "selected_options": []}}}


def idea_refused(ctx: Any) -> str:
    """A submission naming a patient's record number is refused with a field error."""
    from sqlalchemy import func, select

    from storage.db import session_scope
    from storage.models import Idea

    view = ctx.state.get("idea_form") or _modal(ctx.local.command("/idea"))
    problem = "Pt MRN 48213377 missed her recall twice; Monday no-shows leave empty slots."
    result = _submit(ctx, view, _idea_values(ctx, problem), user=STAFF)
    body = result.ack_body if isinstance(result.ack_body, dict) else {}
    if body.get("response_action") != "errors":
        raise RuntimeError(f"the identifier guard did not refuse the draft: {result.ack_body!r}")
    with session_scope(ctx.local.sessions) as s:
        stored = s.scalar(select(func.count(Idea.id)))
    out = [f"Submitted with the problem: “{problem}”",
           "The bot answers the submission with field errors (response_action=errors); the form stays open:"]
    out += [f"  ✗ {block}: {msg}" for block, msg in body.get("errors", {}).items()]
    out.append(f"Ideas stored: {stored} — nothing was saved or posted.")
    return "\n".join(out)


def idea_posted(ctx: Any) -> str:
    """The clean submission is saved and posted; two colleagues upvote it."""
    from bot.ids import Action

    view = ctx.state.get("idea_form") or _modal(ctx.local.command("/idea"))
    result = _submit(ctx, view, _idea_values(ctx, "Monday no-shows leave empty slots we could have filled."),
                     user=STAFF)
    body = result.ack_body if isinstance(result.ack_body, dict) else {}
    posts = _posts(result)
    if body.get("response_action") != "update" or not posts:
        raise RuntimeError(f"the idea was not saved and posted: ack {result.ack_body!r}")
    post = posts[-1]
    idea_id = next(el["value"] for b in post["blocks"] for el in b.get("elements") or []
                   if el.get("action_id") == Action.IDEA_UPVOTE)
    msg = ctx.local.standin.messages.messages(post["channel"])[-1]
    ctx.state.update(idea_id=idea_id, idea_channel=post["channel"], idea_ts=msg["ts"])
    out = ["After the fix, the form closes with:", _indent(render(body["view"]))]
    out += _show(result, "chat.postMessage")
    last = None
    for voter in VOTERS:
        last = _click(ctx, Action.IDEA_UPVOTE, idea_id, channel=post["channel"], ts=msg["ts"], user=voter,
                      block_id=f"idea_{idea_id}")
    updates = _posts(last, "chat.update") if last else []
    if not updates:
        raise RuntimeError("the upvotes did not update the card")
    out.append("Two colleagues click Upvote; the card updates in place (chat.update):")
    out.append(_indent(render_reply(updates[-1])))
    return "\n".join(out)


def idea_moved(ctx: Any) -> str:
    """The manager moves the idea to under review (card button) and then to planned (/idea status)."""
    from bot.ids import Action

    idea_id, channel, ts = ctx.state["idea_id"], ctx.state["idea_channel"], ctx.state["idea_ts"]
    result = _click(ctx, f"{Action.IDEA_STATUS}:under_review", idea_id, channel=channel, ts=ts,
                    block_id=f"idea_{idea_id}")
    out = ["The clinic manager clicks “Under review” on the card:"]
    out += _show(result, "chat.update", "chat.postMessage")
    result = ctx.local.command(f"/idea status {idea_id} planned")
    out.append(f"…then plans it: /idea status {idea_id} planned")
    out += _show(result, "response_url", "chat.update", "chat.postMessage")
    if not result.replies:
        raise RuntimeError(f"/idea status answered nothing ({result.ack_text!r})")
    return "\n".join(out)


def pdsa_start(ctx: Any) -> str:
    """``/pdsa start <idea>``: the Plan form, submitted; the cycle summary DM."""
    from bot.views.pdsa import PdsaField

    idea_id = ctx.state["idea_id"]
    view = _modal(ctx.local.command(f"/pdsa start {idea_id}"))
    out = [f"/pdsa start {idea_id} opens the Plan half of the IHI worksheet:", _indent(render(view))]
    values: dict[str, Any] = {PdsaField.OBJECTIVE: _text("Cut Monday no-shows at the clinic"),
              PdsaField.QUESTIONS: _text("Do 48-hour SMS reminders reduce Monday no-shows?"),
              PdsaField.PREDICTIONS: _text("Monday no-shows fall by a fifth"),
              PdsaField.WHO: _text("Front desk"), PdsaField.WHAT: _text("SMS reminder 48 h before each visit"),
              PdsaField.WHEN: _text("4 weeks"), PdsaField.WHERE: _text("Monday clinics"),
              PdsaField.KPI: _select("no-show-rate"),
              PdsaField.DATA_PLAN: _text("Weekly no-show rate from /kpi no-show-rate"),
              PdsaField.NUMBER: _text("1")}
    result = _submit(ctx, view, values)
    body = result.ack_body if isinstance(result.ack_body, dict) else {}
    if body.get("response_action") == "errors":
        raise RuntimeError(f"the cycle was refused: {body.get('errors')}")
    posts = _posts(result)
    if not posts:
        raise RuntimeError("no cycle summary was sent")
    from sqlalchemy import func, select

    from storage.db import session_scope
    from storage.models import PdsaCycle

    with session_scope(ctx.local.sessions) as s:
        ctx.state["cycle_id"] = str(s.scalar(select(func.max(PdsaCycle.id)).where(PdsaCycle.idea_id == int(idea_id))))
    out.append("Submitted; the bot confirms by direct message:")
    out += _show(result, "chat.postMessage", "chat.update")
    return "\n".join(out)


def pdsa_update(ctx: Any) -> str:
    """``/pdsa update <cycle>``: Do, Study, Act = adopt; the idea closes as adopted."""
    from bot.views.pdsa import PdsaField

    cycle_id = ctx.state["cycle_id"]
    view = _modal(ctx.local.command(f"/pdsa update {cycle_id}"))
    out = [f"When the test is done, /pdsa update {cycle_id} opens Do / Study / Act:", _indent(render(view))]
    values: dict[str, Any] = {PdsaField.OBSERVATIONS: _text("Reminders went out on 19 of 20 clinic days."),
              PdsaField.STUDY: _text("Monday no-shows fell 24 % against the predicted 20 %."),
              PdsaField.ACT: {"value": {"type": "radio_buttons", "selected_option": {
                  "text": {"type": "plain_text", "text": "Adopt"}, "value": "adopt"}}}}
    result = _submit(ctx, view, values)
    body = result.ack_body if isinstance(result.ack_body, dict) else {}
    if body.get("response_action") == "errors":
        raise RuntimeError(f"the update was refused: {body.get('errors')}")
    out.append("Saved (Act: adopt); the summary, the card update and the submitter's notice:")
    out += _show(result, "chat.postMessage", "chat.update")
    return "\n".join(out)


def idea_show(ctx: Any) -> str:
    result = ctx.local.command(f"/idea show {ctx.state['idea_id']}")
    if not result.replies:
        raise RuntimeError(f"/idea show answered nothing ({result.ack_text!r})")
    return "\n".join(render_reply(r) for r in result.replies)


# ---- alerts (issue 6) ------------------------------------------------------------------
def _alert_settings(ctx: Any) -> Any:
    return ctx.local.app._opsbot_ctx.org.alerts  # the organisation file the app loaded


def _client(ctx: Any) -> Any:
    from bot.delivery import make_delivery_client

    return make_delivery_client("xoxb-local-demo-not-a-real-token", ctx.local.standin.base_url)


def alerts_posted(ctx: Any) -> str:
    """Evaluate every rule at the tour's clock (:meth:`TourContext.now`: after the data was loaded and
    the ideas submitted), deliver, render each posted alert."""
    from devtools.demo.alerts import alerts_demo_step

    org = ctx.local.app._opsbot_ctx.org
    before = len(ctx.local.standin.calls)
    run_ctx = SimpleNamespace(sessions=ctx.local.sessions, org=org, now=ctx.now(),  # after the loads and ideas
                              client=_client(ctx), alert_settings=_alert_settings(ctx))
    lines = alerts_demo_step(run_ctx)
    ctx.local.standin.wait_until_quiet(idle=0.2, timeout=10)
    posts = [c for c in ctx.local.standin.calls[before:] if c.method == "chat.postMessage"]
    if not posts:
        raise RuntimeError("no alert was posted: " + " / ".join(lines))
    names = {c.key: c.name for c in org.clinics}
    out = [lines[0], lines[-2], lines[-1], ""]
    rendered = [(call.params.get("channel"), render(call.params)) for call in posts]
    stale = [(ch, text) for ch, text in rendered if "no data: the" in text.lower()]
    for channel, text in [r for r in rendered if r not in stale] + stale[:1]:
        out.append(f"→ posted in #{channel}:")
        out.append(_indent(text))
        out.append("")
    if len(stale) > 1:
        out.append(f"(The same “no data” notice went to the other {len(stale) - 1} clinics' alerts channels.)")
    ctx.state["alert_posts"] = posts
    ctx.state["clinic_names"] = names
    return "\n".join(out).rstrip()


def alert_acknowledged(ctx: Any) -> str:
    """Click Acknowledge on the low-stock alert; render the in-place update."""
    from sqlalchemy import select

    from bot.ids import Action
    from storage.db import session_scope
    from storage.models import AlertIncident, Delivery

    rundown = ctx.report.event("supply_rundown")
    with session_scope(ctx.local.sessions) as s:
        inc = s.scalars(select(AlertIncident).where(AlertIncident.rule == "low_stock",
                                                    AlertIncident.clinic_key == rundown.clinic_key,
                                                    AlertIncident.title.contains(rundown.detail["sku"]))).first()
        if inc is None:
            raise RuntimeError("no low-stock incident for the planted run-down")
        root = s.scalars(select(Delivery).where(Delivery.key == inc.root_key)).one()
        incident_id, channel, ts = inc.id, root.message_channel or root.channel, root.message_ts
        payload = dict(root.payload or {})
    if channel is None or ts is None:
        raise RuntimeError("the low-stock alert has not been posted")
    result = _click(ctx, Action.ALERT_ACK, str(incident_id), channel=channel, ts=ts, block_id=f"alert:{incident_id}",
                    message={"ts": ts, "text": payload.get("text"), "blocks": payload.get("blocks")})
    updates = _posts(result, "chat.update")
    if not updates:
        ctx.local.standin.wait_for("chat.update", timeout=5)
        updates = [{"via": "chat.update", **c.params} for c in ctx.local.standin.calls_to("chat.update")
                   if c.params.get("ts") == ts]
    if not updates:
        raise RuntimeError("acknowledging did not update the alert message")
    return "\n".join([f"The manager clicks Acknowledge on the low-stock alert in #{channel}; "
                      "the same message is updated in place (chat.update):", _indent(render_reply(updates[-1]))])


# ---- digest (issue 7) ------------------------------------------------------------------
def digest(ctx: Any) -> str:
    from devtools.demo.digest import digest_demo_step

    run_ctx = SimpleNamespace(sessions=ctx.local.sessions, org=ctx.local.app._opsbot_ctx.org,
                              now=ctx.now(), client=_client(ctx), alert_settings=_alert_settings(ctx))
    lines = digest_demo_step(run_ctx)  # at the next 07:30 after now: after the alert was acknowledged
    if not any(line.startswith("Posted to") for line in lines):
        raise RuntimeError("no digest was posted: " + " / ".join(lines))
    clinic = ctx.spike.clinic_key  # the clinic with the most going on: spike, due date, idea
    result = ctx.local.command(f"/digest preview {clinic}")
    if not result.replies:
        raise RuntimeError(f"/digest preview answered nothing ({result.ack_text!r})")
    return "\n".join([*lines, "", f"The manager of {clinic} previews today's digest for that clinic "
                       f"(/digest preview {clinic}):", *(_indent(render_reply(r)) for r in result.replies)])
