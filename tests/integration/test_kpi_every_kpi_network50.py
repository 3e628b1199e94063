"""Every catalogue KPI on the 50-clinic, one-year network (``tests.oracle.networks.NETWORK50``)
agrees with the independent pandas oracle (``tests.oracle``), as in ``test_kpi_every_kpi``: the
network and three clinics spread over it, the data's last (partial) month, the month before and
a range across their boundary. The end date is read from the data.

The network is ``$OPSBOT_NETWORK50_URL`` (a database seeded with ``opsbot seed --clinics 50 --days
365``, SQLite or PostgreSQL, opened read only) or, under CI or ``OPSBOT_NETWORK50=generate``, one
generated here into a temporary SQLite file; otherwise the test skips saying so.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.kpi.catalogue import CATALOGUE
from tests.oracle import check, networks

SHAPE = networks.NETWORK50


@pytest.fixture(scope="session")
def network50(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sessionmaker[Session]]:
    engine = networks.read_only_engine(networks.network50_url(tmp_path_factory.mktemp("network50")))
    yield sessionmaker(bind=engine)
    engine.dispose()


def test_every_kpi_agrees_with_the_oracle_on_50_clinics(network50):  # type: ignore[no-untyped-def]
    with network50() as s:
        assert networks.shape_of(s) == (SHAPE.clinics, SHAPE.days), "not a 50-clinic × 365-day network"
        end = check.end_of_data(s)
        clinics = check.pick_clinics(s, SHAPE.checked_clinics)
        out = check.run(s, now=datetime.combine(end + timedelta(days=1), time(12)), clinics=clinics,
                        periods=check.standard_periods(end))
        s.rollback()
    assert out.kpis == {k.id for k in CATALOGUE}
    assert out.comparisons == len(CATALOGUE) * (1 + SHAPE.checked_clinics) * 3
    assert out.with_data >= 0.9 * out.comparisons
    check.verdict(out)
