"""Rate / mix decomposition (Kitagawa 1955 rate effects, Griliches–Regev 1995 mix effects about the overall
rate) on hand-worked figures and random data, its words, and where a shift began."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.kpi.drivers import Contribution, Drivers, decompose, numerator_split, segment_drivers
from bot.kpi.drivers_text import contribution_text, drivers_text, mix_words, short_why
from bot.spc import p_chart
from bot.spc.run_start import last_run_start, longest_run_start


def test_two_segments_worked_by_hand() -> None:
    # A: 10/100 → 30/100; B: 10/100 → 10/300.  R0 = 20/200 = 0.10, R1 = 40/400 = 0.10: Δ = 0, R̄ = 0.10.
    # w: A 0.5 → 0.25, B 0.5 → 0.75; r: A 0.1 → 0.3 (mean 0.2), B 0.1 → 0.0333… (mean 0.0666…)
    # A: rate (0.2)(0.375) = 0.075,           mix (−0.25)(0.2 − 0.1) = −0.025;        contribution +0.05
    # B: rate (−0.0666…)(0.625) = −0.041666…, mix (0.25)(0.0666… − 0.1) = −0.008333…; contribution −0.05
    total, parts = decompose({"A": (10, 100), "B": (10, 100)}, {"A": (30, 100), "B": (10, 300)})
    assert total == pytest.approx(0.0, abs=1e-15)
    assert parts["A"] == pytest.approx((0.075, -0.025))
    assert parts["B"] == pytest.approx((-0.0416666667, -0.0083333333))
    assert sum(r + m for r, m in parts.values()) == pytest.approx(0.0, abs=1e-15)


# Three payers; P's rate fell while its share of volume grew (the tester's pattern).
#   before: P 90/100, Q 160/200, S 70/100   D0 = 400, R0 = 320/400 = 0.800
#   after:  P 248/300, Q 80/100, S 76/100   D1 = 500, R1 = 404/500 = 0.808   ΔR = +0.008, R̄ = 0.804
#   P: w 0.25 → 0.60, r 0.90 → 0.826667 (Δr −0.073333, mean 0.863333)
#      rate −0.073333 × 0.425 = −0.031167;  mix 0.35 × (0.863333 − 0.804) = +0.020767;  P = −0.010400
#   Q: w 0.50 → 0.20, r 0.80 → 0.80:  rate 0;  mix −0.30 × (0.80 − 0.804) = +0.001200;  Q = +0.001200
#   S: w 0.25 → 0.20, r 0.70 → 0.76 (mean 0.73)
#      rate 0.06 × 0.225 = +0.013500;  mix −0.05 × (0.73 − 0.804) = +0.003700;        S = +0.017200
#   sum −0.0104 + 0.0012 + 0.0172 = +0.0080 = ΔR.  The old per-segment mix Δw·r̄ gave P 0.35 × 0.863333 =
#   +0.302167, i.e. "P +27.10 pts (volume share moved)" on a +0.80 pt change that P pulled down.
BEFORE = {"P": (90, 100), "Q": (160, 200), "S": (70, 100)}
AFTER = {"P": (248, 300), "Q": (80, 100), "S": (76, 100)}


def test_rate_fell_share_grew_pulls_down() -> None:
    total, parts = decompose(BEFORE, AFTER)
    assert total == pytest.approx(0.008)
    assert parts["P"] == pytest.approx((-0.0311666667, 0.0207666667))
    assert parts["Q"] == pytest.approx((0.0, 0.0012))
    assert parts["S"] == pytest.approx((0.0135, 0.0037))
    assert sum(parts["P"]) == pytest.approx(-0.0104)


def test_words_say_which_effect_with_its_sign() -> None:
    d = segment_drivers("payer", BEFORE, AFTER, {"P": "Payer P", "Q": "Payer Q", "S": "Payer S"})
    assert [c.key for c in d.parts] == ["S", "P", "Q"]  # |1.72| > |−1.04| > |0.12| pts
    p = d.parts[1]
    assert p.shares == pytest.approx((0.25, 0.6)) and p.reference == pytest.approx(0.804)
    assert contribution_text(p, "%") == (
        "Payer P -1.04 pts = rate effect -3.12 (their rate fell 7.33 pts: 90.00% → 82.67%) + mix effect +2.08 "
        "(their share of volume grew 25.0% → 60.0%, at a mean rate above the overall: 86.33% vs 80.40%)")
    # P moved against the total, so it is not a driver; S (rate) and Q (mix, share shrank below R̄) are
    assert [c.key for c in d.top()] == ["S", "Q"]
    assert short_why([d], "%") == "payer Payer S +1.72 pts (their rate rose 6.00 pts)"
    q = d.parts[2]
    assert drivers_text([d], "%").splitlines()[-1].endswith(
        "Payer Q +0.12 pts = mix effect +0.12 (their share of volume shrank 50.0% → 20.0%, at a mean rate "
        "below the overall: 80.00% vs 80.40%)")
    assert short_why([Drivers("payer", 0.0012, [q])], "%") == (
        "payer Payer Q +0.12 pts (their share of volume shrank, at a rate below the overall)")


def test_segment_new_or_gone_is_all_mix() -> None:
    # C appears with 20/50 beside A 10/100 → 10/100: R0 = 0.10, R1 = 30/150 = 0.20, ΔR = 0.10, R̄ = 0.15
    # C: w 0 → 1/3, its rate 0.4 both sides: rate 0, mix (1/3)(0.4 − 0.15) = 0.083333
    # A: w 1 → 2/3, rate 0.1 both sides:     rate 0, mix (−1/3)(0.1 − 0.15) = 0.016667; sum 0.10
    total, parts = decompose({"A": (10, 100)}, {"A": (10, 100), "C": (20, 50)})
    assert total == pytest.approx(0.1)
    assert parts["C"] == pytest.approx((0.0, 1 / 12))
    assert parts["A"] == pytest.approx((0.0, 1 / 60))
    # the same segment gone (periods swapped): every sign turns
    total, parts = decompose({"A": (10, 100), "C": (20, 50)}, {"A": (10, 100)})
    assert total == pytest.approx(-0.1)
    assert parts["C"] == pytest.approx((0.0, -1 / 12)) and parts["A"] == pytest.approx((0.0, -1 / 60))
    d = segment_drivers("clinic", {"A": (10, 100), "C": (20, 50)}, {"A": (10, 100)}, {"C": "Cove"})
    assert contribution_text(d.parts[0], "%") == (
        "Cove -8.33 pts = mix effect -8.33 (gone, was 33.3% of volume, at a mean rate above the overall: "
        "40.00% vs 15.00%)")
    # joining at the overall rate changes nothing: C 5/50 beside A 10/100 (R0 = R1 = 0.10)
    _, parts = decompose({"A": (10, 100)}, {"A": (10, 100), "C": (5, 50)})
    assert parts["C"] == pytest.approx((0.0, 0.0)) and parts["A"] == pytest.approx((0.0, 0.0))


def test_numerator_without_denominator_keeps_the_sum() -> None:
    # B posts 5 with no volume after: D0 = 100 (A 10/50, B 10/50), D1 = 100 (A 20/100, B 5/0)
    # R0 = 0.20, R1 = 0.25, R̄ = 0.225; B: 5/100 − 10/100 − (0 − 0.5)(0.225) = +0.0625, all rate
    # A: w 0.5 → 1, r 0.2 → 0.2: rate 0, mix 0.5 × (0.2 − 0.225) = −0.0125; sum 0.05 = ΔR
    total, parts = decompose({"A": (10, 50), "B": (10, 50)}, {"A": (20, 100), "B": (5, 0)})
    assert total == pytest.approx(0.05)
    assert parts["B"] == pytest.approx((0.0625, 0.0)) and parts["A"] == pytest.approx((0.0, -0.0125))


PAIR = st.tuples(st.integers(0, 500), st.integers(0, 500)).map(lambda t: (float(min(t)), float(max(t))))
SEGMENTS = st.dictionaries(st.sampled_from("ABCDEFGH"), PAIR, max_size=8)


@settings(max_examples=300, deadline=None)
@given(SEGMENTS, SEGMENTS)
def test_contributions_add_up_to_the_change(before: dict, after: dict) -> None:
    """On random segments (some only in one period, some empty), the contributions add up to
    ΣN1/ΣD1 − ΣN0/ΣD0 computed here, and a segment's mix effect has the sign of
    Δw × (its mean rate − R̄)."""
    d0, d1 = sum(d for _, d in before.values()), sum(d for _, d in after.values())
    assume(d0 > 0 and d1 > 0)
    want = sum(n for n, _ in after.values()) / d1 - sum(n for n, _ in before.values()) / d0
    total, parts = decompose(before, after)
    assert total == pytest.approx(want, abs=1e-12)
    assert sum(r + m for r, m in parts.values()) == pytest.approx(want, abs=1e-12)
    d = segment_drivers("payer", before, after, {})
    for c in d.parts:
        rates = c.rates
        if rates is None or abs(c.mix_effect) < 1e-12:
            continue
        dw = c.shares[1] - c.shares[0]
        assert c.mix_effect * dw * ((rates[0] + rates[1]) / 2 - c.reference) > 0
        assert ("grew" in mix_words(c, "%") or "new" in mix_words(c, "%")) == (dw > 0)
        assert ("above" in mix_words(c, "%")) == (c.mix_effect * dw > 0)


def test_no_denominator_is_refused() -> None:
    with pytest.raises(ValueError):
        decompose({}, {"A": (1, 10)})


def test_numerator_split() -> None:
    assert numerator_split({"auth": 2}, 100, {"auth": 12, "coding": 3}, 200) == pytest.approx(
        {"auth": 0.06 - 0.02, "coding": 0.015})


def test_words() -> None:
    # Medicare, the only payer, 1/100 → 5/100: rate rose 4 pts, all of it rate effect (R̄ = 3 %)
    c = Contribution("m", "Medicare", (1, 100), (5, 100), 0.04, 0.0, (1.0, 1.0), 0.03)
    assert contribution_text(c, "%") == "Medicare +4.00 pts = rate effect +4.00 (their rate rose 4.00 pts: 1.00% → 5.00%)"
    assert contribution_text(c, "ratio") == "Medicare +0.04 = rate effect +0.04 (their rate rose 0.04: 0.01 → 0.05)"
    # a mix effect of −0.001 pts shows as −0.00: left out, the figure stays the contribution
    tiny = Contribution("m", "Medicare", (1, 100), (5, 100), 0.04, -0.00001, (0.5, 0.5), 0.03)
    assert contribution_text(tiny, "%") == contribution_text(c, "%")
    d = Drivers("payer", 0.04, [c])
    assert short_why([d], "%") == "payer Medicare +4.00 pts (their rate rose 4.00 pts)"
    assert short_why([Drivers("payer", -0.03, [c])], "%") is None  # no contributor moved the same way


def test_run_start() -> None:
    # 12 baseline points alternating around 0.1, then 8 points at 0.2: the run starts at index 12
    n = [100] * 20
    y = [11, 9] * 6 + [20] * 8  # index 11 (9 %) is below the centre line of 10 %
    chart = p_chart(y, n, baseline=12)
    assert last_run_start(chart) == 12
    first, length, side = longest_run_start(chart)
    assert (first, length, side) == (12, 8, 1)
    assert np.isnan(chart.cl).sum() == 0
