"""The explicit registries of issue 17 (alert rules, CSV feeds) agree with what reads them:
every rule has settings in the organisation file, names a real feed and a catalogue KPI; every
feed has its ``opsbot import`` command with its help line and an importer whose load names a
known feed. Expected names come from the organisation-file model and the CLI, not the registries.
"""

from __future__ import annotations

from typer.main import get_command

import bot.cli.importing_feeds  # noqa: F401  (adds the feed commands to import_cli)
from bot.alerts.config import AlertOverride, AlertSettings
from bot.alerts.registry import BY_NAME, RULE_FEEDS, RULES, rule_kpi
from bot.cli.importing import import_cli
from bot.ingest.registry import CSV_FEEDS, feed_names, importer_class
from bot.kpi.catalogue import BY_ID
from bot.kpi.inventory import INVENTORY_USAGE, SUPPLY_FEEDS
from bot.kpi.registry import every_impl
from devtools.seed.load import FEEDS as SEED_FEEDS
from storage.rollups import FEEDS


def test_every_alert_rule_has_settings_and_every_setting_a_rule() -> None:
    sections = set(AlertSettings.model_fields) - {"schedule", "quiet_hours", "clinics"}
    assert {r.name for r in RULES} == sections == set(AlertOverride.model_fields) - {"schedule", "quiet_hours"}
    assert [r.name for r in RULES if r.organisation] == ["stale_data"]


def test_alert_rules_name_real_feeds_and_kpis() -> None:
    assert {r: RULE_FEEDS.get(r) for r in ("low_stock", "expiring_lots", "denial_spike", "compliance")} == {
        "low_stock": "inventory", "expiring_lots": "lots", "denial_spike": "remittances", "compliance": None}
    assert set(RULE_FEEDS.values()) <= feed_names()
    assert all(r.kpi in BY_ID for r in RULES if r.kpi)
    assert rule_kpi("denial_spike") == "denial-rate" and rule_kpi("low_stock") is None and rule_kpi("nope") is None
    assert BY_NAME["demand_capacity"].feed is None


def test_every_csv_feed_has_its_import_command() -> None:
    group = get_command(import_cli)
    commands = group.commands  # type: ignore[attr-defined]
    assert set(CSV_FEEDS) | {"remittances"} == set(commands)
    for name, feed in CSV_FEEDS.items():
        if name != "appointments":
            assert commands[name].help == feed.help
        assert any(o.name == "timezone" and not o.hidden for o in commands[name].params) == feed.zone_option \
            or name == "appointments"


def test_every_csv_feed_loads_a_known_feed() -> None:
    loads = {name: importer_class(name).feed for name in CSV_FEEDS}
    assert set(loads.values()) | {"remittances"} == feed_names() >= set(FEEDS)
    assert loads["supply-items"] == "supply" and loads["stock"] == "inventory"


def test_every_kpi_feed_is_one_an_import_or_the_seed_records() -> None:
    """"As of" and roll-up freshness look loads up by the catalogue's feed names: each must be a
    name an importer records (``FeedLoad.feed``) and one the seed records too, or a seeded or
    imported KPI says "no load of this feed is recorded"."""
    used = {f for k in BY_ID.values() for f in k.feeds} | set(SUPPLY_FEEDS) | set(INVENTORY_USAGE.feeds)
    used |= {f for impl in every_impl() for f in getattr(impl, "feeds", ())}
    assert used <= feed_names()
    assert used <= set(SEED_FEEDS)
    # inventory turns prices usage and stock counts with the supply items' unit cost
    assert set(BY_ID["inventory-turns"].feeds) == {"inventory", "supply"}
