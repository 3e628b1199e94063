"""``validate_frame`` (no database) — what the seed generator calls: typed values and CSV text
give the same rows; bad rows come back as issues keyed by the frame index."""

from __future__ import annotations

from datetime import date

import pandas as pd

from bot.ingest import claims, ledger, slots, supply, surveys


def test_typed_and_text_input_agree() -> None:
    typed = pd.DataFrame({"claim_id": ["C1", "C2"], "clinic": ["north", "north"],
                          "service_date": [date(2026, 3, 2), date(2026, 3, 2)],
                          "created_date": pd.to_datetime(["2026-03-03", "2026-03-03"]),
                          "charge": [140.0, 205.5], "scrubber_edits": [0, 1], "manually_touched": [False, True]})
    text = typed.astype(str).assign(manually_touched=["false", "true"], charge=["140.00", "205.50"])
    good_typed, issues_typed = claims.validate_frame(typed)
    good_text, issues_text = claims.validate_frame(text)
    assert issues_typed.empty and issues_text.empty
    cols = ["external_id", "service_date", "created_date", "charge_cents", "scrubber_edits", "clean"]
    pd.testing.assert_frame_equal(good_typed[cols], good_text[cols])
    assert good_typed["charge_cents"].tolist() == [14000, 20550] and good_typed["clean"].tolist() == [True, False]


def test_issues_are_keyed_by_the_frame_index() -> None:
    frame = pd.DataFrame({"entry_id": ["L1", "L2"], "clinic": ["north", None], "posted_date": ["2026-03-02", "x"],
                          "kind": ["charge", "payer_payment"], "amount": ["10", "10"]}, index=[100, 101])
    good, issues = ledger.validate_frame(frame)
    assert good.index.tolist() == [100]
    assert sorted(issues["code"]) == ["invalid_posted_date", "missing_clinic"] and set(issues["line"]) == {101}


def test_other_feeds_validate() -> None:
    _, bad = surveys.validate_frame(pd.DataFrame({"response_id": ["S1"], "clinic": ["n"], "response_date": ["2026-03-01"],
                                                  "provider_rating": [12]}))
    assert bad["code"].tolist() == ["invalid_provider_rating"]
    good, _ = supply.validate_items_frame(pd.DataFrame({"clinic": ["n"], "sku": ["G"], "name": ["Gloves"],
                                                        "lead_time_days": [14]}))
    assert good[["unit", "unit_cost_cents", "service_level"]].iloc[0].tolist() == ["each", 0, 0.95]
    good, _ = slots.validate_frame(pd.DataFrame({"slot_id": ["S1"], "clinic": ["n"], "provider": ["p"],
                                                 "start_at": ["2026-03-02T09:00"], "duration_minutes": [20],
                                                 "appointment_type": ["new"], "state": ["free"]}),
                                   timezone="Europe/Berlin")
    assert str(good["start_at"].iloc[0]) == "2026-03-02 08:00:00"  # CET = UTC+1
