"""Net collection rate by posting period (kpis.md, MGMA) only where it can be read (issue: 35 %
for a quarter whose data starts mid-quarter; 16 %…134 % week to week). A hand-made ledger:
from 2026-06-01 charges of 1,000 USD a day, contractual adjustments 400 USD, and each day's
600 USD paid 30 days later (service date = charge day: the lag is 30 days).

* 2026-Q3: its payments are those of the charges of 1 Jun – 31 Aug, 92 days × 600 USD, over its
  own 92 days × 600 USD of net charges → 100.00 %; the answer says it is by posting period.
* 2026-Q2 starts before 1 Jul (the ledger's first day + the lag): not enough history.
* a week: not meaningful (payments lag charges by about 30 days); the trend is monthly.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.kpi.engine import answer
from bot.kpi.grammar import parse_kpi_command
from bot.kpi.rollup_refresh import refresh_all_rollups
from bot.orgconfig import OrgConfig
from bot.views.kpi import render_answer
from storage.db import session_scope
from storage.models import LedgerEntry
from storage.reference import ensure_clinics

FIRST, LAST = date(2026, 6, 1), date(2026, 9, 30)
NOW = datetime(2026, 11, 1, 15, 0)


def _ledger(s) -> None:  # type: ignore[no-untyped-def]
    clinic = ensure_clinics(s, [{"key": "seaside", "name": "Seaside"}])["seaside"]
    rows, day = [], FIRST
    while day <= LAST:
        tag = f"{day:%Y%m%d}"
        rows += [LedgerEntry(source="t", external_id=f"c{tag}", clinic_id=clinic, posted_date=day, service_date=day,
                             kind="charge", amount_cents=100_000),
                 LedgerEntry(source="t", external_id=f"a{tag}", clinic_id=clinic, posted_date=day, service_date=day,
                             kind="contractual_adjustment", amount_cents=40_000),
                 LedgerEntry(source="t", external_id=f"p{tag}", clinic_id=clinic, posted_date=day + timedelta(days=30),
                             service_date=day, kind="payer_payment", amount_cents=60_000)]
        day += timedelta(days=1)
    s.add_all(rows)
    s.flush()


def _ask(s, q: str):  # type: ignore[no-untyped-def]
    a = answer(s, parse_kpi_command(q), OrgConfig(), now=NOW)
    return a, render_answer(a)[1], str(render_answer(a)[0])


@pytest.mark.parametrize("rollups", [False, True])
def test_net_collection_rate_is_read_where_it_means_something(sessions, rollups: bool) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        _ledger(s)
        if rollups:
            refresh_all_rollups(s)
    with session_scope(sessions) as s:
        a, text, flat = _ask(s, "net-collection-rate 2026-Q3")
        assert (a.measure.value, a.measure.n, a.measure.d) == (1.0, 92 * 60_000, 92 * 60_000)
        assert "100.00 %" in text and "By posting period" in flat and "about 30 days" in flat
        assert a.grain == "month" and [p.measure.value for p in a.trend][-3:] == [1.0, 1.0, 1.0]

        a, text, _ = _ask(s, "net-collection-rate 2026-Q2")
        assert a.measure.value is None
        assert "not enough history: the ledger starts 2026-06-01" in text and "before 2026-07-01" in text

        a, text, _ = _ask(s, "net-collection-rate 2026-09-07..2026-09-13")
        assert a.measure.value is None
        assert "over 7 days is not meaningful: payments lag charges by about 30 days" in text
        assert "`/kpi net-collection-rate 2026-09`" in text

        a, text, _ = _ask(s, "net-collection-rate")  # all data: from the first readable day
        assert a.measure.first == date(2026, 7, 1)
        # payments posted 1 Jul – 30 Oct pay the charges of 1 Jun – 30 Sep (122 days); the net
        # charges posted from 1 Jul are those of 1 Jul – 30 Sep (92 days)
        assert (a.measure.n, a.measure.d) == (122 * 60_000, 92 * 60_000)
