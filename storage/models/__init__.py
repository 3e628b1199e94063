"""All ORM models; importing this package registers every table on ``Base.metadata``."""

from storage.models.alerts import (  # noqa: F401  (issue 6: alerts and the delivery log)
    AlertAction,
    AlertIncident,
    Delivery,
    DeliveryChannel,
    DeliveryState,
    IncidentState,
)
from storage.models.audit import AuditEvent, RequestReceipt, RoleGrant  # noqa: F401  (issue 8: audit, roles)
from storage.models.base import Base, utcnow
from storage.models.core import (
    Appointment,
    AppointmentStatus,
    Clinic,
    FeedLoad,
    ImportIssue,
    Payer,
    Provider,
    PseudonymKeyCheck,
)
from storage.models.digests import DigestRun, DigestSubscription  # noqa: F401  (issue 7: digests)
from storage.models.forecast import ForecastModel  # noqa: F401  (issue 20: look-ahead models)
from storage.models.ideas import (
    Idea,
    IdeaComment,
    IdeaStateChange,
    IdeaVote,
    PdsaCycle,
    PdsaUpdate,
)
from storage.models.installs import OAuthState, SchedulerLease, SlackBot, SlackInstallation  # noqa: F401  (issue 9)
from storage.models.operations import (
    CodingAudit,
    ComplianceItem,
    InventoryTransaction,
    StockCount,
    SupplyItem,
    SupplyLot,
    SurveyResponse,
)
from storage.models.replies import PendingReply  # noqa: F401  (issue 14: replies owed)
from storage.models.revenue import (
    ArSnapshot,
    Claim,
    LedgerEntry,
    Remittance,
    RemittanceAdjustment,
    RemittanceServiceLine,
)
from storage.models.rollups import AppointmentDaily
from storage.models.scheduling import ScheduleTemplate, Slot, SlotState

__all__ = [
    "Appointment", "AppointmentDaily", "AppointmentStatus", "ArSnapshot", "Base", "Claim", "Clinic", "CodingAudit",
    "ComplianceItem", "FeedLoad", "ImportIssue", "InventoryTransaction", "LedgerEntry", "Payer",
    "Provider", "PseudonymKeyCheck", "Remittance", "RemittanceAdjustment", "RemittanceServiceLine", "ScheduleTemplate",
    "Slot", "SlotState", "StockCount", "SupplyItem", "SupplyLot", "SurveyResponse", "utcnow",
    "Idea", "IdeaComment", "IdeaStateChange", "IdeaVote", "PdsaCycle", "PdsaUpdate",
]
from storage.models.practice import DropFile, SlackRevocation  # noqa: F401,E402  (issue 13: practice operations)
from storage.models.threads import KpiThread  # noqa: F401,E402  (issue 18: follow-ups in threads)
