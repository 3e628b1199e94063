"""Every catalogue KPI, asked through the real engine as a user would (``/kpi`` grammar), agrees
with an independent pandas recomputation from the raw tables (``tests.oracle``), on a small
seeded network (``tests.oracle.networks.SMALL``), on SQLite and PostgreSQL.

Scopes: the network and three of its four clinics (New York, Denver, Los Angeles); periods: the
data's last (partial) month, the whole month before it, and a custom range across their boundary.
N and D must be equal, values within a relative 1e-9, "no data" on both sides or neither (rules:
``tests.oracle.check``). Disagreements already reported are listed in
``check.KNOWN_DISAGREEMENTS`` (the test then xfails naming them, and fails once they agree).
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import insert

from bot.kpi.catalogue import CATALOGUE
from bot.kpi.engine import answer
from bot.kpi.grammar import parse_kpi_command
from bot.orgconfig import OrgConfig
from storage.models import Clinic, LedgerEntry
from tests.oracle import check, networks
from tests.oracle.frames import Ask
from tests.oracle.registry import ORACLES
from tests.oracle.tables import RawTables

SHAPE = networks.SMALL


@pytest.fixture
def seeded(seeded_db):  # type: ignore[no-untyped-def]
    sessions, _ = seeded_db(networks.seed_params(SHAPE), **networks.SEED_KW)  # a copy of one seeding per session
    return sessions


def test_every_kpi_agrees_with_the_oracle(seeded):  # type: ignore[no-untyped-def]
    with seeded() as s:
        end = check.end_of_data(s)
        assert end == SHAPE.end_date
        clinics = check.pick_clinics(s, SHAPE.checked_clinics)
        periods = check.standard_periods(end)
        out = check.run(s, now=datetime.combine(end + timedelta(days=1), time(12)), clinics=clinics,
                        periods=periods)
        s.rollback()
    assert out.kpis == {k.id for k in CATALOGUE}
    assert len(clinics) == 3 and out.comparisons == len(CATALOGUE) * (1 + 3) * 3
    assert out.with_data >= 0.9 * out.comparisons  # the answers compared are mostly real values
    check.verdict(out)


def test_money_posted_on_a_day_without_revenue_counts(sessions):  # type: ignore[no-untyped-def]
    """kpis.md: (payments − refunds) ÷ (charges − contractual adjustments) over the period, and
    denial write-offs ÷ that revenue — a payment posted on a Saturday, when nothing was charged,
    is still a payment of the month (hand-made rows; the seed charges every day)."""
    with sessions() as s:
        clinic = Clinic(key="north", name="North", name_folded="north", timezone="America/New_York")
        s.add(clinic)
        s.flush()
        for i, (day, kind, cents) in enumerate([(2, "charge", 100_000), (2, "contractual_adjustment", 20_000),
                                                (7, "payer_payment", 50_000), (8, "denial_write_off", 8_000)]):
            s.execute(insert(LedgerEntry).values(source="t", external_id=f"e{i}", clinic_id=clinic.id,
                                                 posted_date=date(2026, 3, day), kind=kind, amount_cents=cents))
        tables = RawTables(s, date(2026, 3, 1), date(2026, 3, 1))
        got = {}
        for kpi in ("net-collection-rate", "write-off-rate"):
            expected = ORACLES[kpi](tables, Ask(None, date(2026, 3, 1), date(2026, 3, 31)))
            m = answer(s, parse_kpi_command(f"{kpi} 2026-03"), OrgConfig(), now=datetime(2026, 4, 2, 12)).measure
            got[kpi] = ((m.n, m.d, m.value), (expected.n, expected.d, expected.value))
        s.rollback()
    assert got["net-collection-rate"][1] == (50_000, 80_000, 0.625)  # the oracle, checked by hand
    assert got["write-off-rate"][1] == (8_000, 80_000, 0.1)
    assert all(engine == oracle for engine, oracle in got.values()), got


def test_initial_denial_rate_for_all_data_starts_where_a_baseline_exists(seeded):  # type: ignore[no-untyped-def]
    """``/kpi initial-denial-rate`` with no period: from the first month with three whole months of
    submissions before it to the last initial denial — the same as asking that range explicitly."""
    from sqlalchemy import text

    from tests.oracle.claims import _month_start

    with seeded() as s:
        first_sent = s.execute(text("select min(submitted_date) from claims")).scalar()
        first_sent = date.fromisoformat(str(first_sent)[:10])
        start = _month_start(first_sent, -3)  # three months later
        now = datetime.combine(check.end_of_data(s) + timedelta(days=2), time(12))
        whole = answer(s, parse_kpi_command("initial-denial-rate"), OrgConfig(), now=now).measure
        end = now.date()  # "all" runs to today, as an explicit range ending today
        explicit = answer(s, parse_kpi_command(f"initial-denial-rate {start}..{end}"), OrgConfig(), now=now).measure
        base_lo, base_hi = _month_start(start, 3), start - timedelta(days=1)
        sent = s.execute(text("select count(*) from claims where submitted_date between :a and :b"),
                         {"a": base_lo, "b": base_hi}).scalar()
        s.rollback()
    assert whole.value is not None and whole.first >= start
    assert (whole.n, whole.d) == (explicit.n, explicit.d)
    assert start.month == end.month  # the small network's data end within that month: the share is simple
    share = ((end - start).days + 1) / 28 if start.month == 2 else None
    # the baseline's months: those the claims feed covers, from the first submission on (each
    # day its month's share)
    covered = [first_sent + timedelta(days=i) for i in range((base_hi - max(base_lo, first_sent)).days + 1)]
    base_months = sum(1 / monthrange(d.year, d.month)[1] for d in covered)
    assert share is not None and abs(whole.d - sent / base_months * share) <= 1e-9 * whole.d
