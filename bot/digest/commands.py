"""``/digest`` command text → a typed request (no database, no Slack).

    /digest subscribe [clinic …] [at 07:30] [weekdays|daily] [skip-empty|always]
    /digest unsubscribe [clinic …]
    /digest list
    /digest preview [clinic …]
    /digest help
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time

from bot.digest.schedule import parse_local_time
from bot.errors import UsageError

VERBS = ("subscribe", "unsubscribe", "list", "preview", "help")
ALIASES = {"sub": "subscribe", "unsub": "unsubscribe", "stop": "unsubscribe", "ls": "list", "show": "preview",
           "now": "preview", "": "help", "?": "help"}

DIGEST_HELP = """*Daily digest* — a morning summary of KPIs, alerts, stale data, ideas, PDSA cycles and deadlines, posted in this channel.
• `/digest subscribe north south at 07:30 weekdays` — this channel gets the digest for those clinics at 07:30 clinic time, Monday–Friday (`daily` for every day)
• `/digest subscribe north always` — post even on days with nothing to say (default: `skip-empty`)
• `/digest preview` — see today's digest now (only you see it)
• `/digest list` — subscriptions and their next run times
• `/digest unsubscribe [clinic …]` — stop (all of this channel's digest, or only those clinics)
Times are in the first clinic's time zone; public holidays are skipped where the clinic configures them."""

_AT = re.compile(r"(?:^|\s)at\s+(\S+(?:\s*[ap]m)?)", re.IGNORECASE)


@dataclass
class DigestRequest:
    verb: str
    clinics: list[str] = field(default_factory=list)
    at: time | None = None
    days: str | None = None
    skip_when_empty: bool | None = None


def parse_digest(text: str) -> DigestRequest:
    """Parse the text after ``/digest``.

    Raises:
        UsageError: unknown verb, bad time, or options that do not belong to the verb.
    """
    raw = (text or "").strip()
    head, _, rest = raw.partition(" ")
    verb = ALIASES.get(head.lower(), head.lower())
    if verb not in VERBS:
        raise UsageError(f"Unknown `/digest {head}`. Use one of: {', '.join(VERBS)}.\n{DIGEST_HELP}")
    req = DigestRequest(verb)
    m = _AT.search(rest)
    if m:
        req.at = parse_local_time(m.group(1))
        rest = (rest[: m.start()] + " " + rest[m.end():]).strip()
    words = []
    for word in re.split(r"[\s,]+", rest.strip()):
        low = word.lower()
        if low in ("weekdays", "weekday", "workdays"):
            req.days = "weekdays"
        elif low in ("daily", "everyday", "every-day"):
            req.days = "daily"
        elif low in ("skip-empty", "skip_empty", "skipempty"):
            req.skip_when_empty = True
        elif low in ("always", "even-empty", "no-skip"):
            req.skip_when_empty = False
        elif word:
            words.append(word)
    req.clinics = words
    if verb != "subscribe" and (req.at or req.days or req.skip_when_empty is not None):
        raise UsageError(f"`/digest {verb}` takes no time or days; those go with `/digest subscribe`.")
    if verb in ("list", "help") and words:
        raise UsageError(f"`/digest {verb}` takes no clinic names.")
    return req
