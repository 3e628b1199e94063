"""The roll-ups added for fast answers (migration 0009) give the raw-row answers, on SQLite and
PostgreSQL: monthly lead-time histograms (network, clinic, provider), the ``network_payer``
grain, the ``net-ar`` component, the stored answers of ``kpi_measure_daily`` (third next
available, days of supply, reorder point) and the batched trends of days in A/R, initial denial
rate and inventory turns.

On a small seeded network (``devtools.seed``) each is checked against pandas/numpy computed here,
independently, from the raw tables, for the value and for trend points; and a whole year of
answers is compared with the raw-row engine (roll-up state emptied).
"""

from __future__ import annotations

import math
from calendar import monthrange
from datetime import date, datetime, timedelta
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import delete, text

from bot.kpi.catalogue import CATALOGUE
from storage.db import session_scope
from storage.models.rollups import RollupState
from tests.integration.test_kpi_rollups import ask, expected_tna, frame

END = date(2026, 3, 31)


@pytest.fixture
def seeded(seeded_db):  # type: ignore[no-untyped-def]
    seed = pytest.importorskip("devtools.seed")
    sessions, _ = seeded_db(seed.SeedParams(clinics=3, days=150, seed=5, end_date=END), pseudonym_key="k",
                            validate_rows=0)  # a copy of one seeding per session
    return sessions


def lead_expected(a: pd.DataFrame, lo: date | None, hi: date | None) -> tuple[float, int, date, date]:
    """(median, appointments, first, last) of lead days: not cancelled in time, known, ≥ 0."""
    a = a[(a.status != "cancelled") & a.lead_days.notna() & (a.lead_days >= 0)]
    a = a[(a.appointment_date >= (lo or date.min)) & (a.appointment_date <= (hi or date.max))]
    return float(np.median(a.lead_days)), len(a), a.appointment_date.min(), a.appointment_date.max()


def supply_expected(s, clinic_id: int | None, day: date) -> tuple[float, int, int]:  # type: ignore[no-untyped-def]
    """(median days of supply, items at or below reorder point, items measured) on ``day``:
    usage over the 91 days ending on it (zeros included), on hand = latest count on or before
    it plus the signed movements after the count through the day, else lots on hand, ROP = d̄L + z·√(Lσd² + d̄²σL²) with z = Φ⁻¹(service level)."""
    items = frame(s, "select id, clinic_id, lead_time_days, lead_time_sd_days, service_level from supply_items")
    if clinic_id is not None:
        items = items[items.clinic_id == clinic_id]
    tx = frame(s, "select item_id, tx_date, quantity from inventory_transactions where kind = 'usage'")
    tx = tx[(tx.tx_date > day - timedelta(days=91)) & (tx.tx_date <= day)]
    counts = frame(s, "select item_id, count_date, on_hand from stock_counts")
    last = counts[counts.count_date <= day].sort_values("count_date").groupby("item_id").last()
    moves = frame(s, "select item_id, tx_date, kind, quantity from inventory_transactions")
    moves = moves[moves.tx_date <= day].merge(last[["count_date"]], left_on="item_id", right_index=True)
    moves = moves[moves.tx_date > moves.count_date]
    sign = moves.kind.map({"usage": -1.0, "expired": -1.0}).fillna(1.0)  # adjustments are signed
    counts = last.on_hand.add((moves.quantity * sign).groupby(moves.item_id).sum(), fill_value=0.0)
    lots = frame(s, "select item_id, quantity_on_hand from supply_lots").groupby("item_id").quantity_on_hand.sum()
    dos, below = [], 0
    for item in items.itertuples():
        daily = tx[tx.item_id == item.id].groupby("tx_date").quantity.sum().to_numpy()
        usage = np.concatenate([daily, np.zeros(91 - len(daily))])
        hand = counts.get(item.id, lots.get(item.id))
        if usage.mean() <= 0 or hand is None or pd.isna(hand):
            continue
        mean, sd = usage.mean(), usage.std(ddof=1)
        z = NormalDist().inv_cdf(item.service_level)
        rop = mean * item.lead_time_days + z * math.sqrt(item.lead_time_days * sd ** 2
                                                          + mean ** 2 * item.lead_time_sd_days ** 2)
        dos.append(hand / mean)
        below += hand <= rop
    return float(np.median(dos)), below, len(dos)


