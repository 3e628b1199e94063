"""examples/org.yml (the README's starting point) is a valid organisation file with valid alert
settings, and names what the README says it does."""

from __future__ import annotations

from pathlib import Path

from bot.access.roles import Grant, Role
from bot.orgconfig import load_org_config

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "org.yml"


def test_the_example_organisation_file_loads() -> None:
    org = load_org_config(EXAMPLE)
    assert [c.key for c in org.clinics] == ["north", "south"]
    assert org.clinic("north").timezone == "America/New_York"  # type: ignore[union-attr]
    assert not any(g.role is Role.ADMIN for _s, g in org.roles.grants())  # the README's bootstrap names the admin
    assert ("S0FINANCE", Grant(Role.FINANCE)) in org.roles.grants()
    assert org.target_for("no-show-rate", "north").max == 0.08  # type: ignore[union-attr]
    alerts = org.alerts
    assert alerts.stale_data.feeds == {"appointments": 30}
