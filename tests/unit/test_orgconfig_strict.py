"""Issue 17: every section of the organisation file is typed and refuses unknown keys, with one
message naming the key path and the closest known key (difflib). The expected wording is the
issue's: "unknown key 'low_stok' in alerts — did you mean 'low_stock'?"."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigurationError
from bot.orgconfig import load_org_config

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "org.yml"
CLINICS = "clinics:\n  - {key: north, name: North Family Practice}\n  - {key: south, name: South Pediatrics}\n"

TYPOS = [  # (file text, the one message expected after "OPSBOT_CONFIG (<path>): ")
    ("alert:\n  low_stock: {stale_days: 3}\n",
     "unknown key 'alert' in the organisation file — did you mean 'alerts'?"),
    ("alerts:\n  low_stok: {stale_days: 3}\n",
     "unknown key 'low_stok' in alerts — did you mean 'low_stock'?"),
    ("digest: {kpiz: [no-show-rate]}\n",
     "unknown key 'kpiz' in digest — did you mean 'kpis'?"),
    ("alerts:\n  denial_spike: {min_claim: 50}\n",
     "unknown key 'min_claim' in alerts.denial_spike — did you mean 'min_claims'?"),
    ("alerts:\n  stale_data: {default_hour: 12}\n",
     "unknown key 'default_hour' in alerts.stale_data — did you mean 'default_hours'?"),
    (CLINICS + "alerts:\n  clinics:\n    north: {low_stock: {stale_day: 3}}\n",
     "unknown key 'stale_day' in alerts.clinics.north.low_stock — did you mean 'stale_days'?"),
    (CLINICS + "alerts:\n  clinics:\n    nort: {quiet_hours: null}\n",
     "unknown clinic key 'nort' in alerts.clinics — did you mean 'north'?"),
    ("clinics:\n  - {key: north, name: North, chanels: {alerts: C0A}}\n",
     "unknown key 'chanels' in clinics[north] — did you mean 'channels'?"),
    ("clinics:\n  - {key: north, name: North, channels: {alert: C0A}}\n",
     "unknown key 'alert' in clinics[north].channels — did you mean 'alerts'?"),
    ("targets:\n  no-show-rate: {mx: 0.1}\n",
     "unknown key 'mx' in targets.no-show-rate — did you mean 'max'?"),
    ("roles:\n  manger: [U0ABC]\n",
     "unknown key 'manger' in roles — did you mean 'manager'?"),
    ("pdsa_reminder_day: 3\n",
     "unknown key 'pdsa_reminder_day' in the organisation file — did you mean 'pdsa_reminder_days'?"),
    ("zebra: 1\n", "unknown key 'zebra' in the organisation file"),
]


@pytest.mark.parametrize(("text", "message"), TYPOS)
def test_a_typo_anywhere_is_refused_with_one_message_naming_it(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "org.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigurationError) as err:
        load_org_config(path)
    assert err.value.user_message == f"OPSBOT_CONFIG ({path}): {message}"


def test_a_typo_in_the_example_file_is_found(tmp_path: Path) -> None:
    """The README's file with one key misspelt, deep in a section, is refused by that key."""
    path = tmp_path / "org.yml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8").replace("stale_data:", "stale_dta:"), encoding="utf-8")
    with pytest.raises(ConfigurationError) as err:
        load_org_config(path)
    assert err.value.user_message.endswith("unknown key 'stale_dta' in alerts — did you mean 'stale_data'?")


def test_every_section_is_typed_and_read_from_the_one_model() -> None:
    org = load_org_config(EXAMPLE)
    assert org.alerts.schedule.hour == 7 and org.alerts.stale_data.feeds == {"appointments": 30}
    assert org.digest.kpi_days == 30  # the DigestSettings default: the example has no digest section


def test_a_clinic_override_keeps_only_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "org.yml"
    path.write_text(CLINICS + "alerts:\n  denial_spike: {weeks: 10}\n  quiet_hours: {start: '20:00', end: '07:00'}\n"
                    "  clinics:\n    north: {quiet_hours: null, denial_spike: {min_claims: 50}}\n", encoding="utf-8")
    alerts = load_org_config(path).alerts
    north, south = alerts.for_clinic("north"), alerts.for_clinic("south")
    assert (north.denial_spike.weeks, north.denial_spike.min_claims, north.quiet_hours) == (10, 50, None)
    assert (south.denial_spike.min_claims, str(south.quiet_hours.start)) == (30, "20:00:00")  # type: ignore[union-attr]
