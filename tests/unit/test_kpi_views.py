"""Block Kit rendering of /kpi answers: content and Slack limits (bot.views.limits)."""

from datetime import date, datetime

from bot.kpi.base import Measure, Scope, TrendPoint
from bot.kpi.catalogue import BY_ID, CATALOGUE
from bot.kpi.engine import BreakdownRow, KpiAnswer, KpiListItem
from bot.kpi.periods import Period
from bot.kpi.targets import target_status
from bot.orgconfig import OrgConfig
from bot.views.kpi import render_answer, render_definition, render_list, sparkline


def _answer(**kw):  # type: ignore[no-untyped-def]
    kpi = BY_ID["no-show-rate"]
    m = Measure(value=22_319 / 110_527, n=22_319, d=110_527, first=date(2016, 4, 29), last=date(2016, 6, 8))
    base = dict(kpi=kpi, scope=Scope(clinic_name="RESISTÊNCIA", timezone="America/Sao_Paulo"),
                period=Period(None, None, "all"), measure=m, latest=date(2016, 6, 8),
                as_of=datetime(2016, 6, 9, 7, 30), status=None, request_text="no-show-rate all")
    base.update(kw)
    return KpiAnswer(**base)


def test_answer_carries_value_n_d_period_as_of_and_buttons():
    blocks, text = render_answer(_answer())
    flat = str(blocks)
    assert "20.19 %" in text and "22,319 of 110,527 appointments" in text
    assert "data covers 2016-04-29..2016-06-08" in flat
    assert "as of 2016-06-09 07:30 UTC (2016-06-09 04:30 America/Sao_Paulo)" in flat
    assert "kpi_share" in flat and "kpi_chart" in flat


def test_shared_copy_has_no_buttons():
    blocks, _ = render_answer(_answer(), interactive=False, shared_by="U123")
    assert "kpi_share" not in str(blocks) and "<@U123>" in str(blocks)


def test_target_status_and_small_n_warning():
    org = OrgConfig.model_validate({"targets": {"no-show-rate": {"max": 0.1}}})
    a = _answer(status=target_status(BY_ID["no-show-rate"], org, None, 0.2019),
                measure=Measure(value=0.25, n=1, d=4, first=date(2016, 5, 2), last=date(2016, 5, 2)), small_n=True)
    flat = str(render_answer(a)[0])
    assert "off target: above the 10.00 % maximum" in flat and "n = 4: too few to read as a trend" in flat


def test_no_data_names_the_latest_date_and_never_zero():
    blocks, text = render_answer(_answer(measure=Measure(value=None), period=Period(date(2026, 1, 1), date(2026, 1, 31), "2026-01")))
    assert "no data" in text and "2016-06-08" in text and "0.00 %" not in str(blocks)


def test_big_breakdown_and_trend_fit_slack_limits():
    rows = [BreakdownRow(i, "Clínica " + "x" * 150, Measure(value=0.2, n=20, d=100), None) for i in range(25)]
    trend = [TrendPoint(f"week of {i} May", date(2016, 5, 1), date(2016, 5, 7), Measure(value=0.1 * (i % 3), n=1, d=10))
             for i in range(12)]
    blocks, _ = render_answer(_answer(breakdown=rows, breakdown_dim="clinic", breakdown_total=81, trend=trend, grain="week"))
    assert "… and 56 more" in str(blocks)  # render_answer validated the message against the limits


def test_every_definition_and_the_list_render():
    for kpi in CATALOGUE:
        blocks, text = render_definition(kpi)
        assert kpi.id in text and "Numerator" in text
    items = [KpiListItem(k, Measure(value=1.5, n=3, d=2), Period(date(2016, 5, 10), date(2016, 6, 8), "x"), None)
             for k in CATALOGUE]
    blocks, text = render_list(items)
    assert text.count("\n") == 20


def test_sparkline_scales_and_marks_gaps():
    assert sparkline([0.0, None, 1.0, 0.5]) == "▁·█▅"


def test_the_list_says_not_enough_history_apart_from_no_data():
    """bot.kpi.coverage: a KPI below its minimum history is not "no data"."""
    from bot.kpi.coverage import not_enough

    short = not_enough("days-in-ar", 12, 91, "ledger", date(2026, 11, 19))
    items = [KpiListItem(BY_ID["days-in-ar"], short, None, None), KpiListItem(BY_ID["no-show-rate"], None, None, None)]
    _, text = render_list(items)
    assert "• *Days in A/R (net)* (`days-in-ar`): not enough history (12 days of data)" in text
    assert "• *No-show rate* (`no-show-rate`): no data" in text


def test_unranked_rows_are_named_in_one_footnote_within_slack_limits():
    """300 clinics with too short a history and 150-character names: named, never dropped
    silently, and the section still fits Slack's 3,000 characters (render_answer validates)."""
    rows = [BreakdownRow(1, "Alder", Measure(value=0.2, n=20, d=100), None)]
    unranked = [(f"Clínica {i:03d} " + "x" * 140, "not enough history (3 days of data)") for i in range(300)]
    blocks, _ = render_answer(_answer(breakdown=rows, breakdown_dim="clinic", breakdown_total=1,
                                      breakdown_unranked=unranked))
    assert "Not ranked, 300 clinics: Clínica 000" in str(blocks) and "not enough history (3 days of data)" in str(blocks)
    small = render_answer(_answer(breakdown=rows, breakdown_dim="clinic", breakdown_total=1,
                                  breakdown_unranked=[("Cedar", "not enough history (11 days of data)")]))[0]
    assert "_Not ranked, 1 clinic: Cedar — not enough history (11 days of data)_" in str(small)
