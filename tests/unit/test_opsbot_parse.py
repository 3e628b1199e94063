"""``/opsbot roles grant|revoke`` parsing: every form Slack can deliver (should_escape true or
false, https://api.slack.com/interactivity/slash-commands) and organisation-wide grants."""

from __future__ import annotations

import pytest

from bot.access.admin_commands import parse_opsbot
from bot.access.roles import ORG, Role
from devtools.standin.directory import Directory, deliver_text


@pytest.mark.parametrize(("text", "subject", "handle"), [
    ("roles grant <@U0JANE|nurse.jane> manager north", "U0JANE", None),  # should_escape: true
    ("roles grant <@U0JANE> manager north", "U0JANE", None),             # escaped without the name
    ("roles grant <!subteam^S0NURSES|@nurses> manager north", "S0NURSES", None),
    ("roles grant U0JANE manager north", "U0JANE", None),                # a pasted member ID
    ("roles grant @nurse.jane manager north", None, "nurse.jane"),       # should_escape: false, typed
    ("roles grant @Nurse_Jane-2 manager north", None, "nurse_jane-2"),
])
def test_every_delivered_form_of_a_person_is_accepted(text: str, subject: str | None, handle: str | None) -> None:
    req = parse_opsbot(text)
    assert (req.verb, req.subject, req.handle, req.role, req.clinic) == ("roles.grant", subject, handle,
                                                                         Role.MANAGER, "north")


@pytest.mark.parametrize("text", ["roles grant <@U0CFO> finance", "roles grant <@U0CFO> finance *",
                                  "roles grant <@U0CFO> FINANCE organisation", "roles grant @cfo finance org"])
def test_organisation_wide_grants_need_no_clinic(text: str) -> None:
    req = parse_opsbot(text)
    assert req.verb == "roles.grant" and req.clinic == ORG and req.role is Role.FINANCE, req.error


def test_admin_without_a_clinic_is_a_grant_and_bad_input_is_explained() -> None:
    assert parse_opsbot("roles grant <@U0JANE> admin").verb == "roles.grant"
    assert "Name a person" in (parse_opsbot("roles grant jane manager north").error or "")
    assert "Give the clinic by its key" in (parse_opsbot("roles grant <@U0JANE> manager no/rth").error or "")
    assert "Roles are" in (parse_opsbot("roles grant <@U0JANE> boss").error or "")


def test_the_stand_in_delivers_opsbot_text_as_the_manifest_says() -> None:
    people = Directory(users={"nurse.jane": "U0JANE"}, groups={"nurses": ("S0NURSES", [])})
    assert deliver_text("/opsbot", "roles grant @nurse.jane manager north", people) == \
        "roles grant <@U0JANE|nurse.jane> manager north"
    assert deliver_text("/opsbot", "roles grant @nurses clinician a&b", people) == \
        "roles grant <!subteam^S0NURSES|@nurses> clinician a&amp;b"
    assert deliver_text("/kpi", "no-show-rate @nurse.jane", people) == "no-show-rate @nurse.jane"  # should_escape: false
