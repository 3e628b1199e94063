"""Pure parts of the look-ahead (issue 20): Poisson-binomial range, calibration deciles, the
naive and weekday demand forecasts, the grammar, and no leakage in the eve-of-day features.
Expected values come from scipy's binomial, hand counts, and brute-force enumeration."""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom

from bot.errors import UsageError
from bot.forecast import demand
from bot.forecast.evaluate import deciles, risk_scores
from bot.forecast.features import build_features, labelled, vocabulary
from bot.forecast.grammar import parse_lookahead
from bot.forecast.interval import expected_count, poisson_binomial_pmf


def test_pmf_equal_probabilities_is_the_binomial() -> None:
    pmf = poisson_binomial_pmf(np.full(40, 0.2))
    assert np.allclose(pmf, binom.pmf(np.arange(41), 40, 0.2))


def test_pmf_matches_enumeration_for_unequal_probabilities() -> None:
    p = np.array([0.1, 0.5, 0.33, 0.9, 0.05])
    brute = np.zeros(6)
    for outcome in itertools.product([0, 1], repeat=5):
        brute[sum(outcome)] += np.prod([pi if o else 1 - pi for pi, o in zip(p, outcome, strict=True)])
    assert np.allclose(poisson_binomial_pmf(p), brute)


def test_expected_count_and_range() -> None:
    c = expected_count(np.full(100, 0.2), level=0.8)
    assert c.expected == pytest.approx(20.0)
    # binomial(100, 0.2): 10th percentile 15, 90th percentile 25 (scipy's ppf)
    assert (c.low, c.high) == (int(binom.ppf(0.1, 100, 0.2)), int(binom.ppf(0.9, 100, 0.2)))
    assert expected_count(np.array([])).n == 0


def test_deciles_hand_example() -> None:
    p = np.arange(20) / 20
    y = np.array([0] * 10 + [1] * 10)
    table = deciles(y, p)
    assert len(table) == 10 and table[0].n == 2 and table[0].observed == 0.0 and table[-1].observed == 1.0
    assert table[0].predicted == pytest.approx((0 + 0.05) / 2)
    s = risk_scores(y, p, base_rate=0.5)
    assert s.auc == 1.0 and s.brier_baseline == pytest.approx(0.25)


def _series(values: list[int], start: str = "2026-01-05") -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="D"), dtype="float64")


def test_naive_is_same_weekday_last_week() -> None:
    s = _series(list(range(1, 15)))  # Mon 5 Jan .. Sun 18 Jan
    fc = demand.naive_forecast(s, date(2026, 1, 18), horizon=8)
    # Mon 19 Jan -> the Monday of the last week (12 Jan = 8); Mon 26 Jan -> the same value
    assert fc.iloc[0] == 8 and fc.iloc[6] == 14 and fc.iloc[7] == 8


def test_weekday_forecast_recovers_a_weekday_pattern_and_closes_on_holidays() -> None:
    week = [100, 90, 80, 70, 60, 0, 0]
    s = _series(week * 10, start="2025-10-27")  # Mondays; 10 weeks to 4 Jan 2026
    for closed in ("2025-11-11", "2025-11-27", "2025-12-25", "2026-01-01"):  # US federal holidays
        s[pd.Timestamp(closed)] = 0
    fc = demand.forecast(s, date(2026, 1, 4), horizon=21, calendar={"country": "US"})
    assert fc[pd.Timestamp("2026-01-05")] == pytest.approx(100)
    assert fc[pd.Timestamp("2026-01-08")] == pytest.approx(70)
    assert fc[pd.Timestamp("2026-01-19")] == pytest.approx(0)  # Martin Luther King Jr. Day


def test_third_next_available_projection() -> None:
    days = [demand.DemandDay(date(2026, 1, i + 1), f, 10) for i, f in enumerate([10, 10, 9, 10, 8, 10])]
    assert demand.third_next_available(days, 0) == 4  # 1 free on day 2, 2 more on day 4
    assert demand.third_next_available(days, 5) is None
    assert demand.over_capacity([demand.DemandDay(date(2026, 1, 1), 12.0, 10)])


