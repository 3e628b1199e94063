"""Is the configured pseudonym key the one this database's patient pseudonyms were made with?

The database keeps a fingerprint of that key (``pseudonym_key_checks``: HMAC-SHA256 of a fixed
label under the key, :func:`bot.privacy.key_fingerprint`; never the key). The first import or
``opsbot seed`` records it; an import under another key is refused (``bot.ingest.runner``), and
``opsbot serve``, ``opsbot socket`` and ``opsbot scheduler`` stop at start-up
(:func:`refuse_other_key`): under another key a patient's new visits would not link to the earlier
ones, and pseudonyms typed or looked up would match nobody. A database with no fingerprint yet
passes silently.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.errors import ConfigurationError, OpsBotError
from bot.privacy import key_fingerprint
from storage.key_check import other_key_since, stored_key_check
from storage.models import utcnow


def other_key_message(since: datetime, outcome: str) -> str:
    """The one message for a key that is not the database's (``since``: when the database's key
    was first used, naive UTC; ``outcome``: what was not done, e.g. "Nothing was imported.")."""
    return (f"OPSBOT_PSEUDONYM_KEY is not the key this database's patient pseudonyms were made with (that "
            f"key was first used {since:%Y-%m-%d %H:%M} UTC): these patients' visits would not link to their "
            f"earlier ones. Set the original key, or use a new database. {outcome}")


def refuse_other_key(session: Session, key: str, outcome: str) -> None:
    """Nothing when the database has no recorded key or ``key`` is it; reads only.

    Raises:
        ConfigurationError: the recorded fingerprint is another key's (message ends with ``outcome``).
    """
    stored = stored_key_check(session)
    if stored is not None and stored.fingerprint != key_fingerprint(key):
        raise ConfigurationError(other_key_message(stored.first_used_at, outcome))


def record_key(session: Session, key: str, outcome: str, now: datetime | None = None, *,
               error: type[OpsBotError] = ConfigurationError) -> None:
    """Record ``key``'s fingerprint when the database has none yet (``now``, naive UTC; default:
    now); the caller commits. ``error``: the exception a caller's readers expect (an import
    raises :class:`bot.errors.ImportFormatError`).

    Raises:
        ConfigurationError: (or ``error``) the recorded fingerprint is another key's.
    """
    since = other_key_since(session, key_fingerprint(key), now or utcnow())
    if since is not None:
        raise error(other_key_message(since, outcome))
