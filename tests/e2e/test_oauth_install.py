"""OAuth install round trip against ``opsbot serve`` (OAuth mode) and the Slack stand-in, over real
sockets, on both databases: GET /slack/install sets the state cookie and links to Slack's
authorize URL; GET /slack/oauth_redirect makes the bot call ``oauth.v2.access`` at SLACK_API_URL
and store the installation encrypted; a slash command is then authorised from the stored
installation; a signed ``tokens_revoked`` removes the bot token and ``app_uninstalled`` the rest."""

from __future__ import annotations

import re
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from bot.slack.oauth.crypto import TokenCipher
from devtools.signing import event_body, slash_command_body
from devtools.standin import SlackStandIn
from storage.db import make_engine
from storage.models import SlackBot, SlackInstallation
from tests.e2e.conftest import BotProcess, bot_env, free_port, http, signed_post

pytestmark = pytest.mark.e2e
SECRET = "oauth-e2e-signing-secret"
KEY = Fernet.generate_key().decode()
INSTALLED = "xoxb-e2e-installed-bot-token-9f8e7d"
TEAM = "T0INSTALL"


def oauth_v2_access(params: dict) -> dict:
    """Slack's documented oauth.v2.access answer for a workspace install (bot token only)."""
    assert params.get("code") == "code-from-slack"
    return {"ok": True, "access_token": INSTALLED, "token_type": "bot", "scope": "commands,chat:write",
            "bot_user_id": "U0BOTINST", "app_id": "A0LOCAL", "team": {"name": "Clinics", "id": TEAM},
            "enterprise": None, "is_enterprise_install": False,
            "authed_user": {"id": "U0ADMIN", "scope": "", "token_type": "user"}}


def get(url: str, cookie: str | None = None) -> tuple[int, str, dict[str, str]]:
    req = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=10) as resp:
            return resp.status, resp.read().decode(), dict(resp.headers.items())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), dict(exc.headers.items())


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def test_install_store_encrypted_authorise_and_revoke(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    port = free_port()
    with SlackStandIn() as slack:
        slack.stub("oauth.v2.access", oauth_v2_access)
        env = bot_env(tmp_path, DATABASE_URL=db_url, SLACK_API_URL=slack.base_url, SLACK_SIGNING_SECRET=SECRET,
                      SLACK_CLIENT_ID="1111.2222", SLACK_CLIENT_SECRET="client-secret", OPSBOT_ENCRYPTION_KEY=KEY)
        with BotProcess(["serve", "--port", str(port), "--threads", "8"], env, tmp_path) as proc:
            base = f"http://127.0.0.1:{port}"
            proc.wait_http(base + "/healthz")

            status, page, headers = get(base + "/slack/install")
            assert status == 200, page
            cookie = headers["Set-Cookie"].split(";", 1)[0]
            assert cookie.startswith("slack-app-oauth-state=")
            state = cookie.split("=", 1)[1]
            url = re.search(r'href="(https://slack.com/oauth/v2/authorize\?[^"]+)"', page).group(1)  # type: ignore[union-attr]
            query = parse_qs(urlsplit(url.replace("&amp;", "&")).query)
            assert query["state"] == [state] and query["client_id"] == ["1111.2222"]
            assert "commands" in query["scope"][0].split(",")

            status, page, _ = get(f"{base}/slack/oauth_redirect?code=code-from-slack&state={state}", cookie)
            assert status == 200 and "Thank you" in page, page
            assert slack.calls_to("oauth.v2.access")[0].params["code"] == "code-from-slack"

            with engine.connect() as conn:
                rows = [str(tuple(r)) for r in conn.execute(text("SELECT * FROM slack_installations"))]
                rows += [str(tuple(r)) for r in conn.execute(text("SELECT * FROM slack_bots"))]
                stored = conn.execute(select(SlackInstallation.bot_token_enc, SlackInstallation.team_id)).one()
            assert rows and all(INSTALLED not in row for row in rows)
            assert TokenCipher(KEY).decrypt(stored[0]) == INSTALLED and stored[1] == TEAM

            status, _, _ = get(f"{base}/slack/oauth_redirect?code=code-from-slack&state={state}", cookie)
            assert status != 200  # a state is good once

            reply_url = slack.new_response_url()
            body = slash_command_body("/kpi", "help", team_id=TEAM, user_id="U0ADMIN", response_url=reply_url)
            assert signed_post(base + "/slack/events", SECRET, body)[0] == 200
            _wait(lambda: any(c.headers.get("X-Path", "") in reply_url for c in slack.response_posts), proc)

            revoked = event_body({"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["U0BOTINST"]}},
                                 team_id=TEAM)
            assert signed_post(base + "/slack/events", SECRET, revoked)[0] == 200
            _wait(lambda: _count(engine, SlackBot) == 0, proc)
            with engine.connect() as conn:
                assert conn.execute(select(SlackInstallation.bot_token_enc)).scalar_one() is None
            uninstalled = event_body({"type": "app_uninstalled"}, team_id=TEAM)
            assert signed_post(base + "/slack/events", SECRET, uninstalled)[0] == 200
            _wait(lambda: _count(engine, SlackInstallation) == 0, proc)
            assert INSTALLED not in proc.output()  # never logged
    engine.dispose()


def _count(engine, model) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return len(conn.execute(select(model.id)).all())


def _wait(probe, proc: BotProcess, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if probe():
            return
        time.sleep(0.05)
    pytest.fail(f"condition not met within {timeout}s:\n{proc.output()}")


def test_install_page_is_absent_in_single_token_mode(tmp_path: Path) -> None:
    from storage import migrate

    db = f"sqlite:///{tmp_path / 'single.db'}"
    migrate.upgrade(db)
    port = free_port()
    env = bot_env(tmp_path, DATABASE_URL=db, SLACK_API_URL="http://127.0.0.1:9/api/", SLACK_SIGNING_SECRET=SECRET,
                  SLACK_BOT_TOKEN="xoxb-single")
    with BotProcess(["serve", "--port", str(port)], env, tmp_path) as proc:
        proc.wait_http(f"http://127.0.0.1:{port}/healthz")
        assert http("GET", f"http://127.0.0.1:{port}/slack/install")[0] == 404
