"""Slack listeners, one module per surface, each with ``register(app, ctx)`` (CONVENTIONS §1)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.context import AppContext


def register_all(app: App, ctx: AppContext) -> None:
    """Register every surface's listeners on ``app``."""
    from handlers import admin, alerts, conversation, digest, fallback, home, ideas, improve, kpi, pdsa, usergroups

    for surface in (kpi, conversation, ideas, improve, pdsa, home, alerts, digest, admin, usergroups):
        surface.register(app, ctx)
    fallback.register(app, ctx)  # last: only commands and events no surface took
