"""``opsbot understand QUESTION [FOLLOW-UP …]``: how the bot reads questions (issue 18)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import typer

from bot.cli.common import database_option, engine_for, settings_or_exit, user_errors
from bot.cli.root import cli


@cli.command("understand")
def understand_command(
    questions: list[str] = typer.Argument(..., help="A question; each later argument is a follow-up in its thread."),
    now: str | None = typer.Option(None, "--now", help="The moment asked, ISO 8601 (default: now; naive = UTC)."),
    user: str | None = typer.Option(None, "--user", help="Slack user id asking (a one-clinic user's default clinic)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per question."),
    database: str | None = database_option(),
) -> None:
    """Print how each question is read, without computing any answer.

    With ``--json``: ``{"status": "answer"|"clarify"|"refuse", "kpi", "clinic", "provider", "payer",
    "start", "end", "by", "compare_start", "compare_end", "reading"}`` (dates inclusive, clinic-local;
    null start and end = all data).
    """
    from bot.errors import UsageError
    from bot.kpi.reader import Reading
    from bot.orgconfig import load_org_config
    from bot.services.understand import interpret, read_only, vocabulary_for
    from storage.db import make_session_factory, session_scope

    settings = settings_or_exit(DATABASE_URL=database)
    with user_errors():
        try:
            instant = datetime.fromisoformat(now) if now else datetime.now(UTC)
        except ValueError:
            raise UsageError(f"--now must be ISO 8601 (e.g. 2026-10-14T16:00:00Z), got {now!r}") from None
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=UTC)
        org = load_org_config(settings.opsbot_config)
        engine = engine_for(settings)
        try:
            with session_scope(make_session_factory(engine)) as session:
                vocab = vocabulary_for(session, org)
                context: Reading | None = None
                for q in questions:
                    if context is None and (ahead := _lookahead(q)) is not None:  # answered as /kpi's look-ahead
                        typer.echo(json.dumps(ahead, ensure_ascii=False) if as_json else
                                   f"> {q}\n  {ahead['status']}: {ahead['reading']}")
                        continue
                    reading = interpret(session, org, q, now=instant, user_id=user, context=context)
                    if reading.status == "strict":
                        mirror = read_only(session, org, q, now=instant, user_id=user)
                        reading = mirror if mirror.status in ("answer", "scorecard") else _strict_reading(q)
                    out = reading.to_json(vocab, instant)
                    if as_json:
                        typer.echo(json.dumps(out, ensure_ascii=False))
                    else:
                        typer.echo(f"> {q}\n  {out['status']}: {out['reading']}")
                        for o in reading.options + reading.alternatives:
                            typer.echo(f"    [button] {o.label}")
                    if reading.status in ("answer", "scorecard"):
                        context = reading
        finally:
            engine.dispose()


def _strict_reading(text: str):  # type: ignore[no-untyped-def]
    from bot.kpi.reader import Reading

    return Reading(status="clarify", text=text, message=f"(read by the documented /kpi grammar: `{text}`)")


def _lookahead(text: str) -> dict[str, object] | None:
    """How a look-ahead question (issue 20) reads (``status`` "lookahead", the question as ``kpi``);
    None when ``text`` is not one (a look-ahead question with unknown words reads as
    ``clarify`` with the grammar's message)."""
    from bot.errors import UsageError
    from bot.forecast.grammar import parse_plain_lookahead
    from bot.kpi.reader.dates import WEEKDAYS

    try:
        r = parse_plain_lookahead(text)
    except UsageError as exc:
        return _fields("clarify", None, None, str(exc))
    if r is None:
        return None
    when = ("the next four weeks" if r.question == "demand" and not r.named_days else r.on.isoformat() if r.on
            else ("this week" if r.week == 0 else "next week") if r.week is not None
            else f"next {WEEKDAYS[r.weekday]}"
            if r.weekday is not None else f"the next {r.count} days" if r.count > 1
            else {0: "today", 1: "tomorrow"}.get(r.days_ahead or 0, f"in {r.days_ahead} days"))
    return _fields("lookahead", r.question, r.clinic, f"{r.question} · clinic {r.clinic or '(not named)'} · {when}")


def _fields(status: str, kpi: str | None, clinic: str | None, reading: str) -> dict[str, object]:
    """The ``--json`` fields of every reading (the look-ahead question's id as ``kpi``)."""
    return {"status": status, "kpi": kpi, "clinic": clinic, "provider": None, "payer": None, "start": None,
            "end": None, "by": None, "compare_start": None, "compare_end": None, "reading": reading}
