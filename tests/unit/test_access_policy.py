"""Roles config, the permission decision, request classification and payload bounds (pure).

Expected decisions come from the issue's rules: everyone submits/upvotes and asks access and
inventory KPIs; revenue-cycle KPIs need finance or manager; idea states and alerts need manager;
roles and data need admin; a clinic grant covers its clinic only.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.access.classify import classify
from bot.access.kpi_domains import DOMAIN_OF, is_restricted
from bot.access.policy import Permission as P
from bot.access.policy import decide
from bot.access.resolver import GroupCache, InlineExecutor, RoleResolver
from bot.access.roles import ORG, Grant, Role, RolesConfig, parse_subject
from bot.errors import ConfigurationError
from bot.kpi.catalogue import CATALOGUE
from bot.orgconfig import OrgConfig, load_org_config
from bot.slack.middleware import bounds
from devtools.signing import block_actions_payload

MGR_NORTH, FIN_ORG, ADMIN = Grant(Role.MANAGER, "north"), Grant(Role.FINANCE, ORG), Grant(Role.ADMIN)


@pytest.mark.parametrize(("grants", "permission", "clinic", "allowed"), [
    ((), P.SUBMIT_IDEA, None, True), ((), P.UPVOTE, "north", True), ((), P.VIEW_KPI, None, True),
    ((), P.VIEW_REVENUE, "north", False), ((MGR_NORTH,), P.VIEW_REVENUE, "north", True),
    ((MGR_NORTH,), P.VIEW_REVENUE, "south", False), ((MGR_NORTH,), P.VIEW_REVENUE, None, False),
    ((FIN_ORG,), P.VIEW_REVENUE, None, True), ((FIN_ORG,), P.VIEW_REVENUE, "south", True),
    ((FIN_ORG,), P.MANAGE_IDEAS, "north", False), ((MGR_NORTH,), P.MANAGE_IDEAS, "north", True),
    ((MGR_NORTH,), P.MANAGE_ALERTS, "south", False), ((Grant(Role.CLINICIAN, "north"),), P.MANAGE_ALERTS, "north", False),
    ((MGR_NORTH,), P.MANAGE_ROLES, None, False), ((ADMIN,), P.MANAGE_ROLES, None, True),
    ((ADMIN,), P.VIEW_REVENUE, "south", True), ((FIN_ORG, MGR_NORTH), P.ADMIN, None, False),
])
def test_decisions_follow_the_rules(grants, permission, clinic, allowed) -> None:  # type: ignore[no-untyped-def]
    assert decide(grants, permission, clinic).allowed is allowed


def test_a_refusal_names_the_role_and_the_scope_politely() -> None:
    d = decide([MGR_NORTH], P.VIEW_REVENUE, None)
    assert not d.allowed and d.message.startswith("Sorry")
    assert "*finance* or *manager*" in d.message and "organisation-wide" in d.message
    assert d.reason == "needs admin|finance|manager (organisation)"
    assert "*admin*" in decide([], P.MANAGE_ROLES).message


def test_roles_config_accepts_lists_clinic_maps_and_slack_mentions() -> None:
    cfg = RolesConfig.model_validate({"admin": ["U0ADMIN"], "finance": ["S0FIN"],
                                      "manager": {"north": ["<@U0MGR|mgr>"], "*": ["<!subteam^S0LEADS|@leads>"]}})
    assert sorted(cfg.grants()) == sorted([("U0ADMIN", ADMIN), ("S0FIN", FIN_ORG), ("U0MGR", MGR_NORTH),
                                           ("S0LEADS", Grant(Role.MANAGER, ORG))])
    with pytest.raises(ValidationError):
        RolesConfig.model_validate({"admin": {"north": ["U0X"]}})  # admin is organisation-wide
    with pytest.raises(ValidationError):
        RolesConfig.model_validate({"finance": ["jane"]})
    assert parse_subject("u0abc") == "U0ABC"


def test_org_config_rejects_roles_for_unknown_clinics(tmp_path: Path) -> None:
    bad = tmp_path / "org.yml"
    bad.write_text("clinics: [{key: north, name: N}]\nroles: {manager: {south: [U0X]}}\n")
    with pytest.raises(ConfigurationError, match="south"):
        load_org_config(bad)
    assert OrgConfig().roles.grants() == []  # no roles section: nobody holds a role


def test_user_groups_are_resolved_and_cached_for_the_ttl() -> None:
    calls: list[str] = []
    now = [0.0]

    def lister(group: str) -> list[str]:
        calls.append(group)
        return ["U0CFO"]

    resolver = RoleResolver(RolesConfig.model_validate({"finance": ["S0FIN"]}), GroupCache(lister, 60, lambda: now[0], executor=InlineExecutor()))
    assert resolver.grants_for(None, "U0CFO") == {FIN_ORG}
    assert resolver.grants_for(None, "U0NURSE") == frozenset()
    assert calls == ["S0FIN"]  # the second look-up came from the cache
    now[0] = 61.0
    resolver.grants_for(None, "U0CFO")
    assert calls == ["S0FIN", "S0FIN"]


def test_a_failing_group_lookup_fails_closed() -> None:
    def broken(_group: str) -> list[str]:
        raise RuntimeError("missing_scope")

    resolver = RoleResolver(RolesConfig.model_validate({"admin": ["S0ADMINS"]}), GroupCache(broken, executor=InlineExecutor()))
    assert resolver.grants_for(None, "U0ANY") == frozenset()


def test_revenue_domain_matches_the_spec_sections(shared_dir: Path) -> None:
    spec = (shared_dir / "spec" / "kpis.md").read_text(encoding="utf-8")
    revenue = spec.split("## Revenue cycle", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"^- \*\*([a-z-]+)\*\*", revenue, re.M))
    assert {k for k, d in DOMAIN_OF.items() if d == "revenue"} == named
    assert set(DOMAIN_OF) == {k.id for k in CATALOGUE}
    assert is_restricted("denial-rate") and not is_restricted("no-show-rate") and is_restricted("unknown-kpi")


def test_classified_arguments_never_carry_free_text() -> None:
    typed = "status 12 declined patient MRN 4455 Jane Doe"
    need = classify({"command": "/idea", "text": typed})
    assert (need.action, need.permission, need.locate, need.target) == ("/idea status", P.MANAGE_IDEAS, ("idea", 12), "idea:12")
    assert need.args == "<id> declined reason=<text>"
    kpi = classify({"command": "/kpi", "text": "denial-rate clinic Jane Doe Memorial last month by payer"})
    assert kpi.permission is P.VIEW_REVENUE and kpi.args == "denial-rate clinic=<name> period=relative by=payer"
    for text in ("clinic 'Jane", "<!channel> DROP TABLE", "\x00\u202e"):
        shape = classify({"command": "/kpi", "text": text}).args or ""
        assert "Jane" not in shape and "DROP" not in shape and "\x00" not in shape


def test_buttons_and_modals_map_to_their_permission_and_object() -> None:
    ack = classify(block_actions_payload("alert_ack", "7"))
    assert (ack.permission, ack.locate) == (P.MANAGE_ALERTS, ("incident", 7))
    status = classify(block_actions_payload("idea_status:adopted", "3"))
    assert (status.permission, status.locate, status.action) == (P.MANAGE_IDEAS, ("idea", 3), "idea_status:adopted")
    share = classify(block_actions_payload("kpi_share", json.dumps({"q": "ccr clinic north"})))
    assert share.share_kpi == "clean-claim-rate" and share.permission is P.VIEW_REVENUE
    view = {"type": "view_submission", "view": {"callback_id": "alert_snooze_modal", "private_metadata": "9"}}
    assert classify(view).locate == ("incident", 9)
    assert classify(block_actions_payload("idea_upvote", "5")).permission is P.UPVOTE


def test_bounds_reject_oversized_bodies_and_fields() -> None:
    assert bounds.body_problem("x" * (bounds.MAX_BODY_BYTES + 1)).startswith("That request is too large")
    assert bounds.body_problem("x" * 100) is None
    assert "3,001 characters" in bounds.field_problem({"command": "/kpi", "text": "k" * 3001})
    assert bounds.field_problem({"command": "/kpi", "text": "k" * 3000}) is None
    long_value = block_actions_payload("idea_upvote", "9" * 2001)
    assert "button value" in bounds.field_problem(long_value)


def test_home_clinic_is_the_one_clinic_the_roles_together_scope_to() -> None:
    """README: "A user whose roles together scope them to exactly one clinic … gets that clinic by
    default", whatever the role; anyone with an organisation-wide role, no role, or roles at two
    clinics has none."""
    from bot.access.roles import ORG, Grant, Role, home_clinic

    assert home_clinic([Grant(Role.MANAGER, "seaside")]) == "seaside"
    assert home_clinic([Grant(Role.MANAGER, "seaside"), Grant(Role.FRONT_DESK, "seaside")]) == "seaside"
    assert home_clinic([Grant(Role.FINANCE, "seaside")]) == "seaside"  # finance of one clinic
    assert home_clinic([Grant(Role.FRONT_DESK, "north"), Grant(Role.CLINICIAN, "north")]) == "north"
    assert home_clinic([Grant(Role.MANAGER, "seaside"), Grant(Role.MANAGER, "north")]) is None
    assert home_clinic([Grant(Role.FINANCE, "seaside"), Grant(Role.CLINICIAN, "north")]) is None
    assert home_clinic([Grant(Role.MANAGER, "seaside"), Grant(Role.FINANCE, ORG)]) is None
    assert home_clinic([]) is None


def test_a_digest_preview_needs_a_revenue_role_only_in_a_finance_channel() -> None:
    need = classify({"command": "/digest", "text": "preview north"})
    assert need.permission is P.VIEW_KPI and need.in_finance_channel is P.VIEW_REVENUE
