"""Understanding a question (issue 18): the organisation's vocabulary (built from storage once,
cached), the asker's home clinic, and ``interpret`` — the documented ``/kpi`` grammar first, then
the plain-language reader — giving a :class:`~bot.kpi.reader.Reading`.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.errors import UsageError
from bot.kpi.grammar import KpiRequest, parse_kpi_command
from bot.kpi.reader import Reading, Vocabulary, read
from bot.kpi.reader.malformed import begins_period
from bot.kpi.reader.vocab import build_vocabulary
from bot.orgconfig import OrgConfig
from storage.conversation import appointment_dates, name_rows, signature

TTL_SECONDS = 30.0  # after this, a cheap signature query decides whether to rebuild
_cache: dict[tuple[int, str, tuple[tuple[str, str, str], ...]], tuple[float, tuple[int, ...], Vocabulary]] = {}
_lock = threading.Lock()


def vocabulary_for(session: Session, org: OrgConfig | None = None) -> Vocabulary:
    """The organisation's :class:`Vocabulary` for this database (cached per engine; rebuilt when
    clinics, providers or payers change). With ``org``, clinics only in the organisation file
    (nothing imported yet) are known too, so a question naming one is read as that clinic and
    answered "no data yet" rather than "I don't know a clinic called …"."""
    bind = session.get_bind()
    configured = tuple((c.key, c.name, c.timezone) for c in org.clinics) if org is not None else ()
    # the URL too: a recycled id() is another database; the org's clinics: an edit changes the names
    key = (id(bind), str(getattr(bind, "url", "")), configured)
    now = time.monotonic()
    with _lock:
        hit = _cache.get(key)
    if hit is not None and now - hit[0] < TTL_SECONDS:
        return hit[2]
    sig = signature(session)
    if hit is not None and hit[1] == sig:
        vocab = hit[2]
    else:
        clinics, providers, payers = name_rows(session)
        zones = Counter(z for _, _, z in clinics)
        stored = {k for k, _, _ in clinics}
        clinics = [*clinics, *(c for c in configured if c[0] not in stored)]
        first, last = appointment_dates(session)
        vocab = build_vocabulary(clinics, providers, payers, default_zone=zones.most_common(1)[0][0] if zones else "UTC",
                                 data_start=first, data_end=last)
    with _lock:
        _cache[key] = (now, sig, vocab)
    return vocab


def home_clinic(org: OrgConfig, user_id: str | None) -> str | None:
    """The one clinic the user's roles together scope them to (their questions default to it); None otherwise
    (:func:`bot.access.roles.home_clinic` over the request's grants, else the organisation file's)."""
    from bot.access.current import current
    from bot.access.roles import home_clinic as home_of

    scope = current()
    if scope is not None and scope.user_id == user_id:
        return home_of(scope.grants)
    return home_of(g for subject, g in org.roles.grants() if subject == (user_id or "").upper())


def interpret(session: Session, org: OrgConfig, text: str, *, now: datetime | None = None,
              user_id: str | None = None, context: Reading | None = None) -> Reading:
    """How the bot reads ``text`` (a follow-up of ``context`` when given). Never raises on user text."""
    if context is None and (strict := strict_request(text, now)) is not None:
        home = home_clinic(org, user_id)
        unscoped = strict.action == "value" and not (strict.clinic or strict.provider or strict.by == "clinic")
        if not (home and unscoped):  # a one-clinic user's unscoped question goes to their clinic
            return Reading(status="strict", text=text)  # the documented grammar keeps its meaning and messages
    return read_only(session, org, text, now=now, user_id=user_id, context=context)


def read_only(session: Session, org: OrgConfig, text: str, *, now: datetime | None = None,
              user_id: str | None = None, context: Reading | None = None) -> Reading:
    """The plain-language reader alone (no grammar first)."""
    vocab = vocabulary_for(session, org)
    return read(text, vocab, now or datetime.now(UTC), context=context,
                home_clinic=home_clinic(org, user_id))


def strict_request(text: str, now: datetime | None = None) -> Any:
    """The documented grammar's request for ``text``, or None when it does not parse or a name in
    it runs on into a period (:func:`_name_runs_into_period`)."""
    try:
        request = parse_kpi_command(text)
    except UsageError:
        return None
    if request.action == "value" and _name_runs_into_period(request, (now or datetime.now(UTC)).date()):
        return None
    return request


def _name_runs_into_period(request: KpiRequest, today: date) -> bool:
    """Whether a clinic, provider or payer name the grammar took ("seaside feb 28" of "clinic
    seaside feb 28 2026") has, after its first word, a period phrase beginning
    (:func:`bot.kpi.reader.malformed.begins_period`: ISO, month/day/year, words, or a date the
    calendar does not have). The name stops there: the reader, which reads those dates, reads the
    question, and a date that does not exist gets its own answer, never "Unknown clinic"."""
    for name in (request.clinic, request.provider, request.payer):
        at = request.text.lower().find(name.lower()) if name else -1
        if name is None or at < 0:
            continue
        words, rest = name.split(), request.text[at + len(name):]
        if any(begins_period(" ".join(words[k:]) + rest, today) for k in range(1, len(words))):
            return True
    return False
