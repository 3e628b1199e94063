"""The demo tour's timeline (tester's report: an alert acknowledged before it was evaluated and
posted). The tour stamps everything on one clock that never runs backwards: the history ends on
a day whose generation instant has passed, the data is loaded, ideas are submitted, the alerts are
evaluated, then posted, then acknowledged, then the digest runs. Checked here on what the tour
printed and on what the bot stored, in the order the tour tells it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from devtools.asking import LocalSlack
from storage.db import session_scope
from storage.models import AlertAction, AlertIncident, Clinic, Delivery, FeedLoad, Idea
from tests.e2e.demo_network import toured_network


def test_the_history_ends_on_a_day_whose_generation_instant_has_passed() -> None:
    """``SeedParams.now`` is documented as the day after the end date at 06:00 UTC, so the latest
    end date not after a wall clock W is the day before (W − 6 h)'s date."""
    from devtools.demo.tour import demo_end_date

    start = datetime(2026, 12, 31, 0, 0)  # across a year's end, every 7 minutes for three days
    for i in range(0, 3 * 24 * 60, 7):
        wall = start + timedelta(minutes=i)
        assert demo_end_date(wall) == (wall - timedelta(hours=6)).date() - timedelta(days=1), wall


@pytest.fixture(scope="module")
def toured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalSlack, list[str], datetime]]:
    """The tour run once on a 3-clinic network as ``opsbot demo`` runs it; what it printed."""
    printed: list[str] = []
    with toured_network(tmp_path_factory.mktemp("timeline-tour"), "timeline-key", printed.append) as (local, ctx, failed):
        assert failed == 0, ctx.notes
        yield local, printed, ctx.report.params.now


def _utc(text: str, pattern: str) -> datetime:
    found = re.search(pattern, text)
    assert found, pattern
    return datetime.strptime(found.group(1), "%Y-%m-%d %H:%M")


def _minute(t: datetime) -> datetime:
    return t.replace(second=0, microsecond=0)


def test_the_tour_timeline_runs_forward_and_in_causal_order(toured: tuple[LocalSlack, list[str], datetime]) -> None:
    local, printed, generated = toured
    text = "\n".join(printed)
    evaluated = _utc(text, r"Alerts evaluated for \d+ clinics at (\d{4}-\d\d-\d\d \d\d:\d\d) UTC")
    digest_at = _utc(text, r"running the job at [^(]*\((\d{4}-\d\d-\d\d \d\d:\d\d) UTC\)")
    with session_scope(local.sessions) as s:
        loaded = s.scalar(select(func.max(FeedLoad.finished_at)))
        submitted = s.scalar(select(func.min(Idea.created_at)))
        incidents = list(s.scalars(select(AlertIncident)))
        roots = {d.key: d for d in s.scalars(select(Delivery).where(Delivery.key.in_([i.root_key for i in incidents])))}
        acks = list(s.scalars(select(AlertAction).where(AlertAction.action == "acknowledge")))
        zones = dict(s.execute(select(Clinic.key, Clinic.timezone)).all())
        acked = [i for i in incidents if i.acknowledged_at is not None]
        assert incidents and acked and acks and loaded is not None and submitted is not None
        for inc in incidents:
            root = roots[inc.root_key]
            assert root.sent_at is not None, inc.title
            assert inc.opened_at <= root.sent_at, inc.title  # evaluated, then posted
            if inc.acknowledged_at is not None:
                assert root.sent_at <= inc.acknowledged_at, inc.title  # posted, then acknowledged
        for ack in acks:
            assert roots[next(i.root_key for i in incidents if i.id == ack.incident_id)].sent_at <= ack.at
        ack = acked[0]
        root = roots[ack.root_key]
        zone = ZoneInfo(zones[ack.clinic_key] or "UTC")
        events: list[tuple[str, datetime]] = [
                  ("history's generation instant", generated), ("data loaded", loaded), ("first idea submitted", submitted),
                  ("alerts evaluated (printed)", evaluated), ("incident opened", ack.opened_at),
                  ("alert posted", root.sent_at), ("acknowledged", ack.acknowledged_at),
                  ("digest run (printed)", digest_at)]
    # what the tour printed for the acknowledgement is the same instant, in the clinic's time
    # (with its zone's abbreviation, so it is not read as UTC beside the evaluation's UTC time)
    shown = re.search(r"acknowledged by @U0LOCAL at (\d{4}-\d\d-\d\d \d\d:\d\d) (\S+)", text)
    assert shown is not None
    local_ack = datetime.strptime(shown.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=zone)
    assert local_ack.astimezone(ZoneInfo("UTC")).replace(tzinfo=None) == _minute(ack.acknowledged_at)
    assert shown.group(2) == local_ack.tzname()
    times = [(name, _minute(t)) for name, t in events]  # the printed instants have minute precision
    for (a, ta), (b, tb) in zip(times, times[1:], strict=False):
        assert ta <= tb, f"{a} at {ta} comes after {b} at {tb}"
    # and the printed order of the steps is the same story
    order = [text.index(marker) for marker in ("Alerts evaluated for", "acknowledged by @U0LOCAL", "running the job at")]
    assert order == sorted(order)
