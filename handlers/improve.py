""""Start an improvement" (issue 19): a button on an answer, an alert or a digest opens the idea
modal already filled with the KPI as the measure, the scope, the baseline and the driver."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.ideas.improve import ImprovementStart
from bot.ids import Action
from handlers.ideas import open_form

if TYPE_CHECKING:
    from bot.context import AppContext


def register(app: App, ctx: AppContext) -> None:
    @app.action(Action.KPI_IMPROVE)
    def on_improve(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        ack()
        start = ImprovementStart.from_value(action.get("value") or "")  # UsageError → the error pipeline
        open_form(client, ctx, body["trigger_id"], start.idea_values(ctx.org))
