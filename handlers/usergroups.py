"""``subteam_created`` / ``subteam_members_changed`` / ``subteam_updated``: keep the cached members
of user groups current (``bot.access.resolver.GroupCache``), so a role held through a group
follows Slack without a Web API call on any request's path to its acknowledgement."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.context import AppContext

log = logging.getLogger(__name__)
EVENTS = ("subteam_created", "subteam_members_changed", "subteam_updated")


def register(app: App, ctx: AppContext) -> None:
    def on_subteam(ack: Any, event: dict[str, Any]) -> None:
        ack()
        access = getattr(ctx, "access", None)
        gid = access.groups.apply_event(event) if access is not None else None
        log.info("user group %s: %s", gid or "?", event.get("type"))

    for name in EVENTS:
        app.event(name)(on_subteam)
