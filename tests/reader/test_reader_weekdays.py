"""A weekday for a past KPI ("last friday", "on friday", "friday") is the latest such day before
today; the expected day is computed here with date arithmetic on random clocks."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.kpi.reader import read
from tests.reader.networks import vocabulary

V = vocabulary("dev")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
FORMS = ("no-show rate at highland on {d}", "no-show rate last {d} at riverside", "denials {d} at maple grove",
         "what was the no-show rate this past {d}", "clean claim rate at highland on {d}")


def cases(n: int = 60) -> list[tuple[str, datetime, date]]:
    rng = random.Random(46)
    out = []
    for _ in range(n):
        now = datetime(2026, 1, 1, 15, tzinfo=UTC) + timedelta(days=rng.randint(0, 300))
        k = rng.randrange(7)
        back = 1 + next(j for j in range(7) if (now.date() - timedelta(days=1 + j)).weekday() == k)
        out.append((rng.choice(FORMS).format(d=DAYS[k]), now, now.date() - timedelta(days=back)))
    return out


@pytest.mark.parametrize("q, now, day", cases())
def test_a_weekday_is_the_latest_such_day_before_today(q: str, now: datetime, day: date) -> None:
    got = read(q, V, now).to_json(V, now)
    assert (got["status"], got["start"], got["end"]) == ("answer", day.isoformat(), day.isoformat()), (q, now, got)
