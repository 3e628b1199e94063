"""What the alert buttons need besides :mod:`bot.alerts.actions`: the incident's delivery target,
read in the listener's session (listeners run no query themselves)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.alerts import actions
from bot.alerts.model import NO_SUCH_ALERT
from bot.alerts.targets import Target, target_for
from bot.errors import UsageError
from bot.orgconfig import OrgConfig
from storage.models import AlertIncident
from storage.reference import clinic_by_key


def incident_target(session: Session, org: OrgConfig, incident_id: int) -> Target:
    """Where and when the updates of alert ``incident_id`` go: its clinic's target (organisation
    file first, else the stored clinic's name and time zone, else the key and UTC).

    Raises:
        UsageError: the alert no longer exists.
    """
    inc = session.get(AlertIncident, incident_id)
    if inc is None:
        raise UsageError(NO_SUCH_ALERT)
    clinic = clinic_by_key(session, inc.clinic_key)
    return target_for(org, org.alerts, inc.clinic_key, clinic.name if clinic else inc.clinic_key,
                      clinic.timezone if clinic else "UTC")


def mark_done(session: Session, org: OrgConfig, incident_id: int, user: str, now: datetime) -> list[str]:
    """"Mark done" (:func:`bot.alerts.actions.mark_done`) on the clinic-local date of ``now``
    (naive UTC); returns the delivery keys to send."""
    target = incident_target(session, org, incident_id)
    return actions.mark_done(session, incident_id, user, target.local(now).date(), now, target)
