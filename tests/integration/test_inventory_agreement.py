"""Issue 16: ``/kpi reorder-point``, ``/kpi days-of-supply`` and the low-stock alert agree for
every clinic of a generated network, from the roll-ups and from raw rows; a stock count dated
after the last usage day counts, and "today" answers on the day of that count."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from bot.alerts.config import AlertSettings
from bot.alerts.evaluate import evaluate_clinic
from bot.kpi.engine import answer
from bot.kpi.grammar import parse_kpi_command
from bot.kpi.rollup_refresh import refresh_supply
from bot.orgconfig import OrgConfig
from storage.db import session_scope
from storage.models import Clinic, InventoryTransaction, StockCount, SupplyItem
from storage.models.rollups import RollupState

END = date(2026, 3, 27)  # a Friday: the seed's last usage day


@pytest.fixture
def seeded(seeded_db):  # type: ignore[no-untyped-def]
    seed = pytest.importorskip("devtools.seed")
    sessions, _ = seeded_db(seed.SeedParams(clinics=4, days=120, seed=16, end_date=END), pseudonym_key="k",
                            validate_rows=0)  # a copy of one seeding per session
    return sessions


def _ask(s, q: str, now: datetime):  # type: ignore[no-untyped-def]
    return answer(s, parse_kpi_command(q), OrgConfig(), now=now).measure


def _agree(s, now: datetime) -> list[tuple[str, int, int]]:  # type: ignore[no-untyped-def]
    """Per clinic: (key, items at or below ROP per /kpi, low-stock alerts); asserts they agree."""
    out = []
    for clinic in s.scalars(select(Clinic).order_by(Clinic.key)):
        rop = _ask(s, f'reorder-point clinic "{clinic.name}"', now)
        dos = _ask(s, f'days-of-supply clinic "{clinic.name}"', now)
        [result] = evaluate_clinic(s, clinic, AlertSettings(), now, ["low_stock"])
        alerts = [f for f in result.findings if f.subject != "no-data"]
        assert not result.no_data
        assert rop.value is not None and dos.value is not None
        assert rop.last == dos.last
        assert int(rop.n) == len(alerts), (clinic.key, rop.extra, [f.title for f in alerts])
        assert rop.d == dos.n  # the same items measured
        skus = {f.title.rsplit("(", 1)[1].rstrip(")") for f in alerts}
        listed = rop.extra["basis"].split(": ", 1)[1].split(", ") if ": " in rop.extra["basis"] else []
        assert set(listed) <= skus and (len(skus) > 8 or set(listed) == skus)
        assert {f.facts["day"] for f in alerts} <= {rop.last.isoformat()}
        out.append((clinic.key, int(rop.n), len(alerts)))
    return out


def test_reorder_point_days_of_supply_and_alert_agree_after_a_late_count(seeded) -> None:  # type: ignore[no-untyped-def]
    count_day = END + timedelta(days=1)  # a Saturday count, the day after the last usage
    now = datetime.combine(count_day, datetime.min.time()) + timedelta(hours=20)
    with session_scope(seeded) as s:
        _agree(s, now)
        clinic = s.scalars(select(Clinic).order_by(Clinic.id)).first()
        item = s.scalars(select(SupplyItem).where(SupplyItem.clinic_id == clinic.id,
                                                  SupplyItem.sku == "VAC-TDAP")).one()
        s.add(StockCount(item_id=item.id, count_date=count_day, on_hand=3))
        s.add(InventoryTransaction(source="t", external_id="adj-1", item_id=item.id, tx_date=count_day,
                                   kind="adjustment", quantity=-1))
        s.flush()
        refresh_supply(s)
        s.info.pop("opsbot_kpi_memo", None)  # one request reads one state of the data
        s.info.pop("opsbot_rollup_fresh", None)
        # "today" answers on the day of the count (it said "no data" before issue 16)
        today = _ask(s, f'reorder-point clinic "{clinic.name}" today', now)
        assert today.value is not None and today.last == count_day
        assert "VAC-TDAP" in today.extra["basis"]  # 3 on hand (the count ends the day) ≤ its ROP
        fresh = _agree(s, now)
        # the raw-row path gives the same answers as the roll-ups
        s.execute(delete(RollupState))
        s.info.pop("opsbot_rollup_fresh", None)
        s.info.pop("opsbot_kpi_memo", None)
        raw = _agree(s, now)
        assert raw == fresh
    print(f"\nper clinic (key, items at or below ROP, low-stock alerts): {fresh}")


def test_third_next_available_answers_the_day_after_the_newest_booking(seeded) -> None:  # type: ignore[no-untyped-def]
    import pandas as pd
    from sqlalchemy import func

    from storage.models import FeedLoad, Slot
    from tests.integration.test_kpi_rollups import expected_tna, frame

    with session_scope(seeded) as s:
        newest = max(v for v in s.execute(select(func.max(Slot.booked_at), func.max(Slot.created_at))).one()
                     if v is not None)
        loaded = s.execute(select(func.max(FeedLoad.finished_at)).where(FeedLoad.feed == "slots")).scalar()
        assert loaded is not None and loaded.date() > newest.date() + timedelta(days=1)
        zones = dict(s.execute(select(Clinic.id, Clinic.timezone)).all())
        slots = frame(s, "select clinic_id, provider_id, appointment_type, slot_date, start_at, state, created_at, "
                         "booked_at from slots")
        latest = max(pd.Timestamp(newest).tz_localize("UTC").tz_convert(z).date() for z in set(zones.values()))
        day = latest + timedelta(days=1)
        m = _ask(s, f"third-next-available {day:%Y-%m-%d}", datetime.combine(day, datetime.min.time())
                 + timedelta(days=1, hours=12))
        value, providers = expected_tna(slots, zones, day)
        assert m.value == pytest.approx(value, rel=1e-12) and m.n == providers and m.last == day
