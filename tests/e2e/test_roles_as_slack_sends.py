"""``/opsbot roles grant`` as Slack delivers it with our manifest (issue 13 finding 4, issue 14),
and roles held through user groups while ``usergroups.users.list`` is rate-limited (finding 5).

Commands go through ``LocalSlack`` with a stand-in directory: what the admin *types* is turned
into what Slack sends by ``devtools.standin.directory.deliver_text`` from manifest.yml's
``should_escape`` (true for /opsbot: ``@nurse.jane`` → ``<@U0JANE|nurse.jane>``, Slack's
documented escaping). The unescaped typed form (an app made with ``should_escape: false``) is
sent raw and must be resolved through ``users.list`` after the acknowledgement.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from devtools.asking import LocalSlack
from devtools.standin.directory import Directory
from storage.db import session_scope
from storage.models import Clinic, RoleGrant
from tests.e2e.slack_payloads import local_slack

pytestmark = pytest.mark.e2e

ORG = """
clinics:
  - {key: north, name: North Family Practice, timezone: UTC}
roles:
  admin: [U0ADMIN]
  finance: [S0FIN]
"""
PEOPLE = Directory(users={"nurse.jane": "U0JANE", "cfo": "U0CFO", "admin": "U0ADMIN"},
                   groups={"nurses": ("S0NURSES", ["U0JANE"]), "finance": ("S0FIN", ["U0CFO", "U0AP"])})


@pytest.fixture
def bot(db_url: str, tmp_path: Path) -> Iterator[LocalSlack]:
    def seed(s: Session) -> None:
        s.add(Clinic(key="north", name="North Family Practice", name_folded="north family practice", timezone="UTC"))

    with local_slack(db_url, ORG, tmp_path, seed) as local:
        PEOPLE.install(local.standin)
        local.app._opsbot_ctx.access.groups.clear()  # type: ignore[union-attr]  # the start-up listing ran before
        local.user_id = "U0ADMIN"
        yield local


def said(result) -> str:  # type: ignore[no-untyped-def]
    ack = result.ack_body.get("text", "") if isinstance(result.ack_body, dict) else result.ack_body
    return "\n".join([ack or ""] + [json.dumps(r) for r in result.replies])


def grants(bot: LocalSlack) -> set[tuple[str, str, str]]:
    with session_scope(bot.sessions) as s:
        return {tuple(r) for r in s.execute(select(RoleGrant.subject, RoleGrant.role, RoleGrant.clinic_key)).all()}


def test_a_typed_mention_is_delivered_escaped_and_granted(bot: LocalSlack) -> None:
    bot.directory = PEOPLE  # the admin types "@nurse.jane"; Slack sends <@U0JANE|nurse.jane>
    result = bot.command("/opsbot roles grant @nurse.jane manager north")
    assert "Granted manager at north to <@U0JANE>" in said(result)
    group = bot.command("/opsbot roles grant @nurses clinician north")
    assert "Granted clinician at north to <!subteam^S0NURSES>" in said(group)
    assert grants(bot) == {("U0JANE", "manager", "north"), ("S0NURSES", "clinician", "north")}
    assert bot.standin.calls_to("users.list") == []  # Slack resolved the names: no look-up needed


def test_an_unescaped_typed_name_is_resolved_after_the_ack(bot: LocalSlack) -> None:
    result = bot.command("/opsbot roles grant @Nurse.Jane manager north")  # raw, as should_escape: false sends it
    assert result.ack_status == 200
    assert "Granted manager at north to <@U0JANE>" in said(result)
    assert len(bot.standin.calls_to("users.list")) == 1
    unknown = bot.command("/opsbot roles grant @nobody manager north")
    assert "can't find anyone called `@nobody`" in said(unknown)
    assert grants(bot) == {("U0JANE", "manager", "north")}


def test_organisation_wide_grants_need_no_clinic(bot: LocalSlack) -> None:
    for text, answer in (("/opsbot roles grant <@U0CFO|cfo> finance", "Granted finance organisation-wide to <@U0CFO>"),
                         ("/opsbot roles grant <@U0JANE> admin", "Granted admin organisation-wide to <@U0JANE>"),
                         ("/opsbot roles grant U0AP finance *", "Granted finance organisation-wide to <@U0AP>")):
        assert answer in said(bot.command(text)), text
    assert "organisation-wide" in said(bot.command("/opsbot roles grant <@U0JANE> admin north"))
    assert grants(bot) == {("U0CFO", "finance", "*"), ("U0JANE", "admin", "*"), ("U0AP", "finance", "*")}
    bot.user_id = "U0JANE"  # the new admin can now manage roles
    assert "Revoked finance organisation-wide from <@U0AP>" in said(bot.command("/opsbot roles revoke <@U0AP> finance"))


def test_a_grant_names_a_clinic_of_the_org_file_or_the_database(bot: LocalSlack) -> None:
    with session_scope(bot.sessions) as s:  # loaded by a feed, not in the organisation file
        s.add(Clinic(key="south", name="South Clinic", name_folded="south clinic", timezone="UTC"))
    assert "Granted manager at south to <@U0JANE>" in said(bot.command("/opsbot roles grant <@U0JANE> manager south"))
    refused = said(bot.command("/opsbot roles grant <@U0JANE> manager nowhere"))
    assert "There is no clinic with the key `nowhere`." in refused
    assert grants(bot) == {("U0JANE", "manager", "south")}


def test_group_roles_survive_a_rate_limited_refresh(bot: LocalSlack) -> None:
    access = bot.app._opsbot_ctx.access  # type: ignore[union-attr]
    bot.user_id = "U0CFO"
    assert "finance (organisation)" in said(bot.command("/opsbot roles"))  # first listing succeeded
    listed = len(bot.standin.calls_to("usergroups.users.list"))
    access.groups.ttl = 0.0  # every look-up now finds the group stale
    bot.standin.inject("usergroups.users.list", status=429, retry_after=30, times=1000)
    for user in ("U0CFO", "U0AP", "U0CFO"):
        bot.user_id = user
        assert "finance (organisation)" in said(bot.command("/opsbot roles")), user
    # one refresh tried and refused with Retry-After: 30; no retry before those 30 s pass
    assert [c.status for c in bot.standin.calls_to("usergroups.users.list")[listed:]] == [429]
    bot.user_id = "U0JANE"
    assert "You hold no role" in said(bot.command("/opsbot roles"))


def test_membership_events_update_the_cached_group(bot: LocalSlack) -> None:
    from devtools.signing import event_body

    bot.user_id = "U0NEW"
    assert "You hold no role" in said(bot.command("/opsbot roles"))
    bot.standin.inject("usergroups.users.list", status=429, retry_after=30, times=1000)
    body = event_body({"type": "subteam_members_changed", "subteam_id": "S0FIN", "added_users": ["U0NEW"],
                       "removed_users": ["U0CFO"]})
    bot._dispatch(body, 10)
    assert "finance (organisation)" in said(bot.command("/opsbot roles"))
    bot.user_id = "U0CFO"
    assert "You hold no role" in said(bot.command("/opsbot roles"))


def test_a_failed_name_look_up_is_explained(bot: LocalSlack) -> None:
    bot.standin.stub("users.list", {"ok": False, "error": "missing_scope"})
    result = bot.command("/opsbot roles grant @nurse.jane manager north")
    assert "could not look up `@nurse.jane` in Slack just now (missing_scope)" in said(result)
    assert "users:read" in said(result) and "went wrong" not in said(result)
