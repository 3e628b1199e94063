"""Role boundaries end to end: signed requests through the real Bolt app (``create_app`` via
``LocalSlack``), Web API calls and ``response_url`` posts answered by the local Slack stand-in.

Roles (issue 8): everyone asks access/inventory KPIs, submits and upvotes ideas; revenue-cycle
KPIs need finance or manager; idea states and alerts need manager; roles and status need admin.
A clinic role covers its clinic only; views across clinics need an organisation role.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.ids import Action
from devtools.asking import LocalSlack
from devtools.signing import block_actions_payload
from storage.models import AlertAction, AlertIncident, AuditEvent, Clinic, Idea, IdeaVote, RoleGrant
from tests.e2e.slack_payloads import local_slack

pytestmark = pytest.mark.e2e

ORG = """
clinics:
  - {key: north, name: North Family Practice, timezone: UTC}
  - {key: south, name: South Clinic, timezone: UTC}
roles:
  admin: [U0ADMIN]
  finance: {"*": [S0FINORG], north: [U0FINNORTH]}
  manager: {north: [U0MGRNORTH]}
finance_channels: [C0FINANCE]
"""
REFUSED = "Sorry, you can't do that."


@pytest.fixture
def bot(db_url: str, tmp_path: Path) -> Iterator[LocalSlack]:
    def seed(s: Session) -> None:
        for key, name in (("north", "North Family Practice"), ("south", "South Clinic")):
            s.add(Clinic(key=key, name=name, name_folded=name.lower(), timezone="UTC"))
        s.flush()
        ids = dict(s.execute(select(Clinic.key, Clinic.id)).all())
        for n, key in enumerate(("north", "south"), start=1):
            s.add(Idea(id=n, clinic_id=ids[key], title=f"Idea {key}", title_folded=f"idea {key}", problem="p",
                       proposed_change="c", category="scheduling", created_date=date(2026, 11, 2),
                       submitter_user_id="U0NAMED"))
        s.add(AlertIncident(id=7, rule="compliance", clinic_key="south", subject="clia", title="CLIA renewal",
                            period="2026-11"))

    with local_slack(db_url, ORG, tmp_path, seed) as local:
        local.standin.stub("usergroups.users.list", lambda p: {
            "ok": True, "users": ["U0CFO"] if p.get("usergroup") == "S0FINORG" else []})
        local.app._opsbot_ctx.access.groups.clear()  # type: ignore[union-attr]  # listed at start, before the stub
        yield local


def said(result) -> str:  # type: ignore[no-untyped-def]
    """Everything the person was told: the acknowledgement and every reply."""
    ack = result.ack_body.get("text", "") if isinstance(result.ack_body, dict) else result.ack_body
    parts = [ack or ""] + [json.dumps(r) for r in result.replies]
    return "\n".join(parts)


def as_user(bot: LocalSlack, user: str, text: str, channel: str = "C0OPS"):  # type: ignore[no-untyped-def]
    bot.user_id, bot.channel_id = user, channel
    return bot.command(text)


def click(bot: LocalSlack, user: str, action_id: str, value: str, channel: str = "C0OPS"):  # type: ignore[no-untyped-def]
    payload = block_actions_payload(action_id, value, user_id=user, channel_id=channel,
                                    response_url=bot.standin.new_response_url())
    return bot.interact(payload)


def test_revenue_kpis_need_finance_or_manager_for_that_clinic(bot: LocalSlack) -> None:
    nurse = as_user(bot, "U0NURSE", "/kpi denial-rate clinic north")
    assert REFUSED in said(nurse) and "*finance* or *manager*" in said(nurse)
    assert "North Family Practice" in said(nurse) and not nurse.replies  # nothing computed
    north_fin = as_user(bot, "U0FINNORTH", "/kpi denial-rate clinic north")
    assert REFUSED not in said(north_fin) and "Denial rate" in said(north_fin)
    assert REFUSED in as_user(bot, "U0FINNORTH", "/kpi denial-rate clinic south").ack_text
    across = as_user(bot, "U0FINNORTH", "/kpi denial-rate by clinic")  # a clinic role, an org-wide view
    assert REFUSED in across.ack_text and "organisation-wide" in across.ack_text
    assert REFUSED not in said(as_user(bot, "U0MGRNORTH", "/kpi clean-claim-rate clinic north"))
    # organisation-wide finance through the user group S0FINORG (usergroups.users.list)
    cfo = as_user(bot, "U0CFO", "/kpi denial-rate by clinic")
    assert REFUSED not in said(cfo) and "Denial rate" in said(cfo)
    assert any(c.method == "usergroups.users.list" for c in bot.standin.calls)


def test_access_kpis_are_open_to_everyone_and_the_list_hides_revenue(bot: LocalSlack) -> None:
    answer = as_user(bot, "U0NURSE", "/kpi no-show-rate by clinic")
    assert REFUSED not in said(answer) and "No-show rate" in said(answer)
    nurse_list, cfo_list = said(as_user(bot, "U0NURSE", "/kpi")), said(as_user(bot, "U0CFO", "/kpi"))
    assert "No-show rate" in nurse_list and "Denial rate" not in nurse_list
    assert "No-show rate" in cfo_list and "Denial rate" in cfo_list


def test_idea_states_need_a_manager_of_the_ideas_clinic(bot: LocalSlack) -> None:
    refused = click(bot, "U0NURSE", f"{Action.IDEA_STATUS}:under_review", "1")
    assert any(REFUSED in (r.get("text") or "") for r in refused.replies)
    wrong_clinic = as_user(bot, "U0MGRNORTH", "/idea status 2 under review")
    assert REFUSED in wrong_clinic.ack_text and "South Clinic" in wrong_clinic.ack_text
    with bot.sessions() as s:
        assert s.scalars(select(Idea.state).order_by(Idea.id)).all() == ["new", "new"]
    allowed = as_user(bot, "U0MGRNORTH", "/idea status 1 under review")
    assert "now under review" in said(allowed).lower()
    # everyone may upvote
    click(bot, "U0NURSE", Action.IDEA_UPVOTE, "2")
    with bot.sessions() as s:
        assert s.scalars(select(Idea.state).order_by(Idea.id)).all() == ["under_review", "new"]
        assert s.scalar(select(func.count()).select_from(IdeaVote)) == 1


def test_alert_buttons_need_a_manager_of_the_alerts_clinic(bot: LocalSlack) -> None:
    for user in ("U0NURSE", "U0MGRNORTH"):  # a north manager cannot act on a south alert
        result = click(bot, user, Action.ALERT_ACK, "7")
        assert any(REFUSED in (r.get("text") or "") and "alerts" in r.get("text", "") for r in result.replies)
    with bot.sessions() as s:
        assert s.get(AlertIncident, 7).state == "open"
        assert s.scalar(select(func.count()).select_from(AlertAction)) == 0
    click(bot, "U0ADMIN", Action.ALERT_ACK, "7")
    with bot.sessions() as s:
        assert s.get(AlertIncident, 7).acknowledged_by == "U0ADMIN"


def test_share_to_channel_refuses_revenue_kpis_outside_finance_channels(bot: LocalSlack) -> None:
    value = json.dumps({"q": "denial-rate clinic north"})
    outside = click(bot, "U0FINNORTH", Action.KPI_SHARE, value, channel="C0GENERAL")
    assert any("finance channels" in (r.get("text") or "") for r in outside.replies)
    assert not [c for c in outside.calls if c.method == "chat.postMessage"]
    inside = click(bot, "U0FINNORTH", Action.KPI_SHARE, value, channel="C0FINANCE")
    posts = [c for c in inside.calls if c.method == "chat.postMessage"]
    assert [p.params["channel"] for p in posts] == ["C0FINANCE"]
    # an access KPI may go anywhere
    open_kpi = click(bot, "U0NURSE", Action.KPI_SHARE, json.dumps({"q": "no-show-rate"}), channel="C0GENERAL")
    assert [c.params["channel"] for c in open_kpi.calls if c.method == "chat.postMessage"] == ["C0GENERAL"]


def test_roles_are_managed_by_admins_and_merged_with_the_config(bot: LocalSlack) -> None:
    refused = as_user(bot, "U0MGRNORTH", "/opsbot roles grant U0NURSE manager north")
    assert REFUSED in said(refused) and "*admin*" in said(refused)
    assert REFUSED in as_user(bot, "U0NURSE", "/opsbot status").ack_text
    granted = as_user(bot, "U0ADMIN", "/opsbot roles grant <@U0NURSE|nurse> manager north")
    assert "Granted manager at north to <@U0NURSE>" in said(granted)
    assert "manager (north)" in said(as_user(bot, "U0NURSE", "/opsbot roles"))
    assert "now under review" in said(as_user(bot, "U0NURSE", "/idea status 1 under review")).lower()
    listing = said(as_user(bot, "U0ADMIN", "/opsbot roles list"))
    assert "finance (north)" in listing and "granted by <@U0ADMIN>" in listing
    assert "Revoked" in said(as_user(bot, "U0ADMIN", "/opsbot roles revoke U0NURSE manager north"))
    with bot.sessions() as s:
        assert s.scalar(select(func.count()).select_from(RoleGrant)) == 0
    assert REFUSED in as_user(bot, "U0NURSE", "/idea status 1 new").ack_text
    assert "There is no clinic" in said(as_user(bot, "U0ADMIN", "/opsbot roles grant U0NURSE manager mars"))
    assert "Database: reachable" in said(as_user(bot, "U0ADMIN", "/opsbot status"))


def test_every_request_is_audited_with_its_decision(bot: LocalSlack) -> None:
    as_user(bot, "U0NURSE", "/kpi denial-rate clinic north")
    as_user(bot, "U0FINNORTH", "/kpi denial-rate clinic north")
    with bot.sessions() as s:
        rows = [(r.user_id, r.action, r.target, r.decision) for r in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert rows == [("U0NURSE", "/kpi", "kpi:denial-rate", "refused"),
                    ("U0FINNORTH", "/kpi", "kpi:denial-rate", "allowed")]


def test_a_one_clinic_manager_gets_their_clinic_for_every_kpi_their_role_may_see(bot: LocalSlack) -> None:
    """README: "A user whose roles together scope them to exactly one clinic" gets it by default — for every KPI of the
    catalogue (revenue-cycle ones included: manager may see them), asked in words or by id,
    with the role from the organisation file or granted in Slack."""
    from bot.kpi.catalogue import CATALOGUE

    as_user(bot, "U0ADMIN", "/opsbot roles grant <@U0MGRSLACK> manager north")
    revenue = [k for k in CATALOGUE if k.domain == "revenue"]
    assert revenue and "denial rate" in [w for k in revenue for w in k.everyday[:1]]
    for manager in ("U0MGRNORTH", "U0MGRSLACK"):
        for kpi in CATALOGUE:
            for asked in (kpi.id, *kpi.everyday[:1]):  # the id, and the words people use
                answer = said(as_user(bot, manager, f"/kpi {asked}"))
                assert REFUSED not in answer, (manager, asked, answer[:400])
                assert "North Family Practice" in answer, (manager, asked, answer[:400])
                assert "South Clinic" not in answer


def test_a_refusal_names_the_role_the_kpi_needs_without_a_scope_the_person_cannot_widen(bot: LocalSlack) -> None:
    nurse = as_user(bot, "U0NURSE", "/kpi denial rate").ack_text
    assert REFUSED in nurse and "finance or manager role." in nurse
    assert "organisation-wide" not in nurse and "covers that clinic only" not in nurse

def test_finance_of_one_clinic_gets_that_clinic_by_default(bot: LocalSlack) -> None:
    """README: "A user whose roles together scope them to exactly one clinic (a manager, finance
    or front desk of one clinic …) gets that clinic by default": finance of North asking the
    denial rate unscoped is answered for North, not refused."""
    north_fin = said(as_user(bot, "U0FINNORTH", "/kpi denial rate"))
    assert REFUSED not in north_fin and "North Family Practice" in north_fin
    assert "South Clinic" not in north_fin


def test_a_digest_preview_shows_what_the_channel_gets_and_needs_a_revenue_role_only_in_a_finance_channel(
        bot: LocalSlack) -> None:
    """Outside finance channels a digest carries no revenue-cycle figure, so anyone may preview what
    the channel would get; in a finance channel it carries them: finance or manager for that clinic."""
    anyone = as_user(bot, "U0NURSE", "/digest preview south", channel="C0OPS")
    assert REFUSED not in said(anyone) and "Daily digest" in said(anyone) and "South Clinic" in said(anyone)
    in_finance = as_user(bot, "U0NURSE", "/digest preview south", channel="C0FINANCE")
    assert REFUSED in said(in_finance) and "Revenue-cycle figures need" in said(in_finance)
    assert not in_finance.replies
    cfo = as_user(bot, "U0CFO", "/digest preview south", channel="C0FINANCE")
    assert REFUSED not in said(cfo) and "Daily digest" in said(cfo)
    # a clinic role covers its clinic only, in a finance channel too
    assert REFUSED in said(as_user(bot, "U0FINNORTH", "/digest preview south", channel="C0FINANCE"))
    assert REFUSED not in said(as_user(bot, "U0FINNORTH", "/digest preview north", channel="C0FINANCE"))


def test_share_to_channel_says_where_revenue_figures_are_shown(bot: LocalSlack) -> None:
    answer = click(bot, "U0CFO", Action.KPI_SHARE, json.dumps({"q": "denial-rate clinic north"}), channel="C0OPS")
    text = said(answer)
    assert "Revenue-cycle figures are shown only in finance channels (<#C0FINANCE>); this channel is not one." in text
