"""Pure pieces of the fast roll-ups: splitting a range into whole months and days (lead time),
and the stored answers of third next available, days of supply and reorder point computed
from hand-made roll-up rows whose answers are worked out by hand below."""

from datetime import date

import pandas as pd
import pytest

from bot.kpi.lead_time import histogram_measure, split_months
from bot.kpi.rollup_measures import supply_measures, tna_measures

D0 = date(1970, 1, 1)  # day number 0


@pytest.mark.parametrize("start,end,months,days", [
    (date(2026, 3, 5), date(2026, 5, 20), (date(2026, 4, 1), date(2026, 4, 1)),
     [(date(2026, 3, 5), date(2026, 3, 31)), (date(2026, 5, 1), date(2026, 5, 20))]),
    (date(2026, 3, 1), date(2026, 3, 31), (date(2026, 3, 1), date(2026, 3, 1)), []),
    (date(2026, 2, 1), date(2026, 4, 30), (date(2026, 2, 1), date(2026, 4, 1)), []),
    (date(2026, 3, 5), date(2026, 3, 20), None, [(date(2026, 3, 5), date(2026, 3, 20))]),
    (date(2026, 3, 30), date(2026, 4, 5), None, [(date(2026, 3, 30), date(2026, 4, 5))]),  # a week
    (None, date(2026, 3, 20), (None, date(2026, 2, 1)), [(date(2026, 3, 1), date(2026, 3, 20))]),
    (date(2024, 2, 2), None, (date(2024, 3, 1), None), [(date(2024, 2, 2), date(2024, 2, 29))]),
    (None, None, (None, None), []),
])
def test_split_months(start, end, months, days):
    assert split_months(start, end) == (months, days)


def test_histogram_measure():
    # lead days 0 ×2, 3 ×1, 10 ×1: median of (0, 0, 3, 10) = 1.5, mean 13 / 4, same day 2 / 4
    m = histogram_measure({3: 1, 0: 2, 10: 1}, date(2026, 1, 2), date(2026, 1, 9))
    assert (m.value, m.n, m.d, m.first, m.last) == (1.5, 4, 4, date(2026, 1, 2), date(2026, 1, 9))
    assert m.extra == {"mean": 3.25, "same_day_share": 0.5}
    assert histogram_measure({}).value is None


def test_tna_measures():
    rows = pd.DataFrame([  # clinic, provider, type, day, first free, third free (day numbers; -1 none)
        (1, 10, "new", 0, 0, 5), (1, 10, "follow", 0, 1, 10),  # provider 10: (5 + 10) / 2 = 7.5
        (1, 11, "new", 0, 2, -1),  # seen, no third free slot
        (2, 20, "new", 0, 1, 4),  # provider 20 (clinic 2): 4
        (2, 21, "new", 0, 95, 99),  # first free slot beyond the 90-day horizon: not seen
        (1, 10, "new", 1, 1, 200),  # day 1: third beyond the horizon -> seen without a value
    ], columns=["clinic_id", "provider_id", "appointment_type", "day", "first", "third"])
    got = {(c, d): (m.value, m.n, m.d, m.extra["basis"]) for c, d, m in tna_measures(rows, 90)}
    assert got == {
        (None, D0): (5.75, 2, 2, "mean over 2 providers; 1 without three free slots in the horizon"),
        (1, D0): (7.5, 1, 1, "mean over 1 provider; 1 without three free slots in the horizon"),
        (2, D0): (4, 1, 1, "mean over 1 provider"),
    }


def test_supply_measures():
    # two items of clinic 5 on day 0 with a constant daily usage (σd = 0) and no lead-time spread:
    # A: 1/day, 10 on hand, L 5 -> 10 days of supply, ROP 5 (above it);
    # B: 2/day, 4 on hand, L 7 -> 2 days (below its lead time), ROP 14 (at or below it)
    rows = pd.DataFrame({"item_id": [1, 2], "clinic_id": [5, 5], "day": [0, 0], "usage_window": [91.0, 182.0],
                         "usage_sq_window": [91.0, 364.0], "on_hand": [10.0, 4.0]})
    meta = {1: dict(id=1, clinic_id=5, sku="A", L=5.0, sL=0.0, level=0.95, cost=100),
            2: dict(id=2, clinic_id=5, sku="B", L=7.0, sL=0.0, level=0.95, cost=100)}
    got = supply_measures(rows, meta, 91, {5: date(1969, 1, 1)})  # usage recorded a year before
    dos = {c: (m.value, m.n, m.extra["basis"]) for c, _, m in got["days-of-supply"]}
    rop = {c: (m.value, m.n, m.d, m.extra["basis"]) for c, _, m in got["reorder-point"]}
    assert dos == {None: (6.0, 2, "median over 2 items on 1970-01-01; 1 below their lead time"),
                   5: (6.0, 2, "median over 2 items on 1970-01-01; 1 below their lead time")}
    assert rop[None] == rop[5] == (1.0, 1, 2, "1 of 2 items on 1970-01-01: B")


def test_supply_measures_divide_by_the_days_of_usage_history():
    # clinic 5 records usage from 1969-12-03: 30 days up to day 0 (1970-01-01). Item A used 60
    # in them (2/day), 60 on hand -> 30.0 days of supply (not 60 ÷ 60/91 = 91.0), said so;
    # with 20 days (from 1969-12-13) the clinic has too short a history: no value, and why
    rows = pd.DataFrame({"item_id": [1], "clinic_id": [5], "day": [0], "usage_window": [60.0],
                         "usage_sq_window": [120.0], "on_hand": [60.0]})
    meta = {1: dict(id=1, clinic_id=5, sku="A", L=5.0, sL=0.0, level=0.95, cost=1000)}
    got = supply_measures(rows, meta, 91, {5: date(1969, 12, 3)})
    (_, _, m), _ = got["days-of-supply"]
    assert m.value == 30.0
    assert m.extra["basis"].endswith("; based on 30 days of usage — less than the 91-day window")
    short = supply_measures(rows, meta, 91, {5: date(1969, 12, 13)})
    (_, _, m), _ = short["days-of-supply"]
    assert m.value is None and m.extra["why"].startswith("not enough history: usage data starts 1969-12-13: "
                                                         "20 days of the 91-day window are covered")
