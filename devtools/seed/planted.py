"""Planted events: one finding for every alert type, near the end date, recorded in a report.

``SeedParams(plant_events=False)`` plants none of them (a quiet network).

* ``denial_spike``: first-pass denials of one category for one payer at the largest clinic in
  the last ``spike_days`` (``remits.Spike``);
* ``supply_rundown``: a critical item at the second-largest clinic whose replenishment stopped,
  on hand ending at 75 % of the reorder point the low-stock rule computes;
* ``lot_expiry``: two lots with stock expiring 18 and 25 days after the end date;
* ``compliance_due`` (due in 4 days) and ``compliance_overdue`` (10 days late, open);
* ``feed_stopped``: the ``surveys`` feed has no rows and no load for ``stopped_feed_days``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from devtools.seed.params import SeedParams, day_number

SPIKE_PAYER = "medicare"
SPIKE_CATEGORY = "authorization"
RUNDOWN_SKU = "VAC-TDAP"
EXPIRING = (("TST-STREP", 18), ("LIDO-1", 25))
STOPPED_FEED = "surveys"


@dataclass(frozen=True)
class PlantedEvent:
    """One planted finding. ``kind`` names the alert type that should find it."""

    kind: str
    clinic_key: str | None
    description: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class SeedReport:
    """What a seed run generated: parameters, rows per table, seconds, planted events."""

    params: SeedParams
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    planted: list[PlantedEvent] = field(default_factory=list)
    validated: dict[str, int] = field(default_factory=dict)  # feed -> rows checked by the importers

    def event(self, kind: str) -> PlantedEvent:
        """The planted event of ``kind`` (KeyError if none)."""
        for e in self.planted:
            if e.kind == kind:
                return e
        raise KeyError(kind)

    def lines(self) -> list[str]:
        p = self.params
        out = [f"Seeded {p.clinics} clinics × {p.days} days (seed {p.seed}, {p.start_date} to {p.end_date}) "
               f"in {self.seconds:.1f} s", "Rows:"]
        out += [f"  {name:<26} {count:>12,}" for name, count in self.rows.items()]
        if self.validated:
            out.append("Importer validation: 0 rejects in " + ", ".join(
                f"{feed} ({n:,})" for feed, n in self.validated.items()))
        if not p.plant_events:
            out.append("Planted events: none (a quiet network)")
            return out
        out.append("Planted events:")
        out += [f"  [{e.kind}] {e.description}" for e in self.planted]
        return out


def ranked_clinics(clinics: pd.DataFrame) -> list[int]:
    """Clinic indices by size (providers), largest first; ties by index."""
    return clinics.sort_values(["size", "clinic_ix"], ascending=[False, True], kind="stable")["clinic_ix"].tolist()


def pick(ranked: list[int], i: int) -> int:
    return ranked[i % len(ranked)]


def plant_compliance(p: SeedParams, comp: pd.DataFrame, ranked: list[int], clinics: pd.DataFrame) -> list[PlantedEvent]:
    """Set one item due in 4 days and one 10 days overdue (in place); return their events."""
    end = day_number(p.end_date)
    events = []
    for kind, clinic_ix, key, offset in (("compliance_due", pick(ranked, 0), "hipaa_risk_assessment", 4),
                                         ("compliance_overdue", pick(ranked, 1), "osha_training", -10)):
        m = (comp["clinic_ix"] == clinic_ix) & (comp["key"] == key)
        comp.loc[m, "due_day"] = end + offset
        if offset < 0:
            comp.loc[m, "corrective_day"] = end + 20
        row = comp[m].iloc[0]
        ckey = clinics["key"].iloc[clinic_ix]
        due = p.end_date + timedelta(days=offset)
        when = f"due {due} (in {offset} days)" if offset >= 0 else f"overdue since {due}"
        events.append(PlantedEvent(kind, ckey, f"{row['title']} at {ckey}: {when}, owner {row['owner']}",
                                   {"key": key, "due_date": due, "owner": row["owner"]}))
    return events


def plant_lots(p: SeedParams, sup: dict[str, pd.DataFrame], ranked: list[int], clinics: pd.DataFrame) -> list[PlantedEvent]:
    """Move the expiry of one stocked lot per :data:`EXPIRING` item into the next month."""
    end = day_number(p.end_date)
    items, lots = sup["items"], sup["lots"]
    clinic_ix = pick(ranked, 2)
    events = []
    for sku, days in EXPIRING:
        item_ix = int(items[(items["clinic_ix"] == clinic_ix) & (items["sku"] == sku)]["item_ix"].iloc[0])
        cand = lots[(lots["item_ix"] == item_ix) & (lots["quantity_on_hand"] > 0) & (lots["expiry_day"] > end + 30)]
        if cand.empty:
            continue
        ix = cand.sort_values(["quantity_on_hand", "lot_ix"], ascending=[False, True]).index[0]
        lots.loc[ix, "expiry_day"] = end + days
        ckey = clinics["key"].iloc[clinic_ix]
        expiry = p.end_date + timedelta(days=days)
        events.append(PlantedEvent("lot_expiry", ckey,
                                   f"{sku} lot {lots.loc[ix, 'lot_number']} at {ckey}: "
                                   f"{lots.loc[ix, 'quantity_on_hand']:g} on hand expire {expiry} (in {days} days)",
                                   {"sku": sku, "lot_number": lots.loc[ix, "lot_number"], "expiry_date": expiry,
                                    "quantity": float(lots.loc[ix, "quantity_on_hand"])}))
    return events


def rundown_event(p: SeedParams, sup: dict[str, pd.DataFrame], clinic_ix: int, clinics: pd.DataFrame) -> PlantedEvent:
    items, counts = sup["items"], sup["counts"]
    item = items[(items["clinic_ix"] == clinic_ix) & (items["sku"] == RUNDOWN_SKU)].iloc[0]
    on_hand = float(counts[(counts["item_ix"] == item["item_ix"]) & (counts["day"] == day_number(p.end_date))]["on_hand"].iloc[0])
    rop = float(sup["rop_at_end"][int(item["item_ix"])])  # the low-stock rule's, from the usage history
    ckey = clinics["key"].iloc[clinic_ix]
    return PlantedEvent("supply_rundown", ckey,
                        f"{RUNDOWN_SKU} at {ckey}: {on_hand:g} on hand vs reorder point ≈ {rop:.1f} "
                        "(no order placed for 45 days)",
                        {"sku": RUNDOWN_SKU, "on_hand": on_hand, "reorder_point": rop})


def spike_event(p: SeedParams, remits: pd.DataFrame, claims: pd.DataFrame, clinic_ix: int, payer_ix: int,
                clinics: pd.DataFrame) -> PlantedEvent:
    """Describe the spike with rates measured on the generated first remittances."""
    end = day_number(p.end_date)
    r = remits[remits["is_first"] & ~remits["excluded"]].merge(
        claims[["claim_ix", "clinic_ix", "payer_ix"]], on="claim_ix")
    r = r[(r["clinic_ix"] == clinic_ix) & (r["payer_ix"] == payer_ix)]
    recent = r[r["remit_day"] > end - p.spike_days]
    before = r[(r["remit_day"] <= end - p.spike_days) & (r["remit_day"] > end - p.spike_days - 90)]

    def rate(f: pd.DataFrame) -> float:
        return float((f["denial_category"] == SPIKE_CATEGORY).mean()) if len(f) else float("nan")

    ckey = clinics["key"].iloc[clinic_ix]
    since = p.end_date - timedelta(days=p.spike_days - 1)
    return PlantedEvent("denial_spike", ckey,
                        f"{SPIKE_PAYER} '{SPIKE_CATEGORY}' denials at {ckey} since {since}: "
                        f"{rate(recent):.1%} of {len(recent)} first remittances vs {rate(before):.1%} "
                        f"in the 90 days before",
                        {"payer_key": SPIKE_PAYER, "category": SPIKE_CATEGORY, "since": since,
                         "recent_rate": rate(recent), "recent_n": len(recent), "baseline_rate": rate(before),
                         "baseline_n": len(before)})


def stopped_event(p: SeedParams) -> PlantedEvent:
    last = p.end_date - timedelta(days=p.stopped_feed_days)
    return PlantedEvent("feed_stopped", None,
                        f"feed '{STOPPED_FEED}' stopped: no rows after {last}, last load {p.stopped_feed_days} days ago",
                        {"feed": STOPPED_FEED, "last_data_date": last, "days": p.stopped_feed_days})


def stopped_after_day(p: SeedParams) -> int:
    """Last day of survey data: ``stopped_feed_days`` before the end (the end on a quiet network)."""
    return day_number(p.end_date) - (p.stopped_feed_days if p.plant_events else 0)


def as_dates(days: np.ndarray) -> list[date]:
    return [date(1970, 1, 1) + timedelta(days=int(d)) for d in days]
