"""``/pdsa``, the PDSA start/update modals and the reminder buttons (post update, snooze, close).

A cycle closes only through the update modal's Act decision (``pdsa.update_cycle``): the reminder's
"Close cycle" opens that modal with Act required."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.clinic_names import find_clinic
from bot.errors import UsageError
from bot.ideas import pdsa, service
from bot.ideas.commands import PDSA_HELP, parse_pdsa
from bot.ideas.kpis import kpi_choices
from bot.ideas.reminders import reminder_days
from bot.ideas.study import study_proposal
from bot.ids import Action, Callback, Command
from bot.phi_guard import check_fields, describe
from bot.slack import payload
from bot.text import require_id
from bot.views import pdsa as views
from bot.views.ideas import help_blocks
from handlers.idea_notify import after_move, dm, patterns
from storage.db import session_scope
from storage.models import utcnow

if TYPE_CHECKING:
    from bot.context import AppContext


START_BLOCKS = {**{k: str(v) for k, v in views.DRAFT_FIELDS.items()}, "kpi_id": str(views.PdsaField.KPI),
                "cycle_number": str(views.PdsaField.NUMBER)}
UPDATE_BLOCKS = {"observations": str(views.PdsaField.OBSERVATIONS), "study": str(views.PdsaField.STUDY),
                 "act": str(views.PdsaField.ACT)}


def _field_errors(texts: dict[str, str], ctx: AppContext) -> dict[str, str]:
    hits = check_fields(texts, patterns(ctx))
    return {str(views.DRAFT_FIELDS[k]): describe(v, k) for k, v in hits.items()}


def register(app: App, ctx: AppContext) -> None:
    @app.command(Command.PDSA)
    def on_pdsa(ack: Ack, command: dict, client: WebClient, respond: Respond) -> None:
        ack()
        req, user = parse_pdsa(command.get("text") or ""), command["user_id"]
        if req.verb == "help":
            respond(blocks=help_blocks(PDSA_HELP), text="How to use /pdsa", response_type="ephemeral")
            return
        with session_scope(ctx.sessions) as s:
            if req.verb == "start":
                assert req.target_id is not None  # parse_pdsa refuses start without an id
                idea = service.get_card(s, req.target_id, utcnow())
                taken = [c.cycle_number for c in pdsa.list_cycles(s) if c.idea_id == idea.id]
                view = views.start_form(idea, kpi_choices(), max(taken, default=0) + 1)
            elif req.verb == "update":
                assert req.target_id is not None  # parse_pdsa refuses update without an id
                view = views.update_form(pdsa.get_cycle(s, req.target_id), study_proposal(s, req.target_id, utcnow()))
            else:
                mine = req.scope == "mine"
                clinic = find_clinic(s, ctx.org, req.clinic) if req.clinic and not mine else None
                cycles = pdsa.list_cycles(s, owner=user if mine else None, clinic_key=clinic.key if clinic else None)
                heading = "My PDSA cycles" if mine else "PDSA cycles" + (f" at {clinic.name}" if clinic else "")
        if req.verb in ("start", "update"):
            client.views_open(trigger_id=command["trigger_id"], view=view)
            return
        for blocks in views.cycle_list(cycles, heading)[:5]:
            respond(blocks=blocks, text=heading, response_type="ephemeral", replace_original=False)

    @app.view(Callback.PDSA_START)
    def on_start(ack: Ack, body: dict, view: dict, client: WebClient) -> None:
        values, user = views.read_start_form(view), body["user"]["id"]
        number = values.pop("cycle_number")
        errors = _field_errors({k: v for k, v in values.items() if k != "kpi_id"}, ctx)
        if number and not (number.isascii() and number.isdigit() and len(number) <= 3):
            errors[str(views.PdsaField.NUMBER)] = ("Give the cycle number as a whole number from 1 to 999 "
                                                   "in plain digits, e.g. 1.")
        if errors:
            ack(response_action="errors", errors=errors)
            return
        idea_id = require_id(payload.metadata(view).get("idea_id"), "idea")  # UsageError → in the modal
        draft = payload.typed(pdsa.CycleDraft, START_BLOCKS, str(views.PdsaField.OBJECTIVE), idea_id=idea_id,
                              cycle_number=int(number) if number else None, **values)
        try:
            with session_scope(ctx.sessions) as s:
                card = pdsa.start_cycle(s, draft, user, utcnow(), patterns=patterns(ctx))
        except UsageError as exc:  # e.g. the cycle number is taken
            ack(response_action="errors", errors={str(views.PdsaField.NUMBER): exc.user_message[:300]})
            return
        ack()
        dm(client, user, f"PDSA cycle #{card.id} started (idea #{card.idea_id}, cycle {card.cycle_number}).",
           views.cycle_summary(card, ":seedling: Cycle started."))

    @app.view(Callback.PDSA_UPDATE)
    def on_update(ack: Ack, body: dict, view: dict, client: WebClient) -> None:
        values, user = views.read_update_form(view), body["user"]["id"]
        errors = _field_errors({"observations": values["observations"], "study": values["study"]}, ctx)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        # a value the form never offered (an Act outside its choices) is marked on its own input
        # before the close rules judge the decision
        update = payload.typed(pdsa.CycleUpdate, UPDATE_BLOCKS, str(views.PdsaField.OBSERVATIONS), **values)
        meta = payload.metadata(view)
        if errors := views.close_errors(values, meta.get("closing") is True):
            ack(response_action="errors", errors=errors)
            return
        cycle_id = require_id(meta.get("cycle_id"), "cycle")
        try:
            with session_scope(ctx.sessions) as s:
                result = pdsa.update_cycle(s, cycle_id, update, user, utcnow(), patterns(ctx))
        except UsageError as exc:
            ack(response_action="errors", errors={str(views.PdsaField.OBSERVATIONS): exc.user_message[:300]})
            return
        ack()
        note = ":memo: Update saved."
        if result.next_cycle:
            note += f" Cycle {result.next_cycle.cycle_number} opened as #{result.next_cycle.id}."
        dm(client, user, note, views.cycle_summary(result.cycle, note))
        if result.idea_change:
            after_move(client, result.idea_change, user)

    def open_update(body: dict, action: dict, client: WebClient, respond: Respond, *, closing: bool) -> None:
        with session_scope(ctx.sessions) as s:
            cycle_id = require_id(action.get("value"), "cycle")
            card = pdsa.get_cycle(s, cycle_id)
            proposal = study_proposal(s, cycle_id, utcnow()) if card.status == "open" else None
        if card.status != "open":
            respond(text=f"PDSA cycle #{card.id} is already closed ({card.act or 'no Act decision'}).",
                    response_type="ephemeral", replace_original=False)
            return
        client.views_open(trigger_id=body["trigger_id"], view=views.update_form(card, proposal, closing=closing))

    @app.action(Action.PDSA_POST_UPDATE)
    def on_post_update(ack: Ack, body: dict, action: dict, client: WebClient, respond: Respond) -> None:
        ack()
        open_update(body, action, client, respond, closing=False)

    @app.action(Action.PDSA_SNOOZE)
    def on_snooze(ack: Ack, action: dict, respond: Respond) -> None:
        ack()
        days = reminder_days(ctx.settings, ctx.org)
        with session_scope(ctx.sessions) as s:
            card = pdsa.snooze(s, require_id(action.get("value"), "cycle"), utcnow(), days)
        respond(text=f"Snoozed PDSA cycle #{card.id} for {days} days.", replace_original=True)

    @app.action(Action.PDSA_CLOSE)
    def on_close(ack: Ack, body: dict, action: dict, client: WebClient, respond: Respond) -> None:
        """The reminder's "Close cycle": the update form with the Act decision required, so the
        cycle closes through ``pdsa.update_cycle`` like every other close (the idea moves with it)."""
        ack()
        open_update(body, action, client, respond, closing=True)
