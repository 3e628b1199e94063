"""What a refused alert button says: an incident id with no row is "That alert no longer exists."
(not a role needed), and an organisation-wide incident (stale feeds, clinic key "organisation")
needs a role "organisation-wide" (the refusal sentence of ``bot.access.policy.decide``), never
"for organisation"."""

from __future__ import annotations

import pytest

from bot.ids import Action
from devtools.asking import LocalSlack
from storage.models import AlertIncident
from tests.e2e.test_roles_boundaries import REFUSED, bot, click, said  # noqa: F401  (fixture)

pytestmark = pytest.mark.e2e


def test_a_missing_alert_is_said_to_be_missing_not_to_need_a_role(bot: LocalSlack) -> None:  # noqa: F811
    for action in (Action.ALERT_ACK, Action.ALERT_SNOOZE):
        told = said(click(bot, "U0MGRNORTH", action, "999"))
        assert "That alert no longer exists." in told and REFUSED not in told


def test_an_organisation_wide_alert_needs_an_organisation_wide_role(bot: LocalSlack) -> None:  # noqa: F811
    with bot.sessions() as s:
        s.add(AlertIncident(id=8, rule="stale_data", clinic_key="organisation", subject="feeds",
                            title="No new data", period="2026-12-06"))
        s.commit()
    told = said(click(bot, "U0MGRNORTH", Action.ALERT_ACK, "8"))
    assert ("Sorry, you can't do that. Acknowledging, snoozing or assigning alerts needs the *manager* role "
            "organisation-wide.") in told
    assert "for organisation" not in told
    assert REFUSED not in said(click(bot, "U0ADMIN", Action.ALERT_ACK, "8"))
