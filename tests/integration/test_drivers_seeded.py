"""Issue 19, "why it changed": on a generated network (``devtools.seed``), 20 random "vs" questions
across KPIs, scopes and breakdown dimensions. For each, the contributions in the answer add up to
the total change to 1e-9, and each segment's rate and mix effects equal this test's own pandas
recomputation from the stored rows (Kitagawa 1955 midpoint rate effects, Griliches–Regev 1995 mix
effects about the overall rate, written out here, not imported). The planted denial spike (one clinic, one payer, one category) is the top driver of
the network's change by clinic, payer and denial category. SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import select, text

from bot.alerts.config import AlertSettings
from bot.alerts.evaluate import run_alerts
from bot.denial_codes import CATEGORIES
from bot.digest.kpis import kpi_lines
from bot.kpi.engine import answer
from bot.kpi.grammar import parse_kpi_command
from bot.orgconfig import OrgConfig
from bot.views.kpi import render_answer
from storage.db import session_scope
from storage.models import Clinic

seed = pytest.importorskip("devtools.seed")
END = date(2026, 3, 31)
NOW = datetime(2026, 4, 1, 12)
TOL = 1e-9

# KPI → SQL giving one row per counted record: day, clinic_id, provider_id, payer_id, n, d, category
ROWS = {
    "denial-rate": "select remit_date as day, clinic_id, null as provider_id, payer_id, "
                   "case when is_denial then 1 else 0 end as n, 1 as d, denial_category as category "
                   "from remittances where is_first and not excluded",
    "first-pass-resolution": "select remit_date as day, clinic_id, null as provider_id, payer_id, "
                             "case when not is_denial and line_denials = 0 and paid_cents > 0 "
                             "and claim_status_code in ('1','2','3') then 1 else 0 end as n, 1 as d, "
                             "null as category from remittances where is_first and not excluded",
    "clean-claim-rate": "select created_date as day, clinic_id, provider_id, payer_id, "
                        "case when clean then 1 else 0 end as n, 1 as d, null as category from claims",
    "no-show-rate": "select appointment_date as day, clinic_id, provider_id, null as payer_id, "
                    "case when status = 'no_show' then 1 else 0 end as n, 1 as d, null as category "
                    "from appointments where status not in ('cancelled', 'scheduled')",
    "patient-satisfaction": "select response_date as day, clinic_id, provider_id, null as payer_id, "
                            "case when provider_rating >= 9 then 1 else 0 end as n, 1 as d, null as category "
                            "from survey_responses",
}
DIMS = {"denial-rate": ("clinic", "payer"), "first-pass-resolution": ("clinic", "payer"),
        "clean-claim-rate": ("clinic", "provider", "payer"), "no-show-rate": ("clinic", "provider"),
        "patient-satisfaction": ("clinic", "provider")}
PERIODS = {"2026-03 vs last month": ((date(2026, 2, 1), date(2026, 2, 28)), (date(2026, 3, 1), date(2026, 3, 31))),
           "last 14 days vs last period": ((date(2026, 3, 5), date(2026, 3, 18)), (date(2026, 3, 19), date(2026, 4, 1))),
           "2026-02 vs 2026-01": ((date(2026, 1, 1), date(2026, 1, 31)), (date(2026, 2, 1), date(2026, 2, 28)))}


@pytest.fixture
def network(seeded_db):  # type: ignore[no-untyped-def]
    return seeded_db(seed.SeedParams(clinics=5, days=120, seed=3, end_date=END),  # a copy of one seeding
                     pseudonym_key="test-key", validate_rows=0)


def _frame(s, sql: str) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    result = s.execute(text(sql))
    df = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    df["day"] = pd.to_datetime(df["day"]).dt.date
    df[["n", "d"]] = df[["n", "d"]].astype(float)
    return df


def _key(k):  # type: ignore[no-untyped-def]
    """A segment key as the product names it: None for "no payer/category", ints as ints."""
    if k == "∅" or k is None:
        return None
    return int(k) if isinstance(k, float) else k


def _expected(rows: pd.DataFrame, dim: str, before: tuple[date, date], after: tuple[date, date]) -> dict:
    """{segment: (rate effect, mix effect)}: Kitagawa's midpoint rate effect and the
    Griliches–Regev mix effect (share change × the segment's mean rate less the overall), written out."""
    col = f"{dim}_id" if dim != "denial_category" else "category"
    sums = []
    for lo, hi in (before, after):
        part = rows[(rows.day >= lo) & (rows.day <= hi)]
        counted = part[part.n > 0] if dim == "denial_category" else part  # categories split N only
        g = counted.groupby(counted[col].fillna("∅"), dropna=False)[["n", "d"]].sum()
        sums.append(({_key(k): (r.n, r.d) for k, r in g.iterrows()}, part.n.sum(), part.d.sum()))
    (s0, N0, D0), (s1, N1, D1) = sums
    overall = (N0 / D0 + N1 / D1) / 2  # R̄: shares moving only matter against the overall rate
    out = {}
    for k in set(s0) | set(s1):
        n0, d0 = s0.get(k, (0.0, 0.0))
        n1, d1 = s1.get(k, (0.0, 0.0))
        if dim == "denial_category":
            out[k] = (n1 / D1 - n0 / D0, 0.0)
            continue
        r0 = n0 / d0 if d0 else n1 / d1  # a segment absent in one period keeps the other's rate
        r1 = n1 / d1 if d1 else r0
        w0, w1 = d0 / D0, d1 / D1
        out[k] = ((r1 - r0) * (w0 + w1) / 2, (w1 - w0) * ((r0 + r1) / 2 - overall))
    return out


def test_twenty_random_questions_decompose_exactly(network) -> None:  # type: ignore[no-untyped-def]
    sessions, _ = network
    rng = random.Random(19)
    checked = parts_checked = 0
    with session_scope(sessions) as s:
        frames = {kpi: _frame(s, sql) for kpi, sql in ROWS.items()}
        clinics = [r[0] for r in s.execute(text("select name from clinics order by id"))]
        payers = [r[0] for r in s.execute(text("select name from payers order by id"))]
        while checked < 20:
            kpi = rng.choice(sorted(ROWS))
            period = rng.choice(sorted(PERIODS))
            scope_kind = rng.choice(["network", "clinic", "payer"] if "payer" in DIMS[kpi] else ["network", "clinic"])
            by = rng.choice([None, *DIMS[kpi]])
            rows = frames[kpi]
            q = kpi
            if scope_kind == "clinic":
                name = rng.choice(clinics)
                q += f' clinic "{name}"'
                cid = s.execute(text("select id from clinics where name = :n"), {"n": name}).scalar()
                rows = rows[rows.clinic_id == cid]
            elif scope_kind == "payer":
                name = rng.choice(payers)
                q += f' payer "{name}"'
                pid = s.execute(text("select id from payers where name = :n"), {"n": name}).scalar()
                rows = rows[rows.payer_id == pid]
            if by == scope_kind:
                by = None
            head, _, tail = period.partition(" vs ")
            q += f" {head}" + (f" by {by}" if by else "") + f" vs {tail}"
            a = answer(s, parse_kpi_command(q), OrgConfig(), now=NOW)
            if not a.measure.has_data or a.comparison is None or not a.comparison[1].has_data:
                continue
            assert a.drivers, q
            total = a.measure.value - a.comparison[1].value
            for d in a.drivers:
                assert abs(d.total - total) < TOL, (q, d.dim)
                assert abs(sum(c.total for c in d.parts) - total) < TOL, (q, d.dim)
                want = _expected(rows, d.dim, *PERIODS[period])
                got = {c.key: (c.rate_effect, c.mix_effect) for c in d.parts}
                assert set(got) == set(want), (q, d.dim)
                for k, (rate, mix) in want.items():
                    assert abs(got[k][0] - rate) < TOL and abs(got[k][1] - mix) < TOL, (q, d.dim, k)
                    parts_checked += 1
            checked += 1
    print(f"\n20 questions, {parts_checked} segment contributions equal the independent recomputation")
    assert parts_checked > 40


def test_planted_denial_spike_is_the_top_driver(network) -> None:  # type: ignore[no-untyped-def]
    sessions, report = network
    event = report.event("denial_spike")
    with session_scope(sessions) as s:
        clinic = s.execute(text("select name from clinics where key = :k"), {"k": event.clinic_key}).scalar()
        payer = s.execute(text("select name from payers where key = :k"), {"k": event.detail["payer_key"]}).scalar()
        a = answer(s, parse_kpi_command("denial-rate last 14 days vs last period"), OrgConfig(), now=NOW)
    assert a.measure.value > a.comparison[1].value
    top = {d.dim: d.top(1)[0] for d in a.drivers}
    assert top["clinic"].name == clinic
    assert top["payer"].name == payer
    assert top["denial_category"].key == event.detail["category"]
    assert top["clinic"].rate_effect > top["clinic"].mix_effect
    assert event.detail["since"] == END - timedelta(days=13)
    category = CATEGORIES[event.detail["category"]]
    why = answer_text(a)
    assert why.index(clinic) < why.index("By payer") < why.index(payer) < why.index(category)

    with session_scope(sessions) as s:  # the alert: the clinic-wide finding names payer and category
        run = run_alerts(s, OrgConfig(), AlertSettings(), datetime(2026, 4, 1, 12, tzinfo=UTC),
                         clinic_key=event.clinic_key, rules=["denial_spike"])
    clinic_wide = [f for r in run.results for f in r.findings if f.rule == "denial_spike" and f.subject == "denials"]  # one incident per event (issue 16)
    assert clinic_wide, "the planted spike raises the denial alert"
    line = next(x for x in clinic_wide[0].lines if x.startswith("Why:"))
    assert line.index(f"payer {payer}") < line.index(f"denial category {category}")

    with session_scope(sessions) as s:  # the digest: the clinic's denial-rate line says why
        row = s.execute(select(Clinic).where(Clinic.key == event.clinic_key)).scalar_one()
        lines, _ = kpi_lines(s, OrgConfig(), row, END + timedelta(days=1), 14, ["denial-rate"], {})
    assert lines[0].why and f"payer {payer}" in lines[0].why and category in lines[0].why, lines[0]


def answer_text(a) -> str:  # type: ignore[no-untyped-def]
    blocks, _ = render_answer(a)
    return "\n".join(b["text"]["text"] for b in blocks if b.get("type") == "section")
