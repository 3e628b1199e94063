"""slack_sdk ``InstallationStore`` on our own SQLAlchemy 2 models, tokens encrypted at rest.

Semantics follow slack_sdk's SQLAlchemy store (the reference implementation Bolt is tested with):
an install appends a row; the newest row for (client, enterprise, team[, user]) is current; a save
with the same ``installed_at`` (token rotation) updates that row; an org-wide install is stored
and found with ``team_id`` NULL. Every token column goes through :class:`TokenCipher`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from bot.slack.oauth.crypto import TokenCipher
from storage.db import session_scope
from storage.models import SlackBot, SlackInstallation

log = logging.getLogger(__name__)

SECRET_FIELDS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token", "incoming_webhook_url")


def _dt(epoch: float | int | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC).replace(tzinfo=None)


def _scopes(value: Any) -> str | None:
    if value is None:
        return None
    return ",".join(value) if not isinstance(value, str) else value


class DbInstallationStore(InstallationStore):
    """Installations and bots for one Slack app (``client_id``) in the database."""

    def __init__(self, sessions: sessionmaker[Session], cipher: TokenCipher, client_id: str,
                 on_installed: Callable[[Session, Installation], None] | None = None) -> None:
        self.sessions, self.cipher, self.client_id = sessions, cipher, client_id
        self.on_installed = on_installed  # e.g. the installer becomes the first admin (bot.access.bootstrap)

    @property
    def logger(self) -> logging.Logger:
        return log

    # saving ------------------------------------------------------------------------------
    def save(self, installation: Installation) -> None:
        i = installation
        team_id = None if i.is_enterprise_install else i.team_id
        values = dict(
            client_id=self.client_id, app_id=i.app_id, enterprise_id=i.enterprise_id,
            enterprise_name=i.enterprise_name, enterprise_url=i.enterprise_url, team_id=team_id,
            team_name=i.team_name, bot_id=i.bot_id, bot_user_id=i.bot_user_id, bot_scopes=_scopes(i.bot_scopes),
            bot_token_expires_at=_dt(i.bot_token_expires_at), user_id=i.user_id,
            user_scopes=_scopes(i.user_scopes), user_token_expires_at=_dt(i.user_token_expires_at),
            incoming_webhook_channel=i.incoming_webhook_channel,
            incoming_webhook_channel_id=i.incoming_webhook_channel_id,
            incoming_webhook_configuration_url=i.incoming_webhook_configuration_url,
            is_enterprise_install=bool(i.is_enterprise_install), token_type=i.token_type,
            installed_at=_dt(i.installed_at),
            **{f"{name}_enc": self.cipher.encrypt(getattr(i, name)) for name in SECRET_FIELDS},
        )
        with session_scope(self.sessions) as s:
            row = s.scalars(select(SlackInstallation).where(
                SlackInstallation.client_id == self.client_id,
                _eq(SlackInstallation.enterprise_id, i.enterprise_id),
                _eq(SlackInstallation.team_id, team_id), SlackInstallation.user_id == i.user_id,
                SlackInstallation.installed_at == values["installed_at"])).first()
            if row is None:
                s.add(SlackInstallation(**values))
            else:
                for key, value in values.items():
                    setattr(row, key, value)
            if self.on_installed is not None and i.user_id:
                self.on_installed(s, installation)
        self.save_bot(installation.to_bot())
        log.info("installation saved enterprise=%s team=%s org_wide=%s", i.enterprise_id, team_id,
                 bool(i.is_enterprise_install))

    def save_bot(self, bot: Bot) -> None:
        team_id = None if bot.is_enterprise_install else bot.team_id
        values: dict[str, Any] = dict(
            client_id=self.client_id, app_id=bot.app_id, enterprise_id=bot.enterprise_id,
            enterprise_name=bot.enterprise_name, team_id=team_id, team_name=bot.team_name,
            bot_token_enc=self.cipher.encrypt(bot.bot_token), bot_id=bot.bot_id, bot_user_id=bot.bot_user_id,
            bot_scopes=_scopes(bot.bot_scopes), bot_refresh_token_enc=self.cipher.encrypt(bot.bot_refresh_token),
            bot_token_expires_at=_dt(bot.bot_token_expires_at),
            is_enterprise_install=bool(bot.is_enterprise_install), installed_at=_dt(bot.installed_at),
        )
        with session_scope(self.sessions) as s:
            row = s.scalars(select(SlackBot).where(
                SlackBot.client_id == self.client_id, _eq(SlackBot.enterprise_id, bot.enterprise_id),
                _eq(SlackBot.team_id, team_id), SlackBot.installed_at == values["installed_at"])).first()
            if row is None:
                s.add(SlackBot(**values))
            else:
                for key, value in values.items():
                    setattr(row, key, value)
            # a rotated bot token replaces the one on its installation rows too
            for inst in s.scalars(select(SlackInstallation).where(
                    SlackInstallation.client_id == self.client_id, _eq(SlackInstallation.enterprise_id, bot.enterprise_id),
                    _eq(SlackInstallation.team_id, team_id),
                    SlackInstallation.installed_at == values["installed_at"])):
                inst.bot_token_enc, inst.bot_refresh_token_enc = values["bot_token_enc"], values["bot_refresh_token_enc"]
                inst.bot_token_expires_at = values["bot_token_expires_at"]

    # finding -----------------------------------------------------------------------------
    def find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                 is_enterprise_install: bool | None = False) -> Bot | None:
        if is_enterprise_install or team_id is None:
            team_id = None
        with session_scope(self.sessions) as s:
            row = s.scalars(select(SlackBot).where(
                SlackBot.client_id == self.client_id, _eq(SlackBot.enterprise_id, enterprise_id),
                _eq(SlackBot.team_id, team_id), SlackBot.bot_token_enc.is_not(None))
                .order_by(SlackBot.installed_at.desc(), SlackBot.id.desc()).limit(1)).first()
            return None if row is None else self._bot(row)

    def find_installation(self, *, enterprise_id: str | None, team_id: str | None,
                          user_id: str | None = None,
                          is_enterprise_install: bool | None = False) -> Installation | None:
        if is_enterprise_install or team_id is None:
            team_id = None
        stmt = select(SlackInstallation).where(
            SlackInstallation.client_id == self.client_id, _eq(SlackInstallation.enterprise_id, enterprise_id),
            _eq(SlackInstallation.team_id, team_id))
        if user_id is not None:
            stmt = stmt.where(SlackInstallation.user_id == user_id)
        with session_scope(self.sessions) as s:
            row = s.scalars(stmt.order_by(SlackInstallation.installed_at.desc(), SlackInstallation.id.desc())
                            .limit(1)).first()
            installation = None if row is None else self._installation(row)
        if installation is not None and (user_id is not None or installation.bot_token is None):
            # the newest bot token wins even when this user installed earlier (bolt-python#664)
            bot = self.find_bot(enterprise_id=enterprise_id, team_id=team_id,
                                is_enterprise_install=is_enterprise_install)
            if bot is not None and bot.bot_token != installation.bot_token:
                for name in ("bot_id", "bot_user_id", "bot_token", "bot_scopes", "bot_refresh_token",
                             "bot_token_expires_at"):
                    setattr(installation, name, getattr(bot, name))
        return installation

    # deleting (app_uninstalled, tokens_revoked) -------------------------------------------
    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        with session_scope(self.sessions) as s:
            s.execute(delete(SlackBot).where(SlackBot.client_id == self.client_id,
                                             _eq(SlackBot.enterprise_id, enterprise_id),
                                             _eq(SlackBot.team_id, team_id)))
            # the installation rows carry the bot token too: clear it there as well
            for row in s.scalars(select(SlackInstallation).where(
                    SlackInstallation.client_id == self.client_id,
                    _eq(SlackInstallation.enterprise_id, enterprise_id), _eq(SlackInstallation.team_id, team_id))):
                row.bot_token_enc = row.bot_refresh_token_enc = None
        log.info("bot token deleted enterprise=%s team=%s", enterprise_id, team_id)

    def delete_installation(self, *, enterprise_id: str | None, team_id: str | None,
                            user_id: str | None = None) -> None:
        stmt = delete(SlackInstallation).where(SlackInstallation.client_id == self.client_id,
                                               _eq(SlackInstallation.enterprise_id, enterprise_id),
                                               _eq(SlackInstallation.team_id, team_id))
        if user_id is not None:
            stmt = stmt.where(SlackInstallation.user_id == user_id)
        with session_scope(self.sessions) as s:
            s.execute(stmt)
        log.info("installation deleted enterprise=%s team=%s user=%s", enterprise_id, team_id, user_id or "*")

    def delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.delete_bot(enterprise_id=enterprise_id, team_id=team_id)
        self.delete_installation(enterprise_id=enterprise_id, team_id=team_id)

    # rows → slack_sdk entities -----------------------------------------------------------
    def _bot(self, row: SlackBot) -> Bot:
        # slack_sdk types bot_token, bot_id and bot_user_id as str; a row saved from a Bot has them all
        return Bot(app_id=row.app_id, enterprise_id=row.enterprise_id, enterprise_name=row.enterprise_name,
                   team_id=row.team_id, team_name=row.team_name,
                   bot_token=self.cipher.decrypt(row.bot_token_enc),  # type: ignore[arg-type]
                   bot_id=row.bot_id, bot_user_id=row.bot_user_id,  # type: ignore[arg-type]
                   bot_scopes=row.bot_scopes or "",
                   bot_refresh_token=self.cipher.decrypt(row.bot_refresh_token_enc),
                   bot_token_expires_at=row.bot_token_expires_at,
                   is_enterprise_install=row.is_enterprise_install, installed_at=row.installed_at)

    def _installation(self, row: SlackInstallation) -> Installation:
        plain: dict[str, Any] = {name: self.cipher.decrypt(getattr(row, f"{name}_enc")) for name in SECRET_FIELDS}
        return Installation(
            app_id=row.app_id, enterprise_id=row.enterprise_id, enterprise_name=row.enterprise_name,
            enterprise_url=row.enterprise_url, team_id=row.team_id, team_name=row.team_name,
            bot_id=row.bot_id, bot_user_id=row.bot_user_id, bot_scopes=row.bot_scopes or "",
            bot_token_expires_at=row.bot_token_expires_at, user_id=row.user_id,
            user_scopes=row.user_scopes or "", user_token_expires_at=row.user_token_expires_at,
            incoming_webhook_channel=row.incoming_webhook_channel,
            incoming_webhook_channel_id=row.incoming_webhook_channel_id,
            incoming_webhook_configuration_url=row.incoming_webhook_configuration_url,
            is_enterprise_install=row.is_enterprise_install, token_type=row.token_type,
            installed_at=row.installed_at, **plain)


def _eq(column: Any, value: str | None) -> Any:
    """``column = value``, or ``IS NULL`` for None (an org-wide install has no team)."""
    return column.is_(None) if value is None else column == value
