"""At one moment the digest, the scorecard and ``/kpi <kpi> at <clinic> last 30d`` show the same
value and flag for every KPI of a clinic (issue: the digest said "Days to third next available
6.8 days — on target" while /kpi and the scorecard said "7.3 days ⚠️": the digest's window ended
yesterday, theirs today). All three read ``bot.kpi.periods.recent_window``."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from bot.alerts.config import AlertSettings
from bot.digest.config import DigestSettings
from bot.digest.gather import gather
from bot.kpi.catalogue import CATALOGUE
from bot.kpi.engine import answer, local_today
from bot.kpi.grammar import parse_kpi_command
from bot.kpi.periods import PeriodSpec, recent_window
from bot.kpi.scorecard import scorecard
from bot.kpi.targets import format_value
from bot.orgconfig import OrgConfig
from storage.db import session_scope
from storage.models import Clinic

END = date(2026, 3, 20)
NOW = datetime(2026, 3, 20, 21, 0)  # the last seeded day, in the evening (UTC): "today" has data


@pytest.fixture
def seeded(seeded_db):  # type: ignore[no-untyped-def]
    seed = pytest.importorskip("devtools.seed")
    sessions, _ = seeded_db(seed.SeedParams(clinics=2, days=60, seed=5, end_date=END), pseudonym_key="test-key",
                            validate_rows=0)
    return sessions


def test_recent_window_ends_today_or_on_the_latest_data() -> None:
    assert recent_window(date(2026, 3, 20), date(2026, 3, 20)) == (date(2026, 2, 19), date(2026, 3, 20))
    assert recent_window(date(2026, 3, 25), date(2026, 3, 20), 7) == (date(2026, 3, 14), date(2026, 3, 20))
    assert recent_window(date(2026, 3, 10), date(2026, 3, 20), 7) == (date(2026, 3, 4), date(2026, 3, 10))
    assert recent_window(None, date(2026, 3, 20)) is None


def test_digest_scorecard_and_kpi_agree(seeded) -> None:  # type: ignore[no-untyped-def]
    org = OrgConfig(finance_channels=["C0FINANCE"])
    ids = [k.id for k in CATALOGUE]
    with session_scope(seeded) as s:
        clinics = list(s.execute(select(Clinic.key, Clinic.name, Clinic.timezone)).all())
        content = gather(s, org, AlertSettings(), DigestSettings(kpis=ids), "C0FINANCE", [c.key for c in clinics],
                         "UTC", NOW, None)
        assert len(content.kpis) > 2 * 10
        compared = ended_today = 0
        for key, name, tz in clinics:
            _, rows = scorecard(s, org, key, PeriodSpec(kind="all", text="all"), visible=set(ids), now=NOW)
            card = {r.kpi.id: r for r in rows}
            today = local_today(tz, NOW)
            for line in (x for x in content.kpis if x.clinic == name):
                row = card[line.kpi_id]
                if row.measure is None:  # too short a history: the digest and the scorecard say the same words
                    assert row.short_days is not None and line.value_text == row.shown(), (key, line.kpi_id)
                    assert line.value_text.startswith("not enough history (")
                    compared += 1
                    continue
                assert row.measure is not None and row.start is not None and row.end is not None
                # data up to today: the digest's window is /kpi's "last 30d"; a feed that lags
                # (monthly coding audits) is read over its own latest 30 days, named in the line
                asked = "last 30d" if row.end == today else f"{row.start}..{row.end}"
                a = answer(s, parse_kpi_command(f"{line.kpi_id} clinic {key} {asked}"), org, now=NOW)
                assert (a.period.start, a.period.end) == (row.start, row.end)
                shown = a.status.shown if a.status else format_value(a.measure.value, a.kpi.unit)  # type: ignore[arg-type]
                assert row.measure.value == a.measure.value, (key, line.kpi_id)
                assert line.value_text == shown, (key, line.kpi_id)
                assert line.on_target == (a.status.on_target if a.status else None), (key, line.kpi_id)
                compared += 1
                ended_today += row.end == today
        assert compared == len(content.kpis) and ended_today >= 2 * 10
