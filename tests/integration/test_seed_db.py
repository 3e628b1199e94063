"""``seed_database`` on SQLite and PostgreSQL: rows land through the storage layer, realistic
rates recomputed with pandas from the stored rows, planted events findable, re-runs idempotent."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from scipy.stats import norm
from sqlalchemy import text

from devtools.seed import SeedParams, seed_database
from storage.db import make_engine, make_session_factory, session_scope

END = date(2026, 3, 31)
PARAMS = SeedParams(clinics=3, days=60, seed=11, end_date=END)
FEEDS = {"appointments", "slots", "claims", "remittances", "ledger", "ar", "supply", "inventory", "lots",
         "coding_audits", "surveys", "compliance"}
#: table → the feed name its importer records (bot/ingest: StockImporter and InventoryImporter load
#: "inventory", LedgerImporter "ledger", ArImporter "ar", …), written out from docs/formats
IMPORTER_FEED = {"appointments": "appointments", "slots": "slots", "claims": "claims", "remittances": "remittances",
                 "ledger_entries": "ledger", "ar_snapshots": "ar", "inventory_transactions": "inventory",
                 "stock_counts": "inventory", "coding_audits": "coding_audits", "survey_responses": "surveys"}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def seeded(request, _templates, tmp_path_factory):
    """One seeded database per backend for the whole module (seeding is the slow part)."""
    from tests.conftest import fresh_database

    databases = fresh_database(request.param, _templates, tmp_path_factory.mktemp("seed"))
    engine = make_engine(next(databases))
    try:
        sessions = make_session_factory(engine)
        with session_scope(sessions) as s:
            report = seed_database(s, PARAMS, pseudonym_key="test-key")
        yield engine, sessions, report
    finally:
        engine.dispose()
        databases.close()


def read(engine, sql: str) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(text(sql), conn)


def test_rows_and_rates_from_the_stored_rows(seeded) -> None:
    engine, _, report = seeded
    a = read(engine, "select status, lead_days, appointment_date, patient_pseudonym from appointments")
    assert len(a) == report.rows["appointments"] > 5000
    assert a["patient_pseudonym"].str.fullmatch(r"[0-9a-f]{32}").all()  # keyed pseudonyms only
    outcome = a[a["status"].isin(["completed", "no_show", "late_cancelled"])]
    assert 0.05 <= (outcome["status"] == "no_show").mean() <= 0.25
    same_day = outcome[outcome["lead_days"] == 0]
    long_lead = outcome[outcome["lead_days"] > 14]
    assert (same_day["status"] == "no_show").mean() < (long_lead["status"] == "no_show").mean()
    assert (pd.to_datetime(a.loc[a["status"] == "scheduled", "appointment_date"]).dt.date > END).all()

    claims = read(engine, "select clean from claims")
    assert 0.85 <= claims["clean"].astype(bool).mean() <= 0.99
    r = read(engine, "select is_first, excluded, is_denial, claim_status_code from remittances")
    first = r[r["is_first"].astype(bool) & ~r["excluded"].astype(bool)]
    assert 0.03 <= first["is_denial"].astype(bool).mean() <= 0.15
    assert r.loc[r["claim_status_code"] == "22", "excluded"].astype(bool).all()

    slots = read(engine, "select state, created_at, booked_at from slots")
    assert set(slots["state"]) == {"free", "booked", "blocked"}
    booked = slots[slots["state"] == "booked"]
    assert booked["booked_at"].notna().all()
    assert (pd.to_datetime(booked["booked_at"]) >= pd.to_datetime(booked["created_at"])).all()

    zones = read(engine, "select timezone from clinics")["timezone"]
    assert zones.str.contains("/").all()


def test_seeded_rows_are_recorded_under_the_importers_feed_names(seeded) -> None:
    """A seeded row's load is named as an import of the same row would name it, so "as of" and
    roll-up freshness find it (issue: inventory turns said "no load of this feed is recorded")."""
    engine, _, _ = seeded
    for table, feed in IMPORTER_FEED.items():
        found = read(engine, f"select distinct f.feed from {table} t join feed_loads f on f.id = t.feed_load_id")
        assert list(found["feed"]) == [feed], table


def test_every_feed_has_a_load_and_the_stopped_one_is_old(seeded) -> None:
    engine, _, report = seeded
    loads = read(engine, "select feed, finished_at from feed_loads")
    assert set(loads["feed"]) == FEEDS
    finished = pd.to_datetime(loads.set_index("feed")["finished_at"])
    stopped = report.event("feed_stopped").detail
    age = finished.max() - finished[stopped["feed"]]
    assert age >= timedelta(days=stopped["days"]) - timedelta(minutes=5)
    assert (finished.max() - finished.drop(stopped["feed"])).max() < timedelta(minutes=30)
    last = read(engine, "select max(response_date) as d from survey_responses")["d"].iloc[0]
    assert pd.Timestamp(last).date() <= stopped["last_data_date"]


def test_planted_denial_spike_in_the_database(seeded) -> None:
    engine, _, report = seeded
    e = report.event("denial_spike")
    r = read(engine, f"""select r.remit_date, r.denial_category from remittances r
                         join clinics c on c.id = r.clinic_id join payers p on p.id = r.payer_id
                         where c.key = '{e.clinic_key}' and p.key = '{e.detail['payer_key']}'
                           and r.is_first = true and r.excluded = false""")
    since = pd.Timestamp(e.detail["since"])
    dates = pd.to_datetime(r["remit_date"])
    recent = (r.loc[dates >= since, "denial_category"] == e.detail["category"]).mean()
    before = (r.loc[dates < since, "denial_category"] == e.detail["category"]).mean()
    assert recent > 0.15 and recent > 4 * before


def test_planted_inventory_and_compliance_in_the_database(seeded) -> None:
    engine, _, report = seeded
    e = report.event("supply_rundown")
    item = read(engine, f"""select i.id, i.lead_time_days, i.lead_time_sd_days, i.service_level from supply_items i
                            join clinics c on c.id = i.clinic_id where c.key = '{e.clinic_key}' and i.sku = '{e.detail['sku']}'""").iloc[0]
    usage = read(engine, f"select tx_date, quantity from inventory_transactions where item_id = {item['id']} and kind = 'usage'")
    days = pd.date_range(END - timedelta(days=55), END)
    daily = usage.assign(d=pd.to_datetime(usage["tx_date"])).groupby("d")["quantity"].sum().reindex(days, fill_value=0)
    d, sd, lt, slt = daily.mean(), daily.std(), item["lead_time_days"], item["lead_time_sd_days"]
    rop = d * lt + norm.ppf(item["service_level"]) * (lt * sd**2 + d**2 * slt**2) ** 0.5  # kpis.md
    on_hand = read(engine, f"select on_hand from stock_counts where item_id = {item['id']} "
                           f"and count_date = '{END.isoformat()}'")["on_hand"].iloc[0]
    assert on_hand < rop

    lots = read(engine, "select expiry_date, quantity_on_hand from supply_lots")
    expiry = pd.to_datetime(lots["expiry_date"]).dt.date
    soon = lots[(expiry > END) & (expiry <= END + timedelta(days=30)) & (lots["quantity_on_hand"] > 0)]
    assert len(soon) >= len([p for p in report.planted if p.kind == "lot_expiry"]) >= 1

    comp = read(engine, "select key, due_date, status from compliance_items")
    due = pd.to_datetime(comp["due_date"]).dt.date
    assert ((due > END) & (due <= END + timedelta(days=7)) & (comp["status"] == "open")).sum() == 1
    assert comp.loc[(due > END) & (due <= END + timedelta(days=7)), "key"].iloc[0] == report.event("compliance_due").detail["key"]


def test_zz_second_run_of_the_same_seed_changes_nothing(seeded) -> None:
    engine, sessions, report = seeded
    tables = ("appointments", "slots", "claims", "remittances", "remittance_service_lines",
              "remittance_adjustments", "ledger_entries", "survey_responses", "inventory_transactions")
    before = {t: read(engine, f"select count(*) as n from {t}")["n"].iloc[0] for t in tables}
    paid_before = read(engine, "select sum(paid_cents) as s from remittances")["s"].iloc[0]
    with session_scope(sessions) as s:
        seed_database(s, PARAMS, pseudonym_key="test-key", refresh_rollups=False)
    after = {t: read(engine, f"select count(*) as n from {t}")["n"].iloc[0] for t in tables}
    assert after == before
    assert read(engine, "select sum(paid_cents) as s from remittances")["s"].iloc[0] == paid_before


def test_every_generated_row_passes_the_importers_validation(seeded) -> None:
    from devtools.seed import generate, patient_mrns
    from devtools.seed.validate import validate_network

    _, sessions, report = seeded
    net = generate(PARAMS)  # the same rows again (reproducible)
    with session_scope(sessions) as s:
        issues = validate_network(net, patient_mrns(net), session=s, pseudonym_key="test-key")
    assert set(issues) >= {"appointments", "slots", "claims", "ledger", "ar", "surveys", "coding_audits",
                           "supply_items", "lots", "stock", "inventory"}
    rejects = {feed: f.loc[f["severity"] == "reject", "code"].value_counts().to_dict() for feed, f in issues.items()}
    assert all(not r for r in rejects.values()), rejects
    assert report.validated["appointments"] > 0  # seed_database ran the check too
