"""Where a clinic's alerts go (channel, owner for fallback and escalation) and when (quiet hours)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.alerts.config import AlertSettings, QuietHours
from bot.orgconfig import OrgConfig


@dataclass(frozen=True)
class Target:
    """``channel``: the clinic's alerts channel (None: fallback DM to ``owner``);
    ``owner``: Slack user id of the clinic manager; ``tz``: IANA zone for local times."""

    clinic_key: str
    clinic_name: str
    channel: str | None
    owner: str | None
    tz: str = "UTC"
    quiet: QuietHours | None = None

    def local(self, utc_naive: datetime) -> datetime:
        return utc_naive.replace(tzinfo=UTC).astimezone(ZoneInfo(self.tz))

    def not_before(self, now: datetime) -> datetime | None:
        """End of the quiet hours containing ``now`` (naive UTC in and out), or None when
        ``now`` is outside them. Computed on the clinic's local wall clock, so a daylight-saving
        change shifts it with the clinic."""
        if self.quiet is None:
            return None
        local = self.local(now)
        if not self.quiet.contains(local.time().replace(tzinfo=None)):
            return None
        day = local.date()
        end = datetime.combine(day, self.quiet.end, tzinfo=ZoneInfo(self.tz))
        if end <= local:
            end = datetime.combine(day + timedelta(days=1), self.quiet.end, tzinfo=ZoneInfo(self.tz))
        return end.astimezone(UTC).replace(tzinfo=None)


def target_for(org: OrgConfig, alerts: AlertSettings, clinic_key: str, clinic_name: str,
               clinic_tz: str) -> Target:
    """The clinic's target from the org config (channels.alerts, owner, timezone) and the alert
    settings' quiet hours; a clinic missing from the org config gets no channel (owner DM only)."""
    conf = org.clinic(clinic_key)
    return Target(
        clinic_key=clinic_key, clinic_name=conf.name if conf else clinic_name,
        channel=conf.channels.alerts if conf else None, owner=conf.owner if conf else None,
        tz=conf.timezone if conf else (clinic_tz or "UTC"),
        quiet=alerts.for_clinic(clinic_key).quiet_hours,
    )
