"""App Home tab: ``app_home_opened`` → ``views.publish`` of the person's improvement overview."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt import App
from slack_sdk import WebClient

from bot.ideas import pdsa, service
from bot.ideas.states import OPEN, IdeaState
from bot.views.home import PER_SECTION, home_view
from storage.db import session_scope
from storage.models import utcnow

if TYPE_CHECKING:
    from bot.context import AppContext


def build_home(ctx: AppContext, user_id: str) -> dict:
    """The Home view for ``user_id`` (one session; each list capped just past what is shown)."""
    now, cap = utcnow(), PER_SECTION + 1
    with session_scope(ctx.sessions) as s:
        mine = service.list_cards(s, now, submitter=user_id, limit=cap)
        cycles = pdsa.list_cycles(s, owner=user_id, limit=cap)
        open_ideas = service.list_cards(s, now, states=OPEN, limit=cap)
        adopted = service.list_cards(s, now, states=[IdeaState.ADOPTED, IdeaState.ADAPTED], limit=10)
    return home_view(mine, cycles, open_ideas, adopted)


def register(app: App, ctx: AppContext) -> None:
    @app.event("app_home_opened")
    def on_home(event: dict, client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        client.views_publish(user_id=event["user"], view=build_home(ctx, event["user"]))
