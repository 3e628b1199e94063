"""Every catalogue KPI id → its oracle function ``(RawTables, Ask) -> Expected``."""

from __future__ import annotations

from collections.abc import Callable

from tests.oracle import access, claims, experience, inventory, ledger, tna
from tests.oracle.frames import Ask, Expected
from tests.oracle.tables import RawTables

Oracle = Callable[[RawTables, Ask], Expected]

ORACLES: dict[str, Oracle] = {
    "no-show-rate": access.no_show_rate,
    "third-next-available": tna.third_next_available,
    "provider-utilization": access.provider_utilization,
    "booking-lead-time": access.booking_lead_time,
    "clean-claim-rate": claims.clean_claim_rate,
    "first-pass-resolution": claims.first_pass_resolution,
    "denial-rate": claims.denial_rate,
    "initial-denial-rate": claims.initial_denial_rate,
    "days-in-ar": ledger.days_in_ar,
    "net-collection-rate": ledger.net_collection_rate,
    "write-off-rate": ledger.write_off_rate,
    "insurance-verification-rate": access.insurance_verification_rate,
    "authorization-rate": access.authorization_rate,
    "point-of-service-collection-rate": ledger.point_of_service_collection_rate,
    "coding-accuracy": experience.coding_accuracy,
    "patient-satisfaction": experience.patient_satisfaction,
    "days-of-supply": inventory.days_of_supply,
    "reorder-point": inventory.items_at_or_below_reorder_point,
    "inventory-turns": inventory.inventory_turns,
    "expiry-waste": inventory.expiry_waste,
}
