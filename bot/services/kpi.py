"""The ``/kpi`` service: command text in, rendered reply out (no Slack client, no HTTP).

Listeners (``handlers.kpi``) and local tools call :func:`kpi_reply`; it parses the text, asks the
engine and renders. Unknown input becomes usage help (with "did you mean"), never a trace.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.access.kpi_domains import visible as kpi_visible  # issue 8: hide KPIs the asker may not see
from bot.errors import UsageError
from bot.kpi.catalogue import BY_ID
from bot.kpi.engine import KpiAnswer, answer, list_kpis
from bot.kpi.grammar import USAGE, KpiRequest, parse_kpi_command
from bot.kpi.registry import EngineOptions
from bot.orgconfig import OrgConfig
from bot.views import kpi as views


def kpi_reply(session: Session, org: OrgConfig, text: str, *, now: datetime | None = None,
              options: EngineOptions | None = None) -> views.Rendered:
    """``(blocks, text)`` answering ``/kpi <text>``. Usage errors are rendered as help."""
    try:
        request = parse_kpi_command(text)
        return reply_for(session, org, request, now=now, options=options)
    except UsageError as exc:
        message = str(exc)
        if "Usage" not in message and "`/kpi`" not in message:
            message += "\n" + USAGE
        return views.render_usage(message)


def reply_for(session: Session, org: OrgConfig, request: KpiRequest, *, now: datetime | None = None,
              options: EngineOptions | None = None) -> views.Rendered:
    if request.action == "help":
        return views.render_usage(USAGE)
    if request.action == "define":
        return views.render_definition(BY_ID[request.kpi_id])  # type: ignore[index]
    if request.action == "list":
        items = list_kpis(session, org, now=now, options=options)
        shown = [i for i in items if kpi_visible(i.kpi.id)]
        return views.render_list(shown, hidden=len(items) - len(shown))
    return views.render_answer(answer(session, request, org, now=now, options=options))


def kpi_answer(session: Session, org: OrgConfig, text: str, *, now: datetime | None = None,
               options: EngineOptions | None = None) -> KpiAnswer:
    """The typed answer for a value request (for charts and sharing).

    Raises:
        UsageError: the text is not a value request or cannot be understood.
    """
    request = parse_kpi_command(text)
    if request.action != "value":
        raise UsageError("That is not a KPI question.\n" + USAGE)
    return answer(session, request, org, now=now, options=options)