def test_fast_rollups_match_independent_computations(seeded):  # type: ignore[no-untyped-def]
    with session_scope(seeded) as s:
        clinics = frame(s, "select id, name, timezone from clinics order by id")
        zones = dict(zip(clinics.id, clinics.timezone, strict=True))
        appts = frame(s, "select clinic_id, provider_id, appointment_date, status, lead_days from appointments")
        provider = s.execute(text("select p.id, p.key from providers p join appointments a on a.provider_id = p.id "
                                  "group by p.id, p.key order by count(*) desc, p.id")).first()
        clinic = clinics.iloc[0]
        for words, rows in (("", appts), (f'clinic "{clinic["name"]}" ', appts[appts.clinic_id == clinic.id]),
                            (f'provider "{provider.key}" ', appts[appts.provider_id == provider.id])):
            for period, lo, hi in (("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
                                   ("2025-12-15..2026-03-10", date(2025, 12, 15), date(2026, 3, 10)),
                                   ("all", None, date(2026, 4, 1))):  # "all" ends today
                a = ask(s, f"booking-lead-time {words}{period}")
                value, n, first, last = lead_expected(rows, lo, hi)
                assert (a.measure.value, a.measure.n, a.measure.first, a.measure.last) == (value, n, first, last)
            point = next(t for t in a.trend if t.start == date(2026, 1, 1))  # "all": monthly trend
            assert point.measure.value == lead_expected(rows, date(2026, 1, 1), date(2026, 1, 31))[0]

        remits = frame(s, "select payer_id, remit_date, is_first, excluded, is_denial from remittances")
        claims = frame(s, "select payer_id, submitted_date from claims")
        payer = s.execute(text("select p.id, p.key from payers p join claims c on c.payer_id = p.id "
                               "group by p.id, p.key order by count(*) desc, p.id")).first()
        r = remits[(remits.payer_id == payer.id) & remits.is_first.astype(bool) & ~remits.excluded.astype(bool)
                   & remits.is_denial.astype(bool)]
        for period, lo, hi, base in (
                ("2026-03", date(2026, 3, 1), date(2026, 3, 31), (date(2025, 12, 1), date(2026, 2, 28))),
                ("2026-02", date(2026, 2, 1), date(2026, 2, 28), (date(2025, 11, 1), date(2026, 1, 31)))):
            m = ask(s, f'initial-denial-rate payer "{payer.key}" {period}').measure
            sent = claims[(claims.payer_id == payer.id) & claims.submitted_date.between(*base)]
            # the baseline's months are those the payer's submissions cover (each day its month's share)
            since = claims[claims.payer_id == payer.id].submitted_date.min()
            covered = [base[0] + timedelta(days=i) for i in range((base[1] - base[0]).days + 1)]
            months = sum(1 / monthrange(d.year, d.month)[1] for d in covered if d >= since)
            assert (m.n, m.d) == (r.remit_date.between(lo, hi).sum(), pytest.approx(len(sent) / months))

        snaps = frame(s, "select clinic_id, as_of_date, net_ar_cents from ar_snapshots")
        ledger = frame(s, "select clinic_id, posted_date, kind, amount_cents from ledger_entries")
        for words, ids in (("", list(clinics.id)), (f'clinic "{clinic["name"]}" ', [clinic.id])):
            for day, r_lo, r_hi in ((date(2026, 3, 31), date(2026, 1, 1), date(2026, 3, 31)),
                                    (date(2026, 2, 20), date(2025, 11, 1), date(2026, 1, 31))):
                m = ask(s, f"days-in-ar {words}{day:%Y-%m}-01..{day:%Y-%m-%d}").measure
                ar = sum(g[g.as_of_date <= day].sort_values("as_of_date").net_ar_cents.iloc[-1]
                         for c, g in snaps.groupby("clinic_id") if c in ids and (g.as_of_date <= day).any())
                le = ledger[ledger.clinic_id.isin(ids) & ledger.posted_date.between(r_lo, r_hi)]
                by_kind = le.groupby("kind").amount_cents.sum()
                revenue = by_kind.get("charge", 0) - by_kind.get("contractual_adjustment", 0)
                # divided by the window's days the ledger covers (from its first posting in scope)
                first = ledger[ledger.clinic_id.isin(ids)].posted_date.min()
                days = (r_hi - max(r_lo, first)).days + 1
                assert days >= 30  # the catalogue's minimum: a value is due
                assert (m.n, m.d, m.last) == (ar, revenue, day)
                assert m.value == pytest.approx(ar / (revenue / days), rel=1e-12)

        slots = frame(s, "select clinic_id, provider_id, appointment_type, slot_date, start_at, state, created_at, "
                         "booked_at from slots")
        for day in (date(2026, 3, 2), date(2026, 1, 15)):
            m = ask(s, f"third-next-available {day:%Y-%m-%d}").measure
            value, providers = expected_tna(slots, zones, day)
            assert m.value == pytest.approx(value, rel=1e-12) and m.n == providers

        for words, clinic_id in (("", None), (f'clinic "{clinic["name"]}" ', int(clinic.id))):
            for day in (date(2026, 3, 20), date(2026, 2, 1)):
                dos = ask(s, f"days-of-supply {words}{day:%Y-%m-%d}").measure
                rop = ask(s, f"reorder-point {words}{day:%Y-%m-%d}").measure
                median, below, measured = supply_expected(s, clinic_id, day)
                assert dos.value == pytest.approx(median, rel=1e-12) and dos.n == measured
                assert (rop.value, rop.n, rop.d) == (below, below, measured)


def test_inventory_turns_trend_matches_pandas(seeded):  # type: ignore[no-untyped-def]
    with session_scope(seeded) as s:
        tx = frame(s, "select t.tx_date, t.quantity * i.unit_cost_cents as value, i.clinic_id from "
                      "inventory_transactions t join supply_items i on i.id = t.item_id where t.kind = 'usage'")
        counts = frame(s, "select c.item_id, c.count_date, c.on_hand, i.unit_cost_cents from stock_counts c "
                          "join supply_items i on i.id = c.item_id")
        data_end = max(frame(s, "select max(tx_date) as tx_date from inventory_transactions").tx_date.iloc[0],
                       counts.count_date.max())
        a = ask(s, "inventory-turns 2025-11-15..2026-03-31")  # > 120 days: a monthly trend
        assert [t.start for t in a.trend][-4:] == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1),
                                                   date(2026, 3, 1)]
        for point in a.trend[-4:]:
            used = tx[tx.tx_date.between(point.start, point.end)]
            # kpis.md: the period's calendar days, up to the latest inventory data (any transaction
            # or stock count), not just to the last usage day
            last = min(point.end, data_end)
            # opening stock: each item's last count before the period (issue 16)
            opening = counts[counts.count_date < point.start].sort_values("count_date").groupby("item_id").tail(1)
            c = pd.concat([opening, counts[counts.count_date.between(point.start, last)]])
            stock = (c.groupby("item_id").on_hand.mean() * c.groupby("item_id").unit_cost_cents.first()).sum()
            annual = used.value.sum() * 365 / ((last - point.start).days + 1)
            assert point.measure.value == pytest.approx(annual / stock, rel=1e-12)


