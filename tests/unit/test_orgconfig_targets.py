"""The organisation file refuses targets a KPI cannot have, with a message naming the entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigurationError
from bot.orgconfig import load_org_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "org.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_aliases_are_stored_under_the_catalogue_id(tmp_path: Path) -> None:
    org = load_org_config(write(tmp_path, "targets:\n  noshow: {max: 0.1}\n  ccr: {min: 0.95}\n"))
    assert set(org.targets) == {"no-show-rate", "clean-claim-rate"}
    assert org.target_for("no-show-rate").max == 0.1


@pytest.mark.parametrize("yaml_text, words", [
    ("targets:\n  no-show-rate: {max: 10}\n", ["targets", "no-show-rate max 10", "proportion", "0.1 for 10 %"]),
    ("targets:\n  noshw rat: {max: 0.1}\n", ["unknown KPI 'noshw rat'", "no-show-rate"]),
    ("targets:\n  volcano-index: {max: 0.1}\n", ["unknown KPI 'volcano-index'"]),
    ("clinics:\n  - {key: a, name: A, targets: {days-in-ar: {max: -1}}}\n",
     ["clinics[a].targets", "days-in-ar max -1 is negative"]),
    ("targets:\n  denial-rate: {min: -0.2}\n", ["denial-rate min -0.2 is not a proportion"]),
])
def test_impossible_targets_are_refused_by_name(tmp_path: Path, yaml_text: str, words: list[str]) -> None:
    with pytest.raises(ConfigurationError) as err:
        load_org_config(write(tmp_path, yaml_text))
    message = str(err.value)
    assert message.startswith("OPSBOT_CONFIG") and "Value error" not in message
    for word in words:
        assert word in message


def test_non_percent_kpis_take_their_own_units(tmp_path: Path) -> None:
    org = load_org_config(write(tmp_path, "targets:\n  days-in-ar: {max: 40}\n  inventory-turns: {min: 4}\n"))
    assert org.targets["days-in-ar"].max == 40 and org.targets["inventory-turns"].min == 4
