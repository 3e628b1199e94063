"""Generate a whole network in memory (no database): the frames :mod:`devtools.seed.load` writes.

Order matters only through data dependencies (appointments need slots, claims need
appointments, …); each step has its own random stream (:meth:`SeedParams.rng`).
``SeedParams(plant_events=False)`` draws the same streams but plants nothing: a quiet network.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from devtools.seed import appointments as appt_mod
from devtools.seed import calendar, ledger, network, planted, remit_detail, remits, slots, supply
from devtools.seed import claims as claims_mod
from devtools.seed.params import SeedParams


@dataclass
class Network:
    """Every generated frame by name, plus the planted events (see :mod:`devtools.seed.planted`)."""

    params: SeedParams
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    planted: list[planted.PlantedEvent] = field(default_factory=list)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]


def generate(p: SeedParams, step: Callable[[str], None] = lambda _: None) -> Network:
    """Build every frame for ``p``. ``step(name)`` is called as each stage starts (progress)."""
    net = Network(p)
    f = net.frames
    step("network")
    f["clinics"] = network.clinics_frame(p)
    f["providers"] = network.providers_frame(p, f["clinics"])
    f["payers"] = network.payers_frame()
    f["templates"] = network.templates_frame(p, f["providers"])
    ranked = planted.ranked_clinics(f["clinics"])
    step("slots")
    f["slots"] = slots.slots_frame(p, f["providers"], f["templates"])
    step("appointments")
    f["patients"] = appt_mod.patients(p, f["clinics"], f["payers"])
    f["appointments"] = appt_mod.appointments_frame(p, f["clinics"], f["slots"], f["patients"])
    step("claims")
    f["claims"], f["claim_lines"] = claims_mod.claims_frame(p, f["appointments"], f["clinics"])
    step("remittances")
    payer_ix = int(f["payers"].index[f["payers"]["key"] == planted.SPIKE_PAYER][0])
    spike = (remits.Spike(planted.pick(ranked, 0), payer_ix, planted.SPIKE_CATEGORY, p.spike_days)
             if p.plant_events else None)
    out = remits.remittances(p, f["claims"], f["claim_lines"], len(f["clinics"]), spike)
    r = out["remits"]
    r = pd.concat([r, remit_detail.classify(r)], axis=1)
    f["remits"] = r
    f["service_lines"] = remit_detail.service_lines(r, f["claim_lines"], out["line_path"])
    f["adjustments"] = remit_detail.adjustments(r, f["claim_lines"])
    step("ledger")
    events = ledger.ledger_events(p, f["claims"], r, f["appointments"], out["paid_path"], out["denied_first"])
    f["ledger"] = ledger.journal(events)
    allowances = ledger.expected_allowances(f["claims"], r, out["paid_path"], out["denied_first"])
    f["ar"] = ledger.ar_snapshots(p, events, allowances, len(f["clinics"]))
    step("supply")
    rundown_clinic = planted.pick(ranked, 1)
    sup = supply.supply(p, f["clinics"],
                        planted_item=(rundown_clinic, planted.RUNDOWN_SKU) if p.plant_events else None)
    step("calendar")
    f["compliance"] = calendar.compliance(p, f["clinics"], f["providers"])
    f["coding_audits"] = calendar.coding_audits(p, f["providers"])
    f["surveys"] = calendar.surveys(p, f["appointments"], len(f["providers"]), planted.stopped_after_day(p))
    if spike is not None:  # p.plant_events
        net.planted = [
            planted.spike_event(p, r, f["claims"], spike.clinic_ix, spike.payer_ix, f["clinics"]),
            planted.rundown_event(p, sup, rundown_clinic, f["clinics"]),
            *planted.plant_lots(p, sup, ranked, f["clinics"]),
            *planted.plant_compliance(p, f["compliance"], ranked, f["clinics"]),
            planted.stopped_event(p),
        ]
    f["supply_items"], f["lots"], f["inventory"], f["stock_counts"] = (
        sup["items"], sup["lots"], sup["tx"], sup["counts"])
    return net
