"""A value shown beside a target flag reads as the flag says: a value that is not the bound but
rounds to it (94.998 % beside kpis.md's 95 % clean-claim minimum) gets the decimals that show on
which side it lies, in the /kpi answer, its breakdown rows, the scorecard and the digest (all
take ``TargetStatus.shown``). Expected strings are written out by hand."""

from __future__ import annotations

import pytest

from bot.kpi.catalogue import BY_ID, Target
from bot.kpi.targets import format_value, target_status
from bot.orgconfig import OrgConfig


@pytest.mark.parametrize("kpi, value, shown, on_target", [
    ("clean-claim-rate", 0.94998, "94.998 %", False),   # rounds to 95.00 %: below the minimum
    ("clean-claim-rate", 0.9499999, "94.99999 %", False),
    ("clean-claim-rate", 0.95004, "95.004 %", True),
    ("clean-claim-rate", 0.9498, "94.98 %", False),      # already apart: usual two decimals
    ("clean-claim-rate", 0.95, "95.00 %", False),        # the bound itself ("greater than 95 %")
    ("clean-claim-rate", 0.5, "50.00 %", False),
    ("third-next-available", 6.97, "6.97 days", True),  # not "7.0 days ✅" under "less than 7 days"
    ("third-next-available", 7.04, "7.04 days", False),
    ("third-next-available", 7.3, "7.3 days", False),
    ("provider-utilization", 0.85003, "85.003 %", False),  # band: above its 85 % maximum
    ("provider-utilization", 0.74996, "74.996 %", False),
])
def test_value_shown_with_its_status(kpi: str, value: float, shown: str, on_target: bool) -> None:
    status = target_status(BY_ID[kpi], OrgConfig(), None, value)
    assert status is not None
    assert (status.shown, status.on_target) == (shown, on_target)


def test_without_target_the_usual_decimals() -> None:
    assert format_value(0.94998, "%") == "95.00 %"
    assert format_value(0.94998, "%", Target(min=0.9)) == "95.00 %"


def test_extra_decimals_are_bounded() -> None:
    # 1e-12 away from the bound: at most six more decimals, never an endless expansion
    assert format_value(0.95 - 1e-12, "%", Target(min=0.95)) == "95.00000000 %"


def test_breakdown_rows_and_headline_show_the_side_of_the_bound() -> None:
    from datetime import date, datetime

    from bot.kpi.base import Measure, Scope
    from bot.kpi.engine import BreakdownRow, KpiAnswer
    from bot.kpi.periods import Period
    from bot.views.kpi import render_answer

    kpi, org = BY_ID["clean-claim-rate"], OrgConfig()
    rows = [BreakdownRow(i, name, Measure(value=n / d, n=n, d=d), target_status(kpi, org, None, n / d))
            for i, (name, n, d) in enumerate([("Dr. A", 47499, 50000), ("Dr. B", 95, 100), ("Dr. C", 47501, 50000)])]
    m = Measure(value=47499 / 50000, n=47499, d=50000, first=date(2026, 11, 30), last=date(2026, 12, 5))
    a = KpiAnswer(kpi=kpi, scope=Scope(clinic_name="Seaside", timezone="UTC"), period=Period(None, None, "all"),
                  measure=m, latest=date(2026, 12, 5), as_of=datetime(2026, 12, 6), status=rows[0].status,
                  request_text="clean claims", breakdown=rows, breakdown_dim="provider", breakdown_total=3)
    blocks, text = render_answer(a)
    flat = str(blocks)
    assert "*94.998 %*" in flat and text.startswith("Clean claim rate, Seaside, ") and "94.998 %" in text
    assert "Dr. A: 94.998 % (47,499 of 50,000 claims) ⚠️" in flat
    assert "Dr. B: 95.00 % (95 of 100 claims) ⚠️ (not more than 95.00 %)" in flat  # the bound itself
    assert "Dr. C: 95.002 % (47,501 of 50,000 claims) ✅" in flat
