"""Channel subscriptions to the daily digest (one per channel), in the caller's session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.clinic_names import clinics_named
from bot.digest.commands import DigestRequest
from bot.digest.schedule import next_run, parse_local_time
from bot.errors import UsageError
from bot.ideas.clinics import resolve_clinic
from bot.orgconfig import OrgConfig
from storage.models import Clinic, DigestRun, DigestSubscription

DEFAULT_TIME = time(7, 30)


def resolve_clinics(session: Session, org: OrgConfig, words: list[str], channel: str | None = None) -> list[Clinic]:
    """Clinics named by ``words`` (keys or names; a multi-word name may be given unquoted;
    ``all`` = every clinic). With no words: the clinics whose org-config ``channels.digest`` is
    ``channel``, else the only clinic of the network.

    Raises:
        UsageError: an unknown clinic ("did you mean"), an ambiguous one (the candidates), or none
            named where several exist.
    """
    if len(words) == 1 and words[0].lower() == "all":
        rows = list(session.scalars(select(Clinic).order_by(Clinic.key)))
        known = {c.key for c in rows}
        rows += [c for c in (resolve_clinic(session, org, cfg.key) for cfg in org.clinics if cfg.key not in known) if c]
        if not rows:
            raise UsageError("No clinics are configured yet.")
        return rows
    if not words:
        keys = [c.key for c in org.clinics if channel and c.channels.digest == channel]
        if keys:
            return [c for c in (resolve_clinic(session, org, k) for k in keys) if c]
        rows = list(session.scalars(select(Clinic).order_by(Clinic.key)))
        if len(rows) == 1:
            return rows
        if not rows and len(org.clinics) == 1:
            return [c for c in [resolve_clinic(session, org, org.clinics[0].key)] if c]
        if not rows and not org.clinics:
            raise UsageError("No clinic is known yet: import a feed (`opsbot import …`) or list the clinics "
                             "in the organisation file (OPSBOT_CONFIG).")
        raise UsageError("Which clinic? Name one, e.g. `/digest subscribe north at 07:30` (or `all`).")
    # the one resolver (issue 17): "North Family Practice" typed without quotes, or "north south"
    return [c for c in (resolve_clinic(session, org, k.key) for k in clinics_named(session, org, words)) if c]


def get_subscription(session: Session, channel: str) -> DigestSubscription | None:
    return session.scalars(select(DigestSubscription).where(DigestSubscription.channel_id == channel)).first()


def subscribe(session: Session, org: OrgConfig, channel: str, req: DigestRequest, user: str | None,
              now: datetime) -> DigestSubscription:
    """Create or extend ``channel``'s subscription: named clinics are added; a given time, days
    or empty-day option replaces the old one. The time zone is the first clinic's.

    Raises:
        UsageError: unknown clinic or no clinic named where several exist.
    """
    clinics = resolve_clinics(session, org, req.clinics, channel)
    sub = get_subscription(session, channel)
    if sub is None:
        sub = DigestSubscription(channel_id=channel, clinic_keys=[], local_time=DEFAULT_TIME.strftime("%H:%M"),
                                 days="weekdays", skip_when_empty=True, created_by=user, created_at=now)
        session.add(sub)
    keys = list(sub.clinic_keys or [])
    keys += [c.key for c in clinics if c.key not in keys]
    sub.clinic_keys = keys
    if req.at is not None:
        sub.local_time = req.at.strftime("%H:%M")
    if req.days is not None:
        sub.days = req.days
    if req.skip_when_empty is not None:
        sub.skip_when_empty = req.skip_when_empty
    first = session.scalars(select(Clinic).where(Clinic.key == keys[0])).first()
    sub.timezone = (first.timezone if first is not None and first.timezone else "UTC")
    sub.updated_at = now
    session.flush()
    return sub


def unsubscribe(session: Session, org: OrgConfig, channel: str, words: list[str]) -> list[str]:
    """Remove the named clinics (or, with none named, the whole subscription) from ``channel``;
    returns the clinic keys still subscribed (empty: the subscription is gone).

    Raises:
        UsageError: the channel has no digest, or a named clinic is not in it.
    """
    sub = get_subscription(session, channel)
    if sub is None:
        raise UsageError("This channel has no digest subscription.")
    if words:
        drop = {c.key for c in resolve_clinics(session, org, words, channel)}
        missing = drop - set(sub.clinic_keys)
        if missing:
            raise UsageError(f"This channel's digest does not cover {', '.join(sorted(missing))}.")
        sub.clinic_keys = [k for k in sub.clinic_keys if k not in drop]
        if sub.clinic_keys:
            return list(sub.clinic_keys)
    session.execute(update(DigestRun).where(DigestRun.subscription_id == sub.id).values(subscription_id=None))
    session.delete(sub)
    session.flush()
    return []


@dataclass(frozen=True)
class SubscriptionView:
    """One line of ``/digest list``: ``next_at`` naive UTC (None: none within a month)."""

    channel: str
    clinic_keys: tuple[str, ...]
    local_time: str
    days: str
    timezone: str
    skip_when_empty: bool
    next_at: datetime | None


def holiday_conf(org: OrgConfig, clinic_key: str | None) -> dict[str, str] | None:
    """The holiday calendar of the clinic that sets a subscription's time zone (its first clinic)."""
    cfg = org.clinic(clinic_key) if clinic_key else None
    return cfg.holidays if cfg is not None else None


def list_subscriptions(session: Session, org: OrgConfig, now: datetime) -> list[SubscriptionView]:
    """Every subscription with its next run (skipping today when today's digest is done)."""
    out = []
    for sub in session.scalars(select(DigestSubscription).order_by(DigestSubscription.channel_id)):
        last = session.scalar(select(DigestRun.local_date).where(DigestRun.channel_id == sub.channel_id)
                              .order_by(DigestRun.local_date.desc()).limit(1))
        at = parse_local_time(sub.local_time)
        nxt = next_run(now, at, sub.timezone, sub.days, holiday_conf(org, next(iter(sub.clinic_keys or ()), None)),
                       after_date=last)
        out.append(SubscriptionView(sub.channel_id, tuple(sub.clinic_keys), sub.local_time, sub.days,
                                    sub.timezone, sub.skip_when_empty, nxt))
    return out
