"""``OAuthStateStore`` in the database: any replica can issue a state and any other consume it."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from slack_sdk.oauth.state_store import OAuthStateStore
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from storage.db import session_scope
from storage.models import OAuthState, utcnow

log = logging.getLogger(__name__)


class DbOAuthStateStore(OAuthStateStore):
    """One-time ``state`` values, valid ``expiration_seconds`` (Bolt's default 600 s)."""

    def __init__(self, sessions: sessionmaker[Session], expiration_seconds: int = 600) -> None:
        self.sessions = sessions
        self.expiration_seconds = expiration_seconds

    @property
    def logger(self) -> logging.Logger:
        return log

    def issue(self, *args: object, **kwargs: object) -> str:
        state = secrets.token_urlsafe(32)
        now = utcnow()
        with session_scope(self.sessions) as s:
            s.execute(delete(OAuthState).where(OAuthState.expire_at < now))  # tidy as we go
            s.add(OAuthState(state=state, expire_at=now + timedelta(seconds=self.expiration_seconds)))
        return state

    def consume(self, state: str) -> bool:
        """True once for a live state (deleted in the same statement, so two concurrent
        redirects with one state cannot both succeed); False when unknown or expired."""
        with session_scope(self.sessions) as s:
            result = s.execute(delete(OAuthState).where(OAuthState.state == state,
                                                        OAuthState.expire_at >= utcnow()))
            return result.rowcount == 1  # type: ignore[attr-defined]