@pytest.mark.parametrize("text, question, days, clinic", [
    ("expected-no-shows tomorrow clinic aspen", "expected-no-shows", 1, "aspen"),
    ("expected no-shows tomorrow at aspen?", "expected-no-shows", 1, "aspen"),
    ("Expected no shows today at aspen", "expected-no-shows", 0, "aspen"),
    ("high-risk in 3 days clinic north", "high-risk", 3, "north"),
    ("demand clinic riverside", "demand", 1, "riverside"),
    # names of several words (issue: "I don't know the words 'tomorrow clinic maria ortiz'")
    ("expected-no-shows tomorrow clinic maria ortiz", "expected-no-shows", 1, "maria ortiz"),
    ("demand clinic seaside internal medicine", "demand", 1, "seaside internal medicine"),
    ("expected-no-shows clinic maria ortiz tomorrow", "expected-no-shows", 1, "maria ortiz"),
    ("high-risk in 3 days at cedar hill", "high-risk", 3, "cedar hill"),
])
def test_grammar(text: str, question: str, days: int, clinic: str) -> None:
    r = parse_lookahead(text)
    assert r is not None and (r.question, r.days_ahead, r.clinic) == (question, days, clinic)


def test_grammar_dates_and_errors() -> None:
    r = parse_lookahead("expected-no-shows 2026-03-02 clinic north")
    assert r is not None and r.on == date(2026, 3, 2) and r.days_ahead is None
    assert parse_lookahead("no-show-rate last month") is None
    with pytest.raises(UsageError, match="not a calendar date"):
        parse_lookahead("expected-no-shows 2026-02-30 clinic north")
    with pytest.raises(UsageError, match="don't know the words"):
        parse_lookahead("expected-no-shows next fortnight clinic north")


def test_usage_names_the_organisations_clinic() -> None:
    with pytest.raises(UsageError) as caught:
        parse_lookahead("expected-no-shows next fortnight clinic north", lambda: "seaside")
    assert "`/kpi demand clinic seaside`" in str(caught.value) and "aspen" not in str(caught.value)


def _history() -> pd.DataFrame:
    rows = [  # one patient: a no-show on 2 Mar, attended 9 Mar, booked for 16 Mar and 23 Mar
        (1, "2026-03-02", "no_show", "2026-02-20"), (2, "2026-03-09", "completed", "2026-03-02"),
        (3, "2026-03-16", "completed", "2026-03-09"), (4, "2026-03-23", "no_show", "2026-03-10"),
    ]
    f = pd.DataFrame(rows, columns=["id", "appointment_date", "status", "booked_at"])
    f["appointment_date"] = pd.to_datetime(f["appointment_date"])
    f["booked_at"] = pd.to_datetime(f["booked_at"]) + pd.Timedelta(hours=9)
    f["appointment_at"] = pd.NaT
    f = f.assign(clinic_id=1, provider_id=None, patient_pseudonym="p1", appointment_type="follow-up")
    f["lead_days"] = (f["appointment_date"] - f["booked_at"].dt.normalize()).dt.days
    return f


def test_features_count_only_outcomes_before_the_day() -> None:
    h = _history()
    x = build_features(h, h, vocabulary(labelled(h)))
    assert list(x["an"]) == [0, 1, 2, 3] and list(x["ans"]) == [0, 1, 1, 1]
    assert list(x["lasty"]) == [-1, 1, 0, 0]
    assert list(x["booked_known"]) == [1, 2, 4, 4]  # bookings made before each day


def test_features_ignore_the_future() -> None:
    h = _history()
    flipped = h.copy()
    flipped.loc[flipped["id"] >= 3, "status"] = "no_show"  # change outcomes on/after 16 Mar
    rows = h[h["id"] == 3]
    v = vocabulary(labelled(h))
    assert build_features(rows, h, v).equals(build_features(rows, flipped, v))


def test_demand_capacity_rule() -> None:
    from bot.alerts.config import DemandCapacityParams
    from bot.alerts.rules.demand import demand_capacity

    start = date(2026, 1, 5)
    full = [demand.DemandDay(start + pd.Timedelta(days=i).to_pytimedelta(), 10.0, 10) for i in range(28)]
    r = demand_capacity("north", start, full, demand.third_next_available(full, 14), DemandCapacityParams())
    assert [f.subject for f in r.findings] == ["demand:tna"]  # no free slot at all: TNA beyond horizon
    busy = list(full)
    busy[3] = demand.DemandDay(busy[3].day, 14.0, 10)
    roomy = [demand.DemandDay(d.day, 2.0, 10) for d in busy[:3]] + [busy[3]] + [
        demand.DemandDay(d.day, 2.0, 10) for d in busy[4:]]
    r = demand_capacity("north", start, roomy, demand.third_next_available(roomy, 14), DemandCapacityParams())
    assert [f.subject for f in r.findings] == ["demand:capacity"] and r.findings[0].period == "2026-01-08"
    assert "demand:tna" in r.clear
