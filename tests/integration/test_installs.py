"""The database installation and OAuth state stores on both databases: tokens encrypted at rest,
workspace and org-wide (Enterprise Grid) installs, token rotation in place, revocation clean-up,
one-time states; and the scheduler's installed bot token with rotation against the stand-in."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import ConfigurationError
from bot.settings import load_settings
from bot.slack.oauth import DbInstallationStore, DbOAuthStateStore, TokenCipher
from devtools.standin import SlackStandIn
from storage.db import session_scope
from storage.models import OAuthState, SlackBot, SlackInstallation, utcnow

KEY = Fernet.generate_key().decode()
BOT, REFRESH, USER = "xoxb-T1-bot-secret-1", "xoxe-1-refresh-secret", "xoxp-T1-user-secret"


def store(sessions: sessionmaker[Session]) -> DbInstallationStore:
    return DbInstallationStore(sessions, TokenCipher(KEY), "111.222")


def install(team: str | None = "T1", enterprise: str | None = None, org_wide: bool = False, bot: str = BOT,
            user: str = "U1", installed_at: float | None = None, **extra: object) -> Installation:
    return Installation(app_id="A1", enterprise_id=enterprise, team_id=team, team_name="Clinics",
                        bot_token=bot, bot_id="B1", bot_user_id="UB1", bot_scopes="commands,chat:write",
                        user_id=user, user_token=USER, user_scopes="", is_enterprise_install=org_wide,
                        installed_at=installed_at or time.time(), **extra)  # type: ignore[arg-type]


def raw_rows(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as s:
        rows = [str(tuple(r)) for r in s.execute(text("SELECT * FROM slack_installations"))]
        rows += [str(tuple(r)) for r in s.execute(text("SELECT * FROM slack_bots"))]
    return rows


def test_tokens_are_encrypted_at_rest_and_found_again(sessions: sessionmaker[Session]) -> None:
    st = store(sessions)
    st.save(install(bot_refresh_token=REFRESH, bot_token_expires_in=43200))
    rows = raw_rows(sessions)
    assert len(rows) == 2
    for secret in (BOT, REFRESH, USER, "xoxb", "xoxp", "xoxe"):
        assert all(secret not in row for row in rows)
    found = st.find_installation(enterprise_id=None, team_id="T1")
    assert found is not None and (found.bot_token, found.user_token, found.bot_refresh_token) == (BOT, USER, REFRESH)
    assert found.bot_scopes == ["commands", "chat:write"]
    assert abs(found.bot_token_expires_at - (time.time() + 43200)) < 60  # type: ignore[operator]
    bot = st.find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and bot.bot_token == BOT
    assert st.find_bot(enterprise_id=None, team_id="T2") is None


def test_org_wide_install_answers_for_every_workspace_of_the_org(sessions: sessionmaker[Session]) -> None:
    st = store(sessions)
    st.save(install(team="T1", enterprise="E1", org_wide=True))
    with sessions() as s:
        assert s.scalar(select(SlackInstallation.team_id)) is None  # stored org-wide
    for team in ("T1", "T77", None):
        found = st.find_installation(enterprise_id="E1", team_id=team, is_enterprise_install=True)
        assert found is not None and found.bot_token == BOT
    assert st.find_installation(enterprise_id="E2", team_id=None, is_enterprise_install=True) is None


def test_newest_install_wins_and_rotation_updates_in_place(sessions: sessionmaker[Session]) -> None:
    st = store(sessions)
    st.save(install(bot="xoxb-old", installed_at=time.time() - 3600))
    st.save(install(bot="xoxb-new", bot_refresh_token=REFRESH))
    bot = st.find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and bot.bot_token == "xoxb-new"
    bot.bot_token, bot.bot_token_expires_at = "xoxb-rotated", int(time.time()) + 43200
    st.save_bot(bot)  # what token rotation does: same installed_at
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(SlackBot)) == 2
    assert st.find_bot(enterprise_id=None, team_id="T1").bot_token == "xoxb-rotated"  # type: ignore[union-attr]
    assert st.find_installation(enterprise_id=None, team_id="T1").bot_token == "xoxb-rotated"  # type: ignore[union-attr]


def test_revocation_deletes_bot_then_everything(sessions: sessionmaker[Session]) -> None:
    st = store(sessions)
    st.save(install())
    st.save(install(team="T2", bot="xoxb-T2"))
    st.delete_bot(enterprise_id=None, team_id="T1")  # tokens_revoked (bot)
    assert st.find_bot(enterprise_id=None, team_id="T1") is None
    left = st.find_installation(enterprise_id=None, team_id="T1")
    assert left is not None and left.bot_token is None and left.user_token == USER
    st.delete_all(enterprise_id=None, team_id="T1")  # app_uninstalled
    assert st.find_installation(enterprise_id=None, team_id="T1") is None
    assert st.find_bot(enterprise_id=None, team_id="T2").bot_token == "xoxb-T2"  # type: ignore[union-attr]


def test_state_is_good_once_and_only_until_it_expires(sessions: sessionmaker[Session]) -> None:
    states = DbOAuthStateStore(sessions, expiration_seconds=600)
    state = states.issue()
    other = DbOAuthStateStore(sessions)  # another replica
    assert other.consume(state) is True
    assert other.consume(state) is False
    assert states.consume("never-issued") is False
    stale = states.issue()
    with session_scope(sessions) as s:
        s.execute(text("UPDATE slack_oauth_states SET expire_at = :t"), {"t": utcnow() - timedelta(seconds=1)})
    assert states.consume(stale) is False
    assert states.issue() and _count(sessions) == 1  # issuing sweeps the expired ones


def _count(sessions: sessionmaker[Session]) -> int:
    with sessions() as s:
        return int(s.scalar(select(func.count()).select_from(OAuthState)) or 0)


def test_scheduler_token_is_rotated_through_the_stand_in(sessions: sessionmaker[Session], db_url: str) -> None:
    from bot.slack.oauth.tokens import installed_bot_token

    with SlackStandIn() as slack:
        seen: list[dict] = []

        def refresh(params: dict) -> dict:
            seen.append(params)
            return {"ok": True, "access_token": "xoxe.xoxb-rotated-2", "refresh_token": "xoxe-1-refresh-2",
                    "expires_in": 43200, "token_type": "bot", "scope": "commands,chat:write",
                    "bot_user_id": "UB1", "app_id": "A1", "team": {"id": "T1"}, "enterprise": None}

        slack.stub("oauth.v2.access", refresh)
        settings = load_settings(SLACK_CLIENT_ID="111.222", SLACK_CLIENT_SECRET="shh", OPSBOT_ENCRYPTION_KEY=KEY,
                                 SLACK_API_URL=slack.base_url, DATABASE_URL=db_url)
        st = store(sessions)
        st.save(install(bot="xoxe.xoxb-expiring", bot_refresh_token=REFRESH,
                        bot_token_expires_at=int(time.time()) + 60))  # inside the rotation window
        assert installed_bot_token(settings, sessions) == "xoxe.xoxb-rotated-2"
        assert seen and seen[0]["grant_type"] == "refresh_token" and seen[0]["refresh_token"] == REFRESH
        assert installed_bot_token(settings, sessions) == "xoxe.xoxb-rotated-2"  # fresh now: no second call
        assert len(seen) == 1
        assert all("rotated-2" not in row for row in raw_rows(sessions))


def test_no_installation_yet_is_a_clear_error(sessions: sessionmaker[Session], db_url: str) -> None:
    from bot.slack.oauth.tokens import installed_bot_token

    settings = load_settings(SLACK_CLIENT_ID="111.222", SLACK_CLIENT_SECRET="shh", OPSBOT_ENCRYPTION_KEY=KEY,
                             DATABASE_URL=db_url)
    with pytest.raises(ConfigurationError, match="/slack/install"):
        installed_bot_token(settings, sessions)
