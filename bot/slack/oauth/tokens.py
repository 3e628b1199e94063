"""The bot token for jobs (scheduler process) in OAuth mode: the organisation's newest installed
bot, rotated first when it is about to expire (the rotated token is saved, encrypted)."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import ConfigurationError
from bot.settings import Settings
from bot.slack.oauth import ROTATE_MINUTES_BEFORE_EXPIRY, installation_store_for
from storage.db import session_scope
from storage.models import SlackBot

log = logging.getLogger(__name__)


def installed_bot_token(settings: Settings, sessions: sessionmaker[Session]) -> str:
    """The bot token of the newest installation (org-wide or workspace), rotated if needed.

    Raises:
        ConfigurationError: nothing installed yet, or the stored token cannot be decrypted.
    """
    store = installation_store_for(settings, sessions)
    with session_scope(sessions) as s:
        owner = s.execute(select(SlackBot.enterprise_id, SlackBot.team_id, SlackBot.is_enterprise_install)
                          .where(SlackBot.client_id == store.client_id, SlackBot.bot_token_enc.is_not(None))
                          .order_by(SlackBot.installed_at.desc(), SlackBot.id.desc()).limit(1)).first()
    if owner is None:
        raise ConfigurationError("No Slack installation yet: open /slack/install to install the app")
    bot = store.find_bot(enterprise_id=owner[0], team_id=owner[1], is_enterprise_install=owner[2])
    assert bot is not None and bot.bot_token is not None
    if bot.bot_refresh_token:
        rotator = TokenRotator(client_id=settings.slack_client_id or "",
                               client_secret=settings.secret("slack_client_secret") or "",
                               client=WebClient(base_url=settings.slack_api_url, timeout=10))
        fresh = rotator.perform_bot_token_rotation(bot=bot, minutes_before_expiration=ROTATE_MINUTES_BEFORE_EXPIRY)
        if fresh is not None:
            store.save_bot(fresh)
            log.info("bot token rotated for enterprise=%s team=%s", owner[0], owner[1])
            return str(fresh.bot_token)
    return bot.bot_token
