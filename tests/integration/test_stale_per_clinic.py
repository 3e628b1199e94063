"""Stale data per clinic and feed (tester item: a file with one clinic's rows made the feed look
fresh for all; the one alert went to the first clinic's channel, whose manager could not
acknowledge it). SQLite and PostgreSQL.

Hand-built data: appointments load 1 finished 2026-03-01 12:00 UTC carries north, south and east;
load 2 finished 2026-03-04 08:00 carries north only; now 2026-03-04 12:00, appointments expected
every 30 h. North's data is 4 h old (fresh); south's and east's are 72 h = 3.0 days old (stale).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.alerts.config import AlertSettings
from bot.alerts.evaluate import run_alerts
from bot.alerts.stale_run import plan_stale
from bot.digest.gather import _stale
from bot.orgconfig import OrgConfig
from storage.db import session_scope
from storage.feed_freshness import clinic_feed_loads
from storage.models import AlertIncident, Appointment, Clinic, Delivery, FeedLoad

NOW = datetime(2026, 3, 4, 12, 0)
OLD, NEW = datetime(2026, 3, 1, 12, 0), datetime(2026, 3, 4, 8, 0)
KEYS = ("east", "north", "south")
CHANNELS = {"east": "C0ALEAST", "north": "C0ALNORTH", "south": "C0ALSOUTH"}
ORG = OrgConfig.model_validate({"clinics": [
    {"key": k, "name": f"{k.title()} Clinic", "timezone": "UTC", "owner": f"U0{k.upper()}",
     "channels": {"alerts": CHANNELS[k]}} for k in KEYS]})


def _settings(channel: str | None = None) -> AlertSettings:
    return AlertSettings.model_validate({"stale_data": {"feeds": {"appointments": 30}, "channel": channel}})


def _load(s: Session, finished: datetime, clinics: list[Clinic]) -> None:
    load = FeedLoad(feed="appointments", source_name="appointments.csv", started_at=finished,
                    finished_at=finished, rows_read=len(clinics), rows_imported=len(clinics))
    s.add(load)
    s.flush()
    for c in clinics:
        s.add(Appointment(source="ehr", external_id=f"{c.key}-{load.id}", clinic_id=c.id, patient_pseudonym="p" * 16,
                          appointment_date=date(2026, 3, 1), status="completed", row_hash="h" * 16,
                          feed_load_id=load.id))


def _network(sessions: sessionmaker[Session], second: tuple[str, ...] = ("north",)) -> None:
    with session_scope(sessions) as s:
        clinics = {k: Clinic(key=k, name=f"{k.title()} Clinic", name_folded=f"{k} clinic", timezone="UTC")
                   for k in KEYS}
        s.add_all(clinics.values())
        s.flush()
        _load(s, OLD, list(clinics.values()))
        if second:
            _load(s, NEW, [clinics[k] for k in second])


def test_each_clinic_is_dated_by_the_loads_that_carried_its_rows(sessions: sessionmaker[Session]) -> None:
    _network(sessions)
    with session_scope(sessions) as s:
        ids = {c.key: c.id for c in s.scalars(select(Clinic))}
        loads = clinic_feed_loads(s, list(ids.values()))
        plan = plan_stale(s, _settings(), list(s.scalars(select(Clinic).order_by(Clinic.key))), NOW)
    assert {k: loads[i]["appointments"] for k, i in ids.items()} == {"north": NEW, "south": OLD, "east": OLD}
    assert {k: list(late) for k, late in plan.late.items()} == {"east": ["appointments"], "north": [],
                                                              "south": ["appointments"]}


def test_a_stale_alert_per_stale_clinic_in_its_own_channel(sessions: sessionmaker[Session]) -> None:
    _network(sessions)
    with session_scope(sessions) as s:
        run_alerts(s, ORG, _settings(), NOW, rules=["stale_data"])
        run_alerts(s, ORG, _settings(), NOW, rules=["stale_data"])  # a second run posts nothing new
    with session_scope(sessions) as s:
        incidents = list(s.scalars(select(AlertIncident).order_by(AlertIncident.clinic_key)))
        posts = sorted((d.key, d.channel) for d in s.scalars(select(Delivery)))
    assert [(i.clinic_key, i.subject, i.title) for i in incidents] == [
        ("east", "feeds", "No new data: 1 feed overdue (appointments)"),
        ("south", "feeds", "No new data: 1 feed overdue (appointments)")]
    assert incidents[0].detail["lines"][0] == ("appointments: last loaded 2026-03-01 12:00 UTC (3.0 days ago); "
                                               "expected at least every 30 hours")
    assert posts == [("stale_data/east/feeds/2026-03-01", "C0ALEAST"),
                     ("stale_data/south/feeds/2026-03-01", "C0ALSOUTH")]


def test_clinic_scoped_run_posts_only_that_clinics_alert(sessions: sessionmaker[Session]) -> None:
    _network(sessions)
    with session_scope(sessions) as s:
        run_alerts(s, ORG, _settings(), NOW, clinic_key="south", rules=["stale_data"])
    with session_scope(sessions) as s:
        assert [d.channel for d in s.scalars(select(Delivery))] == ["C0ALSOUTH"]


def test_an_outage_of_every_clinic_is_one_alert_in_the_stale_data_channel(sessions: sessionmaker[Session]) -> None:
    _network(sessions, second=())  # nobody's data after 1 March
    with session_scope(sessions) as s:
        run_alerts(s, ORG, _settings("C0OPS"), NOW, rules=["stale_data"])
    with session_scope(sessions) as s:
        [inc] = s.scalars(select(AlertIncident))
        assert (inc.clinic_key, inc.title) == ("organisation", "No new data: 1 feed overdue (appointments)")
        assert [d.channel for d in s.scalars(select(Delivery))] == ["C0OPS"]


def test_without_a_stale_data_channel_an_outage_is_told_to_each_clinic(sessions: sessionmaker[Session]) -> None:
    _network(sessions, second=())
    with session_scope(sessions) as s:
        run_alerts(s, ORG, _settings(), NOW, rules=["stale_data"])
    with session_scope(sessions) as s:
        assert sorted(d.channel for d in s.scalars(select(Delivery))) == sorted(CHANNELS.values())


def test_digest_lists_the_feed_for_its_stale_clinics_only(sessions: sessionmaker[Session]) -> None:
    _network(sessions)
    with session_scope(sessions) as s:
        every = list(s.scalars(select(Clinic).order_by(Clinic.key)))
        north = [c for c in every if c.key == "north"]
        assert _stale(s, _settings(), north, NOW) == []
        [line] = _stale(s, _settings(), every, NOW)
    assert (line.feed, line.last_load, line.expected_hours, line.clinics) == (
        "appointments", "2026-03-01 12:00 UTC", 30.0, ("East Clinic", "South Clinic"))


def test_clinic_scoped_run_judges_an_outage_over_every_clinic(sessions: sessionmaker[Session]) -> None:
    _network(sessions, second=())
    with session_scope(sessions) as s:
        run_alerts(s, ORG, _settings("C0OPS"), NOW, clinic_key="south", rules=["stale_data"])
    with session_scope(sessions) as s:
        assert [(d.key, d.channel) for d in s.scalars(select(Delivery))] == [
            ("stale_data/organisation/feeds/2026-03-01", "C0OPS")]


def test_partial_staleness_with_a_stale_data_channel_stays_with_the_clinics(sessions: sessionmaker[Session]) -> None:
    _network(sessions)  # north is fresh: not an outage
    with session_scope(sessions) as s:
        run_alerts(s, ORG, _settings("C0OPS"), NOW, clinic_key="north", rules=["stale_data"])
        run_alerts(s, ORG, _settings("C0OPS"), NOW, clinic_key="south", rules=["stale_data"])
    with session_scope(sessions) as s:
        assert [d.channel for d in s.scalars(select(Delivery))] == ["C0ALSOUTH"]
