"""The raw tables the oracle reads, each once per test, with plain SQL (:func:`frames.read`).

Date-keyed tables are read from the earliest period start (``first``), or from ``since`` where a
KPI looks back (three months of revenue, 13 weeks of usage, the initial denial rate's base
months: the caller picks ``since`` early enough); tables whose history matters as a whole
(remittance first-ness, A/R snapshots, stock counts, items, lots) are read in full. Only date
filters and the pruning documented on a property happen in SQL; every KPI rule is in pandas.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cached_property
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from tests.oracle.frames import flags, lit, read


class RawTables:
    """Lazily read raw tables (each property one query). ``first``: the earliest period start;
    ``since``: the look-back start."""

    def __init__(self, session: Session, first: date, since: date):
        self.s = session
        self.first, self.since = lit(first), lit(since)
        self.since_day = since
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, build: Callable[[], Any]) -> Any:
        """``build()`` once per ``key`` (derived frames shared by several KPIs)."""
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    @cached_property
    def clinics(self) -> pd.DataFrame:
        return read(self.s, "select id, key, name, timezone from clinics order by id")

    @cached_property
    def appointments(self) -> pd.DataFrame:
        df = read(self.s, "select clinic_id, appointment_date, status, lead_days, insurance_verified, "
                          f"authorization_required, authorized from appointments where appointment_date >= {self.first}")
        return flags(df, "insurance_verified", "authorization_required", "authorized")

    @cached_property
    def slots(self) -> pd.DataFrame:
        return read(self.s, "select clinic_id, provider_id, appointment_type, slot_date, duration_minutes, state, "
                            f"created_at, booked_at from slots where slot_date >= {self.first}")

    @cached_property
    def slot_activity(self) -> pd.DataFrame:
        """Per clinic, the last publication and the last booking instant (naive UTC)."""
        return read(self.s, "select clinic_id, max(created_at) as created_at, max(booked_at) as booked_at "
                            "from slots group by clinic_id")

    @cached_property
    def claims(self) -> pd.DataFrame:
        df = read(self.s, "select clinic_id, created_date, submitted_date, scrubber_edits, manually_touched from claims "
                          f"where created_date >= {self.since} or submitted_date >= {self.since}")
        return flags(df, "manually_touched")

    @cached_property
    def remittances(self) -> pd.DataFrame:
        """Every remittance (first-ness depends on a claim's whole history)."""
        return read(self.s, "select id, clinic_id, payer_id, patient_control_number, claim_status_code, remit_date, "
                            "paid_cents from remittances")

    @cached_property
    def adjustments(self) -> pd.DataFrame:
        """The CAS triples the denial rules can use: on remittances dated from ``since`` that paid
        0 (claim denials) or at line level (line denials); and every CARC 18 (duplicates are
        excluded from first-ness over the whole history). Claim-level triples of paid claims
        (contractual, cost share) cannot change either rule and are not read."""
        return read(self.s, "select a.remittance_id, a.service_line_id, a.carc "
                            "from remittance_adjustments a join remittances r on r.id = a.remittance_id "
                            f"where a.carc = '18' or (r.remit_date >= {self.since} "
                            "and (r.paid_cents = 0 or a.service_line_id is not null))")

    @cached_property
    def service_lines(self) -> pd.DataFrame:
        """Service lines paid 0 (the only ones a line denial can be) of remittances from ``since``."""
        return read(self.s, "select l.id, l.remittance_id, l.paid_cents from remittance_service_lines l "
                            f"join remittances r on r.id = l.remittance_id where r.remit_date >= {self.since} "
                            "and l.paid_cents = 0")

    @cached_property
    def ledger(self) -> pd.DataFrame:
        df = read(self.s, "select clinic_id, posted_date, kind, amount_cents, at_service from ledger_entries "
                          f"where posted_date >= {self.since}")
        return flags(df, "at_service")

    @cached_property
    def ar(self) -> pd.DataFrame:
        return read(self.s, "select clinic_id, as_of_date, net_ar_cents from ar_snapshots")

    @cached_property
    def items(self) -> pd.DataFrame:
        return read(self.s, "select id, clinic_id, sku, unit_cost_cents, lead_time_days, lead_time_sd_days, "
                            "service_level from supply_items")

    @cached_property
    def lots(self) -> pd.DataFrame:
        return read(self.s, "select item_id, quantity_on_hand from supply_lots")

    @cached_property
    def stock_counts(self) -> pd.DataFrame:
        return read(self.s, "select item_id, count_date, on_hand from stock_counts")

    @cached_property
    def inventory(self) -> pd.DataFrame:
        return read(self.s, f"select item_id, tx_date, kind, quantity from inventory_transactions "
                            f"where tx_date >= {self.since}")

    @cached_property
    def audits(self) -> pd.DataFrame:
        return read(self.s, "select clinic_id, audit_date, codes_audited, codes_matched from coding_audits "
                            f"where audit_date >= {self.first}")

    @cached_property
    def surveys(self) -> pd.DataFrame:
        return read(self.s, "select clinic_id, response_date, provider_rating from survey_responses "
                            f"where response_date >= {self.first}")
