"""All ORM models; importing this package registers every table on ``Base.metadata``."""

from storage.models.base import Base, utcnow
from storage.models.core import (
    Appointment,
    AppointmentStatus,
    Clinic,
    FeedLoad,
    ImportIssue,
    Payer,
    Provider,
)
from storage.models.operations import (
    CodingAudit,
    ComplianceItem,
    InventoryTransaction,
    StockCount,
    SupplyItem,
    SupplyLot,
    SurveyResponse,
)
from storage.models.revenue import (
    ArSnapshot,
    Claim,
    LedgerEntry,
    Remittance,
    RemittanceAdjustment,
    RemittanceServiceLine,
)
from storage.models.scheduling import ScheduleTemplate, Slot, SlotState

__all__ = [
    "Appointment", "AppointmentStatus", "ArSnapshot", "Base", "Claim", "Clinic", "CodingAudit",
    "ComplianceItem", "FeedLoad", "ImportIssue", "InventoryTransaction", "LedgerEntry", "Payer",
    "Provider", "Remittance", "RemittanceAdjustment", "RemittanceServiceLine", "ScheduleTemplate",
    "Slot", "SlotState", "StockCount", "SupplyItem", "SupplyLot", "SurveyResponse", "utcnow",
]
