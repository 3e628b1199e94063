"""Slack OAuth install (issue 9): a workspace or an Enterprise Grid organisation installs the app
through ``GET /slack/install`` → Slack → ``GET /slack/oauth_redirect``; Bolt's ``OAuthFlow`` calls
``oauth.v2.access`` at ``SLACK_API_URL`` and stores the installation with
:class:`DbInstallationStore` (tokens encrypted with ``OPSBOT_ENCRYPTION_KEY``). State values live
in the database (:class:`DbOAuthStateStore`), so the install page and the redirect may be served
by different replicas. Token rotation (refresh tokens) runs through Bolt's
``InstallationStoreAuthorize`` with a client on ``SLACK_API_URL``; ``app_uninstalled`` and
``tokens_revoked`` delete what they revoke (``app.enable_token_revocation_listeners()``).

OAuth mode is on when ``SLACK_CLIENT_ID`` and ``SLACK_CLIENT_SECRET`` are both set; otherwise the
bot runs in single-token mode with ``SLACK_BOT_TOKEN``.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings, require
from bot.slack.oauth.crypto import TokenCipher
from bot.slack.oauth.installation_store import DbInstallationStore
from bot.slack.oauth.state_store import DbOAuthStateStore

__all__ = ["DbInstallationStore", "DbOAuthStateStore", "TokenCipher", "build_oauth_settings",
           "installation_store_for"]

log = logging.getLogger(__name__)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
ROTATE_MINUTES_BEFORE_EXPIRY = 10


def installation_store_for(settings: Settings, sessions: sessionmaker[Session]) -> DbInstallationStore:
    """The database installation store for this app.

    Raises:
        ConfigurationError: SLACK_CLIENT_ID or OPSBOT_ENCRYPTION_KEY missing or invalid.
    """
    if not settings.slack_client_id:
        require(settings, "slack_client_secret")
    cipher = TokenCipher(settings.secret("encryption_key"))
    return DbInstallationStore(sessions, cipher, settings.slack_client_id or "",
                               on_installed=lambda s, inst: _installer_becomes_admin(settings, s, inst))


def _installer_becomes_admin(settings: Settings, session: Session, installation: Any) -> None:
    """The person who installs the app becomes the first admin while nobody is (issue 13)."""
    from bot.access.bootstrap import grant_first_admin
    from bot.orgconfig import load_org_config
    from storage.models import utcnow

    try:
        roles = load_org_config(settings.opsbot_config).roles
        if grant_first_admin(session, roles, str(installation.user_id), "oauth install", utcnow()):
            log.warning("%s installed the app and is the first admin", installation.user_id)
    except Exception as exc:  # noqa: BLE001 - the install itself must succeed; the admin can be bootstrapped
        log.warning("installer not made admin (%s); run `opsbot roles bootstrap U…`", type(exc).__name__)


def build_oauth_settings(settings: Settings, sessions: sessionmaker[Session], client: WebClient) -> OAuthSettings:
    """Bolt ``OAuthSettings`` with the database stores and an authorizer whose token rotation and
    ``auth.test`` go to ``SLACK_API_URL`` (Bolt's default rotator would build a client on
    slack.com).

    Raises:
        ConfigurationError: a needed setting is missing (client id/secret, encryption key).
    """
    require(settings, "slack_client_secret", "encryption_key")
    store = installation_store_for(settings, sessions)
    oauth = OAuthSettings(
        client_id=settings.slack_client_id, client_secret=settings.secret("slack_client_secret"),
        scopes=[s.strip() for s in settings.slack_scopes.split(",") if s.strip()], user_scopes=[],
        redirect_uri=settings.slack_redirect_uri, install_path=INSTALL_PATH, redirect_uri_path=REDIRECT_PATH,
        installation_store=store, state_store=DbOAuthStateStore(sessions),
        token_rotation_expiration_minutes=ROTATE_MINUTES_BEFORE_EXPIRY, logger=log,
    )
    oauth.authorize = InstallationStoreAuthorize(
        logger=log, installation_store=store, client_id=settings.slack_client_id,
        client_secret=settings.secret("slack_client_secret"),
        token_rotation_expiration_minutes=ROTATE_MINUTES_BEFORE_EXPIRY, client=client,
        # per-process cache of auth.test answers keyed by token: a rotated or revoked token is a
        # different key (or no token at all), so the cache never outlives a token
        cache_enabled=True,
    )
    return oauth
