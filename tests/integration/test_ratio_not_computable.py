"""A ratio whose denominator is zero or negative is not computable (bot.kpi.base.ratio_measure,
bot.kpi.computable), and the SPC reading leaves out today, a day still under way.

Hand-made ledger, clinic North, 1–20 March 2026 (USD), "now" 20 March 15:00 UTC:

* every day 1–19 March: charges 5,000, contractual adjustments 2,000 (D = 3,000) and payer
  payments 2,700 / 2,730 / 2,760 by day of month mod 3 (rates 90 %, 91 %, 92 %);
* clinic South, 20 March only: contractual adjustments 10,243.02 reversed onto a day without
  charges, payments 30,357.32 → D = −10,243.02, so "today at South" is not computable, never
  30,357.32 ÷ −10,243.02 = −296.37 %;
* network, last 7 days (14–20 March): D = 6 × 3,000 − 10,243.02 = 7,756.98 > 0, a rate; by clinic
  South is listed without a rate; today's network point (D = −10,243.02) is left out of the
  trend with a note.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.kpi.engine import answer
from bot.kpi.grammar import parse_kpi_command
from bot.orgconfig import OrgConfig
from bot.views.kpi import render_answer
from storage.db import session_scope
from storage.models import LedgerEntry
from storage.reference import ensure_clinics

NOW = datetime(2026, 3, 20, 15, 0)
TODAY = date(2026, 3, 20)
WHY = "not computable: the period's charges minus contractual adjustments are −10,243.02 USD"


def _add(s, clinic: int, day: date, kind: str, cents: int) -> None:  # type: ignore[no-untyped-def]
    s.add(LedgerEntry(source="t", external_id=f"{clinic}-{day}-{kind}", clinic_id=clinic, posted_date=day,
                      kind=kind, amount_cents=cents))


def _seed(sessions, today_north: tuple[int, int, int] | None = None, south: bool = True) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        ids = ensure_clinics(s, [{"key": "north", "name": "North"}, {"key": "south", "name": "South"}])
        for i in range(19):
            day = date(2026, 3, 1) + timedelta(days=i)
            _add(s, ids["north"], day, "charge", 500_000)
            _add(s, ids["north"], day, "contractual_adjustment", 200_000)
            _add(s, ids["north"], day, "payer_payment", 270_000 + (day.day % 3) * 3_000)
        if today_north:
            for kind, cents in zip(("charge", "contractual_adjustment", "payer_payment"), today_north, strict=True):
                _add(s, ids["north"], TODAY, kind, cents)
        if south:
            _add(s, ids["south"], TODAY, "contractual_adjustment", 1_024_302)
            _add(s, ids["south"], TODAY, "payer_payment", 3_035_732)


def _ask(s, q: str):  # type: ignore[no-untyped-def]
    return answer(s, parse_kpi_command(q), OrgConfig(), now=NOW)


def test_a_negative_denominator_says_not_computable_never_a_rate(sessions) -> None:  # type: ignore[no-untyped-def]
    _seed(sessions)
    with session_scope(sessions) as s:
        a = _ask(s, "net collection rate today clinic south")
        assert a.measure.value is None
        assert a.measure.d == pytest.approx(-1_024_302)
        _, text = render_answer(a)
        assert WHY in text
        assert "%" not in text and "no data" not in text


def test_breakdown_lists_the_clinic_without_a_rate_and_the_trend_leaves_today_out(sessions) -> None:  # type: ignore[no-untyped-def]
    _seed(sessions)
    with session_scope(sessions) as s:
        a = _ask(s, "net collection rate last 7 days by clinic")
        # N = payments 14–19 March (days mod 3: 2,0,1,2,0,1 → 2,760+2,700+2,730)×2 + 30,357.32
        n = 2 * (2_760 + 2_700 + 2_730) + 30_357.32
        assert a.measure.value == pytest.approx(n / 7_756.98)
        assert [r.name for r in a.breakdown or []] == ["North"]
        assert a.breakdown_unranked == [("South", WHY)]
        assert a.trend[-1].label == "20 Mar 2026" and a.trend[-1].measure.value is None
        assert a.spc is not None
        assert "20 Mar 2026 left out: not computable (charges minus contractual adjustments zero or negative)." \
            in a.spc.lines
        assert "19 Mar 2026" in a.spc.lines[0] and "special cause" not in a.spc.lines[0]


def test_todays_partial_day_is_not_read_as_a_special_cause(sessions) -> None:  # type: ignore[no-untyped-def]
    # today so far: 5,000 charged, 2,000 adjusted, 100 paid → 3.33 %, far below 90–92 %; a partial
    # day, so the I chart reads 19 March (19 mod 3 = 1: 91 %) against 8–18 March: 92 90 91 92 90 91 92
    # 90 91 92 90, CL 1001/11 = 91 %, moving ranges 2 1 1 2 1 1 2 1 1 2 (mean 1.4), σ = 1.4/1.128,
    # limits 91 ∓ 3.7234 = 87.28 % / 94.72 %
    _seed(sessions, today_north=(500_000, 200_000, 10_000), south=False)
    with session_scope(sessions) as s:
        a = _ask(s, "net collection rate last 7 days clinic north")
        assert a.trend[-1].measure.value == pytest.approx(100 / 3_000)
        assert a.spc is not None and a.spc.chart_kind == "i"
        line = a.spc.lines[0]
        assert line == "I chart: 19 Mar 2026 (91.00 %) is within the limits (87.28 %–94.72 %), common-cause variation."
        assert "20 Mar 2026" not in line