QUESTIONS = ("", "last month", "last 30d", "2026-01-05..2026-03-17", "last 12 weeks")


def test_every_kpi_answers_the_same_from_rollups_and_raw_rows_over_a_year(seeded):  # type: ignore[no-untyped-def]
    now = datetime(2026, 4, 1, 12)
    with session_scope(seeded) as s:
        clinic = s.execute(text("select name from clinics order by id")).scalar()
        provider = s.execute(text("select key from providers order by id")).scalar()
        payer = s.execute(text("select key from payers order by id")).scalar()
    questions = []
    for kpi in CATALOGUE:
        scopes = ["", f'clinic "{clinic}" '] + ([f'provider "{provider}" '] if "provider" in kpi.dimensions else []) \
            + ([f'payer "{payer}" '] if "payer" in kpi.dimensions else [])
        questions += [f"{kpi.id} {scope}{q}".strip() for scope in scopes for q in QUESTIONS]

    def answers():  # type: ignore[no-untyped-def]
        from bot.kpi.engine import answer
        from bot.kpi.grammar import parse_kpi_command
        from bot.orgconfig import OrgConfig

        with session_scope(seeded) as s:
            out = {}
            for q in questions:
                a = answer(s, parse_kpi_command(q), OrgConfig(), now=now)
                out[q] = (a.measure, a.latest, [(t.start, t.measure) for t in a.trend])
            return out

    fast = answers()
    with session_scope(seeded) as s:
        s.execute(delete(RollupState))
    slow = answers()
    assert sum(1 for q in questions if fast[q][0].has_data) > 0.9 * len(questions) - 10
    assert [q for q in questions if fast[q] != slow[q]] == []
