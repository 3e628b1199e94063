"""KPIs on a small seeded network (``devtools.seed``) recomputed independently with pandas from the
raw tables, for three clinics and three periods, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.kpi.engine import answer
from bot.kpi.grammar import parse_kpi_command
from bot.orgconfig import OrgConfig
from storage.db import session_scope
from tests.integration.test_kpi_rollups import frame

END = date(2026, 3, 31)
NOW = datetime(2026, 4, 1, 12)
PERIODS = [("2026-03", date(2026, 3, 1), date(2026, 3, 31)), ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
           ("2026-02-10..2026-03-20", date(2026, 2, 10), date(2026, 3, 20))]


@pytest.fixture
def seeded(sessions):
    seed = pytest.importorskip("devtools.seed")
    with session_scope(sessions) as s:
        seed.seed_database(s, seed.SeedParams(clinics=3, days=75, seed=11, end_date=END), pseudonym_key="test-key")
    return sessions


def test_kpis_match_pandas_over_raw_rows(seeded):
    with session_scope(seeded) as s:
        clinics = frame(s, "select id, name from clinics order by id")
        appts = frame(s, "select clinic_id, appointment_date, status from appointments")
        remits = frame(s, "select clinic_id, remit_date, is_first, excluded, is_denial from remittances")
        claims = frame(s, "select clinic_id, created_date, clean from claims")
        surveys = frame(s, "select clinic_id, response_date, provider_rating from survey_responses")
        checked = 0
        for _, clinic in clinics.iterrows():
            for label, lo, hi in PERIODS:
                def ask(kpi, clinic=clinic, label=label):  # type: ignore[no-untyped-def]
                    return answer(s, parse_kpi_command(f'{kpi} clinic "{clinic["name"]}" {label}'), OrgConfig(), now=NOW).measure

                a = appts[(appts.clinic_id == clinic.id) & appts.appointment_date.between(lo, hi)]
                d = a[~a.status.isin(["cancelled", "scheduled"])]
                m = ask("no-show-rate")
                assert (m.n, m.d) == ((d.status == "no_show").sum(), len(d))
                assert (m.first, m.last) == (d.appointment_date.min(), d.appointment_date.max())

                r = remits[(remits.clinic_id == clinic.id) & remits.remit_date.between(lo, hi)
                           & remits.is_first.astype(bool) & ~remits.excluded.astype(bool)]
                m = ask("denial-rate")
                assert (m.n, m.d) == (r.is_denial.astype(bool).sum(), len(r))

                c = claims[(claims.clinic_id == clinic.id) & claims.created_date.between(lo, hi)]
                m = ask("clean-claim-rate")
                assert (m.n, m.d) == (c.clean.astype(bool).sum(), len(c))

                v = surveys[(surveys.clinic_id == clinic.id) & surveys.response_date.between(lo, hi)]
                m = ask("patient-satisfaction")
                if len(v):
                    assert (m.n, m.d) == ((v.provider_rating >= 9).sum(), len(v))
                else:
                    assert m.value is None
                checked += 1
        assert checked == 9 and len(appts) > 1000
