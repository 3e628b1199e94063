"""The identifier guard an organisation's listeners use: its ``phi_patterns`` and the staff
names it must not flag (provider table + ``phi_known_names`` from the organisation file).

``guard_for(org, sessions)`` rebuilds at most every ``ttl`` seconds (providers change with an
import, not per request); a database error leaves the last guard (or one without providers) in
place rather than blocking a submission's check.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.phi_guard import Guard
from storage.models import Provider

log = logging.getLogger(__name__)
_lock = threading.Lock()
_cache: dict[int, tuple[float, Guard]] = {}


def provider_names(session: Session) -> list[str]:
    """Every provider's display name from the provider table."""
    return list(session.scalars(select(Provider.name)))


def guard_for(org: Any, sessions: sessionmaker[Session] | None, ttl: float = 300.0) -> Guard:
    """The organisation's :class:`Guard` (cached ``ttl`` seconds per org object).

    Raises:
        ConfigurationError: an invalid ``phi_patterns`` regex.
    """
    key, now = id(org), time.monotonic()
    with _lock:
        hit = _cache.get(key)
        if hit and now - hit[0] < ttl:
            return hit[1]
    names: list[str] = list(getattr(org, "phi_known_names", None) or [])
    if sessions is not None:
        try:
            with sessions() as session:
                names += provider_names(session)
        except SQLAlchemyError:
            log.warning("provider names unavailable for the identifier guard; using the org file's only")
    guard = Guard.build(getattr(org, "phi_patterns", None), names)
    with _lock:
        _cache[key] = (now, guard)
    return guard
