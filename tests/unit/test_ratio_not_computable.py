"""The one place a ratio KPI divides (bot.kpi.base.ratio_measure) and the sentence a
not-computable ratio gets (bot.kpi.computable). Expected values by hand."""

from __future__ import annotations

from datetime import date

import pytest

from bot.kpi.base import NOT_COMPUTABLE, UNRANKED, Measure, TrendPoint, measure_from_daily, ratio_measure
from bot.kpi.catalogue import BY_ID
from bot.kpi.computable import explain, left_out_note, not_computable_text


def test_a_positive_denominator_divides_and_zero_or_negative_is_marked() -> None:
    assert ratio_measure(3_035_732, 6_000_000).value == pytest.approx(0.505955333)  # 30,357.32 ÷ 60,000
    neg = ratio_measure(3_035_732, -1_024_302)
    assert neg.value is None and neg.extra == {NOT_COMPUTABLE: -1_024_302}  # never −296.37 %
    assert ratio_measure(500, 0).extra == {NOT_COMPUTABLE: 0}
    assert ratio_measure(0, 0, counted=False).extra == {}  # no rows: no data, not "not computable"


def test_daily_rows_sum_before_the_sign_is_judged() -> None:
    rows = [(date(2026, 3, 19), 270_000.0, 300_000.0), (date(2026, 3, 20), 3_035_732.0, -1_024_302.0)]
    both = measure_from_daily(rows, None, None)
    assert both.value is None
    assert both.extra[NOT_COMPUTABLE] == pytest.approx(-724_302)  # 3,000 − 10,243.02 = −7,243.02 USD
    assert measure_from_daily(rows, date(2026, 3, 19), date(2026, 3, 19)).value == pytest.approx(0.9)
    assert measure_from_daily(rows, date(2026, 3, 21), None) == Measure(value=None)


def test_the_sentence_names_the_denominator_in_its_unit() -> None:
    ncr = BY_ID["net-collection-rate"]
    m = explain(ncr, ratio_measure(3_035_732, -1_024_302))
    why = "not computable: the period's charges minus contractual adjustments are −10,243.02 USD"
    assert not_computable_text(ncr, m) == m.extra["why"] == m.extra[UNRANKED] == why
    assert not_computable_text(BY_ID["write-off-rate"], m) == \
        "not computable: the period's net patient service revenue is −10,243.02 USD"
    assert not_computable_text(BY_ID["insurance-verification-rate"], ratio_measure(4, 0)) == \
        "not computable: the period has 0 completed encounters"
    assert not_computable_text(ncr, ratio_measure(1, 2)) is None


def test_trend_note_lists_the_points_left_out() -> None:
    ncr = BY_ID["net-collection-rate"]
    day = date(2026, 3, 20)
    trend = [TrendPoint("19 Mar 2026", date(2026, 3, 19), date(2026, 3, 19), ratio_measure(9, 10)),
             TrendPoint("20 Mar 2026", day, day, ratio_measure(3_035_732, -1_024_302))]
    assert left_out_note(ncr, trend) == \
        "20 Mar 2026 left out: not computable (charges minus contractual adjustments zero or negative)."
    assert left_out_note(ncr, trend[:1]) is None
