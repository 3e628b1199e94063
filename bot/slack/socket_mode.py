"""Socket Mode runner (``opsbot socket``): no public URL needed, the bot dials out to Slack.

Uses Bolt's built-in ``SocketModeHandler``; its client calls ``apps.connections.open`` through
the app's ``WebClient`` (so ``SLACK_API_URL`` applies, e.g. the local stand-in) and reconnects
on ``disconnect`` frames.
"""

from __future__ import annotations

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.settings import Settings, require


def make_socket_handler(app: App, settings: Settings, *, ping_interval: float = 10) -> SocketModeHandler:
    """A handler for ``app`` (built with ``http_mode=False``).

    Raises:
        ConfigurationError: ``SLACK_APP_TOKEN`` is not set.
    """
    require(settings, "slack_app_token")
    return SocketModeHandler(app, app_token=settings.secret("slack_app_token"), ping_interval=ping_interval,
                             concurrency=max(4, settings.listener_threads // 4))
