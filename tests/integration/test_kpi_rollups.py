"""The KPI roll-ups give the raw-row answers, on SQLite and PostgreSQL.

On a small seeded network (``devtools.seed``, which refreshes every roll-up) the slow-on-raw-rows
KPIs read from the roll-ups are checked against pandas/numpy computed here, independently, from
the raw tables (utilization, booking lead time, third next available, denial rate, clean claim
rate by payer, net collection rate), for the network and two clinics over several periods. Then
every KPI and question shape is answered twice — roll-ups fresh, and with ``rollup_state``
emptied so the engine reads raw rows — and the answers must be identical. Finally a feed load
that was not followed by a refresh makes the roll-ups stale (the engine falls back to raw rows).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import delete, insert, select, text

from bot.kpi.catalogue import CATALOGUE
from bot.kpi.engine import answer
from bot.kpi.grammar import parse_kpi_command
from bot.kpi.rollup_read import is_fresh
from bot.orgconfig import OrgConfig
from storage.db import session_scope
from storage.models import FeedLoad, utcnow
from storage.models.rollups import RollupState

END = date(2026, 3, 31)
NOW = datetime(2026, 4, 1, 12)
PERIODS = [("2026-03", date(2026, 3, 1), date(2026, 3, 31)), ("2026-02-10..2026-03-20", date(2026, 2, 10),
                                                                date(2026, 3, 20))]


@pytest.fixture
def seeded(sessions):
    seed = pytest.importorskip("devtools.seed")
    with session_scope(sessions) as s:
        seed.seed_database(s, seed.SeedParams(clinics=3, days=60, seed=7, end_date=END), pseudonym_key="k",
                           validate_rows=0)
    return sessions


def frame(s, sql):  # type: ignore[no-untyped-def]
    result = s.execute(text(sql))
    df = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    for col in df.columns:
        if col.endswith("_date"):
            df[col] = pd.to_datetime(df[col]).dt.date
        if col.endswith("_at"):
            df[col] = pd.to_datetime(df[col])
    return df


def ask(s, q):  # type: ignore[no-untyped-def]
    return answer(s, parse_kpi_command(q), OrgConfig(), now=NOW)


def expected_tna(slots: pd.DataFrame, zone: str | dict[int, str], day: date,
                 horizon: int = 90) -> tuple[float, int]:
    """IHI third next available (kpis.md) on ``day``: mean over providers of the mean over
    appointment types of days to the third free slot (free = published and not yet booked at
    the end of the clinic-local day, not blocked)."""
    def end_of(z: str) -> datetime:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(z)).astimezone(
            ZoneInfo("UTC")).replace(tzinfo=None)

    # one zone for every slot, or clinic id -> zone (each clinic's day ends at its own midnight)
    eod = slots.clinic_id.map({c: end_of(z) for c, z in zone.items()}) if isinstance(zone, dict) else end_of(zone)
    free = slots[(slots.state != "blocked") & (slots.created_at.isna() | (slots.created_at < eod))
                 & (slots.booked_at.isna() | (slots.booked_at >= eod))
                 & (slots.slot_date >= day) & (slots.slot_date <= day + timedelta(days=horizon))]
    third = (free.sort_values(["slot_date", "start_at"]).groupby(["provider_id", "appointment_type"])["slot_date"]
             .apply(lambda d: (d.iloc[2] - day).days if len(d) >= 3 else np.nan).dropna())
    per_provider = third.groupby(level=0).mean()
    return float(per_provider.mean()), len(per_provider)


def test_rollups_match_independent_computations_and_raw_answers(seeded):
    with session_scope(seeded) as s:
        assert is_fresh(s, ("appointments", "slots", "claims", "remittances", "ledger", "inventory", "supply"))
        clinics = frame(s, "select id, name, timezone from clinics order by id")
        slots = frame(s, "select clinic_id, provider_id, appointment_type, slot_date, start_at, duration_minutes, "
                         "state, created_at, booked_at from slots")
        appts = frame(s, "select clinic_id, appointment_date, status, lead_days from appointments")
        remits = frame(s, "select clinic_id, remit_date, is_first, excluded, is_denial from remittances")
        claims = frame(s, "select clinic_id, payer_id, created_date, clean from claims")
        payer = s.execute(text("select p.id, p.name from payers p join claims c on c.payer_id = p.id "
                               "group by p.id, p.name order by count(*) desc")).first()
        ledger = frame(s, "select clinic_id, posted_date, kind, amount_cents from ledger_entries")
        scopes = [(None, "", None)] + [(c.id, f'clinic "{c.name}" ', c.timezone) for c in clinics.itertuples()][:2]
        checked = 0
        for clinic_id, words, zone in scopes:
            def rows(df, clinic_id=clinic_id):  # type: ignore[no-untyped-def]
                return df if clinic_id is None else df[df.clinic_id == clinic_id]
            for label, lo, hi in PERIODS:
                sl = rows(slots)[rows(slots).slot_date.between(lo, hi)]
                template = sl[(sl.state != "blocked") & ~sl.appointment_type.str.startswith("overbook")]
                m = ask(s, f"provider-utilization {words}{label}").measure
                assert (m.n, m.d) == (sl[sl.state == "booked"].duration_minutes.sum(), template.duration_minutes.sum())

                a = rows(appts)
                a = a[a.appointment_date.between(lo, hi) & (a.status != "cancelled") & a.lead_days.notna()
                      & (a.lead_days >= 0)]
                m = ask(s, f"booking-lead-time {words}{label}").measure
                assert m.value == float(np.median(a.lead_days)) and m.n == len(a)
                assert m.extra["mean"] == pytest.approx(a.lead_days.mean(), rel=1e-12)
                assert m.extra["same_day_share"] == pytest.approx((a.lead_days == 0).mean(), rel=1e-12)

                r = rows(remits)
                r = r[r.remit_date.between(lo, hi) & r.is_first.astype(bool) & ~r.excluded.astype(bool)]
                m = ask(s, f"denial-rate {words}{label}").measure
                assert (m.n, m.d) == (r.is_denial.astype(bool).sum(), len(r))

                c = rows(claims)
                c = c[c.created_date.between(lo, hi) & (c.payer_id == payer.id)]
                m = ask(s, f'clean-claim-rate {words}payer "{payer.name}" {label}').measure
                assert (m.n, m.d) == (c.clean.astype(bool).sum(), len(c))

                le = rows(ledger)
                le = le[le.posted_date.between(lo, hi)]
                by_kind = le.groupby("kind").amount_cents.sum()
                m = ask(s, f"net-collection-rate {words}{label}").measure
                paid = by_kind.get("payer_payment", 0) + by_kind.get("patient_payment", 0) - by_kind.get("refund", 0)
                assert (m.n, m.d) == (paid, by_kind.get("charge", 0) - by_kind.get("contractual_adjustment", 0))
                checked += 1
            if clinic_id is not None:
                for day in (date(2026, 3, 2), date(2026, 3, 16)):
                    m = ask(s, f"third-next-available {words}{day:%Y-%m-%d}").measure
                    value, providers = expected_tna(rows(slots), zone, day)
                    assert m.value == pytest.approx(value, rel=1e-12) and m.n == providers
        assert checked == 6
    every_kpi_answers_the_same_from_rollups_and_raw_rows(seeded)  # one seeding for both checks


QUESTIONS = ("last 30d", "last month", "2026-02-10..2026-03-20", "all", "last 30d by clinic")


def _answers(sessions, questions):  # type: ignore[no-untyped-def]
    out = {}
    with session_scope(sessions) as s:
        for q in questions:
            a = ask(s, q)
            out[q] = (a.measure, a.latest, [(t.start, t.measure) for t in a.trend],
                      [(r.key, r.measure) for r in a.breakdown or []])
    return out


def every_kpi_answers_the_same_from_rollups_and_raw_rows(seeded):  # type: ignore[no-untyped-def]
    with session_scope(seeded) as s:
        clinic = s.execute(text("select name from clinics order by id")).scalar()
        provider = s.execute(text("select name from providers order by id")).scalar()
        payer = s.execute(text("select name from payers order by id")).scalar()
    questions = []
    for kpi in CATALOGUE:
        questions += [f"{kpi.id} {q}" for q in QUESTIONS] + [f'{kpi.id} clinic "{clinic}" last month']
        if "provider" in kpi.dimensions:
            questions += [f'{kpi.id} provider "{provider}" 2026-03', f"{kpi.id} 2026-03 by provider"]
        if "payer" in kpi.dimensions:
            questions += [f'{kpi.id} payer "{payer}" 2026-03', f"{kpi.id} 2026-03 by payer"]
    fast = _answers(seeded, questions)
    with session_scope(seeded) as s:
        s.execute(delete(RollupState))
    slow = _answers(seeded, questions)
    assert sum(1 for q in questions if fast[q][0].has_data) > 60
    assert [q for q in questions if fast[q] != slow[q]] == []


def test_a_load_without_refresh_makes_the_rollups_stale(sessions):
    from bot.kpi.rollup_refresh import refresh_feed_rollups

    with session_scope(sessions) as s:
        assert not is_fresh(s, ("appointments",))  # never refreshed: raw rows
    with session_scope(sessions) as s:
        s.execute(insert(FeedLoad).values(feed="appointments", source_name="x", file_format="csv",
                                          started_at=utcnow()))
        refresh_feed_rollups(s, "appointments")
        refresh_feed_rollups(s, "claims")
    with session_scope(sessions) as s:
        assert is_fresh(s, ("appointments", "claims"))
    with session_scope(sessions) as s:
        s.execute(insert(FeedLoad).values(feed="appointments", source_name="y", file_format="csv",
                                          started_at=utcnow()))
    with session_scope(sessions) as s:
        assert not is_fresh(s, ("appointments",)) and is_fresh(s, ("claims",))
        assert set(s.execute(select(RollupState.feed)).scalars()) == {"appointments", "claims"}
