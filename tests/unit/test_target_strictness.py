"""Issue 16: target strictness as kpis.md words it — "greater than 95 %" (clean claim rate) and
"less than 7 days" (third next available) put the bound itself off target; the utilization band
"75–85 %" includes its ends."""

from __future__ import annotations

import pytest

from bot.kpi.catalogue import BY_ID
from bot.kpi.targets import target_status
from bot.orgconfig import OrgConfig


@pytest.mark.parametrize("kpi, value, on_target", [
    ("clean-claim-rate", 0.95, False), ("clean-claim-rate", 0.9501, True), ("clean-claim-rate", 0.94, False),
    ("third-next-available", 7.0, False), ("third-next-available", 6.9, True),
    ("provider-utilization", 0.75, True), ("provider-utilization", 0.85, True), ("provider-utilization", 0.86, False),
])
def test_default_target_strictness_follows_kpis_md(kpi: str, value: float, on_target: bool) -> None:
    status = target_status(BY_ID[kpi], OrgConfig(), None, value)
    assert status is not None and status.on_target is on_target


def test_clean_claim_rate_definition_says_greater_than() -> None:
    assert "Default target: greater than 95 %" in BY_ID["clean-claim-rate"].definition_text()
    status = target_status(BY_ID["clean-claim-rate"], OrgConfig(), None, 0.95)
    assert status is not None and status.text == "off target: not more than 95.00 %"
