"""Answering a question from any surface (issue 18): ``/kpi``, an @mention, a DM, a follow-up in
a thread, a clarifying button. One function, so every surface gives the same answer.

``converse`` interprets (grammar first, then the reader), checks the asker may see the KPI, asks
the engine through the documented grammar (``Reading.command``) and renders with the reading
line. It returns the reading to remember for the thread (``Reply.state``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.access.current import allows, require
from bot.access.kpi_domains import permission_for
from bot.errors import UsageError
from bot.forecast.grammar import parse_plain_lookahead
from bot.kpi.catalogue import BY_ID, CATALOGUE
from bot.kpi.engine import answer
from bot.kpi.grammar import parse_kpi_command
from bot.kpi.periods import span_text
from bot.kpi.reader import Reading, Vocabulary
from bot.kpi.registry import EngineOptions
from bot.kpi.scorecard import scorecard
from bot.orgconfig import OrgConfig
from bot.services.kpi import reply_for
from bot.services.lookahead import lookahead_reply
from bot.services.understand import interpret, read_only, vocabulary_for
from bot.views import kpi as kpi_views
from bot.views import reader as views


@dataclass
class Reply:
    blocks: list[dict[str, Any]]
    text: str
    state: dict[str, Any] | None = None  # the reading a follow-up in the thread starts from


def converse(session: Session, org: OrgConfig, text: str, *, now: datetime | None = None, user_id: str | None = None,
             context: dict[str, Any] | None = None, options: EngineOptions | None = None) -> Reply:
    """The reply to ``text`` (a follow-up of ``context``, a stored ``Reading.state()``)."""
    previous = Reading.from_state(context) if context else None
    if previous is None and (ahead := _lookahead(session, org, text, now)) is not None:
        return ahead  # the days ahead (issue 20): the same requests as `/kpi expected-no-shows …`
    reading = interpret(session, org, text, now=now, user_id=user_id, context=previous)
    return reply_to(session, org, reading, now=now, user_id=user_id, options=options)


def _lookahead(session: Session, org: OrgConfig, text: str, now: datetime | None) -> Reply | None:
    """A look-ahead question asked in plain language ("expected no-shows next week at seaside"),
    answered as ``/kpi`` answers it; None when ``text`` is not one. The high-risk list is never put
    where others may read it: it is pointed to ``/kpi``, which sends it by direct message."""
    try:
        request = parse_plain_lookahead(text)
        if request is None:
            return None
        if request.question == "high-risk":
            return Reply(*views.render_text("The high-risk list is sent by direct message: ask "
                                            "`/kpi high-risk tomorrow clinic <name>`."))
        reply = lookahead_reply(session, org, text, now=now, request=request)
    except UsageError as exc:
        return Reply(*views.render_text(str(exc)))
    return Reply(*reply.ephemeral) if reply is not None else None


def reply_to(session: Session, org: OrgConfig, reading: Reading, *, now: datetime | None = None,
             user_id: str | None = None, options: EngineOptions | None = None) -> Reply:
    """Render ``reading``. Raises PermissionDenied when the asker may not see the KPI."""
    vocab = vocabulary_for(session, org)
    instant = now or datetime.now(UTC)
    try:
        if reading.status == "strict":
            return _strict(session, org, reading.text, instant, user_id, options, vocab)
        if reading.status == "answer" and reading.kpi:
            return _answer(session, org, reading, instant, options, vocab)
        if reading.status == "scorecard" or (reading.status == "answer" and not reading.kpi):
            return _scorecard(session, org, reading, instant, options)
    except UsageError as exc:
        return Reply(*views.render_text(f"{exc}\n{usage(vocab)}"))
    if reading.status == "clarify":
        return Reply(*views.render_clarify(reading.message, reading.options, reading.text))
    if reading.status == "define" and reading.kpi:
        return Reply(*kpi_views.render_definition(BY_ID[reading.kpi]))
    if reading.status == "list":
        return Reply(*reply_for(session, org, parse_kpi_command("list"), now=instant, options=options))
    if reading.status == "help":
        return Reply(*views.render_help(examples(vocab), len(CATALOGUE)))
    return Reply(*views.render_text(reading.message or usage(vocab)))


def _answer(session: Session, org: OrgConfig, reading: Reading, now: datetime, options: EngineOptions | None,
            vocab: Vocabulary) -> Reply:
    require(permission_for(reading.kpi), reading.clinic or _provider_clinic(reading, vocab))
    command = reading.command(vocab, now)
    request = parse_kpi_command(command)
    result = answer(session, request, org, now=now, options=options)
    rendered = kpi_views.render_answer(result)
    line = views.answer_line(result)
    if reading.corrected:  # a misspelt name is never used silently
        line += " · misspelt name read as " + ", ".join(reading.corrected)
    return Reply(*views.with_reading(rendered, line, reading.alternatives, reading.text), state=reading.state())


def _provider_clinic(reading: Reading, vocab: Vocabulary) -> str | None:
    prov = vocab.entity("provider", reading.provider)
    return prov.clinic if prov else None


def _strict(session: Session, org: OrgConfig, text: str, now: datetime, user_id: str | None,
            options: EngineOptions | None, vocab: Vocabulary) -> Reply:
    """The documented grammar, exactly as before, plus the reading line and a thread context."""
    request = parse_kpi_command(text)
    if request.action == "help":
        return Reply(*views.render_help(examples(vocab), len(CATALOGUE)))
    if request.action != "value":
        return Reply(*reply_for(session, org, request, now=now, options=options))
    result = answer(session, request, org, now=now, options=options)
    require(permission_for(request.kpi_id), result.scope.clinic_key)
    mirror = read_only(session, org, text, now=now, user_id=user_id)
    state = mirror.state() if mirror.status == "answer" and mirror.kpi == request.kpi_id else None
    return Reply(*views.with_reading(kpi_views.render_answer(result), views.answer_line(result), [], text), state=state)


def _scorecard(session: Session, org: OrgConfig, reading: Reading, now: datetime, options: EngineOptions | None) -> Reply:
    visible = {k.id for k in CATALOGUE if allows(permission_for(k.id), reading.clinic)}
    label, rows = scorecard(session, org, reading.clinic, reading.period, visible=visible, now=now, options=options)
    shown: list[tuple[str, str | None, str, bool | None]] = [
        (r.kpi.name, r.shown(), r.status.text if r.status else "", r.status.on_target if r.status else None)
        for r in rows]
    period = ("latest 30 days of each KPI's data" if reading.period.kind == "all"
              else span_text(rows[0].start, rows[0].end) if rows else "")
    return Reply(*views.render_scorecard(label, period, shown, hidden=len(CATALOGUE) - len(visible)),
                 state=reading.state())


def examples(vocab: Vocabulary) -> list[str]:
    """Example questions from the organisation's own names and data dates."""
    clinics = sorted(vocab.clinics.values(), key=lambda c: c.name)
    first = clinics[0].name.split()[0].lower() if clinics else "your clinic"
    second = clinics[1].name if len(clinics) > 1 else first
    month = vocab.data_end.strftime("%B") if vocab.data_end else "last month"
    payer = next(iter(sorted(p.name for p in vocab.payers.values())), None)
    provider = next(iter(sorted(vocab.providers.values(), key=lambda p: p.key)), None)
    out = [f"“no-show rate at {first} last week”", f"“how is {second} doing?”",
           f"“which site had the worst denial rate in {month}?”",
           "“days in A/R by clinic this quarter vs last quarter”"]
    if payer:
        out.append(f"“{payer} denials by clinic in {month}”")
    if provider:
        out.append(f"“third next available for {provider.name}”")
    return out


def usage(vocab: Vocabulary) -> str:
    return "Try e.g. " + ", ".join(examples(vocab)[:3]) + ". `/kpi help` for more."
