"""What ``opsbot config check`` refuses beyond unknown keys (tester's item 1): every schedule is
judged by APScheduler's ``CronTrigger``, Slack ids by their shape, KPI ids by the catalogue, clinic
references by the file's clinics, and a key (or clinic key) written twice is refused. Each message
names the entry and what is expected.

Expected wording comes from the rules: Slack conversation ids start C/G/D and user ids U/W (Slack
API docs, "Conversation object", "User object"); cron hours run 0–23 and minutes 0–59.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.errors import ConfigurationError
from bot.orgconfig import OrgConfig, load_org_config
from bot.orgwatch import OrgFileWatcher

NORTH = "clinics:\n  - {key: north, name: North Family Practice}\n"
CHANNEL = "expected a Slack channel id like C012AB3CD (C…, G… or D…, not a #name)"

REFUSED = [  # (file text, the message expected after "OPSBOT_CONFIG (<path>): ")
    ("alerts: {schedule: {hour: 25}}\n",
     "alerts.schedule.hour: expected an APScheduler cron hour expression, got 25 ("),
    (NORTH + "alerts: {clinics: {north: {schedule: {minute: 60}}}}\n",
     "alerts.clinics.north.schedule.minute: expected an APScheduler cron minute expression, got 60 ("),
    ("alerts: {schedule: {day_of_week: funday}}\n",
     "alerts.schedule.day_of_week: expected an APScheduler cron day_of_week expression, got 'funday' ("),
    ("clinics:\n  - {key: north, name: North, channels: {alerts: '#alerts'}}\n",
     f"clinics[north].channels.alerts: {CHANNEL}, got '#alerts'"),
    ("finance_channels: [C0FINANCE, finance]\n", f"finance_channels[1]: {CHANNEL}, got 'finance'"),
    ("alerts: {stale_data: {channel: general}}\n", f"alerts.stale_data.channel: {CHANNEL}, got 'general'"),
    ("clinics:\n  - {key: north, name: North, owner: bob}\n",
     "clinics[north].owner: expected a Slack user id like U012AB3CD, got 'bob'"),
    ("digest: {kpis: [no-show-rate, nonsense-kpi]}\n", "digest.kpis: unknown KPI 'nonsense-kpi'"),
    (NORTH + "alerts: {clinics: {zzz: {quiet_hours: null}}}\n", "unknown clinic key 'zzz' in alerts.clinics"),
    (NORTH + "  - {key: north, name: North Again}\n",
     "clinics: clinic key 'north' is used by more than one clinic (keys are matched ignoring case); "
     "expected one clinic per key"),
    ("alerts: {schedule: {hour: 7}}\norganisation: Test\nalerts: {schedule: {hour: 8}}\n",
     "not valid YAML: duplicate key 'alerts'; expected each key once in a mapping (line 3, column 1)"),
    ("alerts:\n  schedule:\n    hour: 7\n    hour: 8\n",
     "not valid YAML: duplicate key 'hour'; expected each key once in a mapping (line 4, column 5)"),
    ("roles: {admin: U1}\n", "roles.admin: expected a list of Slack user ids like [U012AB3CD], got 'U1'"),
    (NORTH + "roles: {manager: {north: U0MGR}}\n",
     "roles.manager: expected a list of Slack user or user-group ids like [U012AB3CD] for 'north', got 'U0MGR'"),
    # tester's item 2: a negative interval, a slice the denial rule does not know, a DM as a finance
    # channel, and two clinic keys that differ only in case (commands match keys ignoring case)
    ("alerts: {stale_data: {feeds: {claims: -5}}}\n",
     "alerts.stale_data.feeds.claims: Input should be greater than 0"),
    ("alerts: {denial_spike: {slices: [clinic, zodiac]}}\n",
     "alerts.denial_spike.slices[1]: Input should be 'clinic', 'payer', 'category' or 'payer_category'"),
    ("finance_channels: [C0FINANCE, D0DM]\n",
     "finance_channels[1]: expected a channel id (C… or G…), not a direct message (D…), got 'D0DM'"),
    (NORTH + "  - {key: North, name: North Again}\n",
     "clinics: clinic key 'north' and 'North' is used by more than one clinic (keys are matched ignoring "
     "case); expected one clinic per key"),
    ("roles: {admin: [bob]}\n",
     "roles.admin: expected a Slack user (U…/W…) or user-group (S…) id like U012AB3CD, got 'bob'"),
]


@pytest.mark.parametrize(("text", "message"), REFUSED)
def test_an_invalid_entry_is_refused_by_name(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "org.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigurationError) as err:
        load_org_config(path)
    said = err.value.user_message
    assert said.startswith(f"OPSBOT_CONFIG ({path}): {message}"), said
    assert "\n" not in said  # one line


def test_apscheduler_says_why_an_hour_is_out_of_range(tmp_path: Path) -> None:
    path = tmp_path / "org.yml"
    path.write_text("alerts: {schedule: {hour: 25}}\n", encoding="utf-8")
    with pytest.raises(ConfigurationError) as err:
        load_org_config(path)
    assert "maximum value (23)" in err.value.user_message  # cron hours run 0–23


def test_what_the_rules_accept() -> None:
    org = OrgConfig.model_validate({
        "clinics": [{"key": "north", "name": "North", "owner": "U0ABC",
                     "channels": {"alerts": "C0123", "improvement": "G0PRIVATE", "digest": "D0DM"}}],
        "finance_channels": ["C0FINANCE"],
        "alerts": {"schedule": {"hour": "7,19", "minute": "*/15", "day_of_week": "mon-fri"},
                   "clinics": {"north": {"schedule": {"hour": 6}}}},
        "digest": {"kpis": ["no-show-rate"]},
        "roles": {"admin": ["U0ADMIN"], "manager": {"north": ["S0LEADS"]}},
    })
    assert org.alerts.for_clinic("north").schedule.hour == 6
    assert org.digest.kpis == ["no-show-rate"]


def test_the_scheduler_builds_the_trigger_the_check_judged() -> None:
    from zoneinfo import ZoneInfo

    org = OrgConfig.model_validate({"alerts": {"schedule": {"hour": 7, "minute": 30, "day_of_week": "mon-fri"}}})
    trigger = org.alerts.schedule.trigger(ZoneInfo("America/Chicago"))
    fields = {f.name: str(f) for f in trigger.fields}
    assert (fields["hour"], fields["minute"], fields["day_of_week"]) == ("7", "30", "mon-fri")


def test_a_hot_reload_of_a_bad_schedule_logs_one_error_line_and_keeps_the_old_config(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import os

    path = tmp_path / "org.yml"
    path.write_text("alerts: {schedule: {hour: 7}}\n", encoding="utf-8")
    applied: list[OrgConfig] = []
    watcher = OrgFileWatcher(path, applied.append, interval=0)
    path.write_text("alerts: {schedule: {hour: 25}}\n", encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    caplog.set_level(logging.INFO, "bot.orgwatch")
    assert watcher.check() is False and applied == []
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is None
    assert "alerts.schedule.hour: expected an APScheduler cron hour expression, got 25" in errors[0].getMessage()


def test_every_problem_of_the_file_comes_out_in_one_run(tmp_path: Path) -> None:
    """Field errors (pydantic collects them) and the file-wide checks are one message, not rounds."""
    path = tmp_path / "org.yml"
    path.write_text("targets: {no-show-rate: {max: 10}, clean-claim-rate: {min: -1}}\n"
                    "finance_channels: [D0DM]\n"
                    "alerts: {stale_data: {feeds: {claims: -5}}, denial_spike: {slices: [zodiac]}}\n",
                    encoding="utf-8")
    with pytest.raises(ConfigurationError) as err:
        load_org_config(path)
    said = err.value.user_message
    for part in ("targets: no-show-rate max 10 is not a proportion between 0 and 1 (write 0.1 for 10 %); "
                 "clean-claim-rate min -1 is not a proportion between 0 and 1",
                 "finance_channels[0]: expected a channel id (C… or G…)",
                 "alerts.stale_data.feeds.claims: Input should be greater than 0",
                 "alerts.denial_spike.slices[0]: Input should be"):
        assert part in said, said


def test_clinic_problems_come_out_together() -> None:
    with pytest.raises(ValueError) as err:
        OrgConfig.model_validate({"clinics": [{"key": "north", "name": "N"}, {"key": "NORTH", "name": "N2"}],
                                  "alerts": {"clinics": {"nort": {}}}})
    said = str(err.value)
    assert "clinic key 'north' and 'NORTH' is used by more than one clinic" in said
    assert "unknown clinic key 'nort' in alerts.clinics — did you mean 'north'?" in said


def test_stale_feed_names_are_the_importers() -> None:
    """``opsbot config check`` judges feed names against bot.ingest.registry.feed_names."""
    from bot.ingest.registry import feed_names

    org = OrgConfig.model_validate({"alerts": {
        "stale_data": {"feeds": {"appointmnts": 30, "remittances": 192}},
        "clinics": {"x": {"stale_data": {"feeds": {"lots": 48, "zodiac": 1}}}}}})
    assert org.unknown_feed_references(feed_names()) == [
        "unknown feed 'appointmnts' in alerts.stale_data.feeds — did you mean 'appointments'?",
        "unknown feed 'zodiac' in alerts.clinics.x.stale_data.feeds"]
