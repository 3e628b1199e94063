"""Block Kit for ``/kpi`` answers: pure functions from the engine's typed answers to
``(blocks, text)``; ``text`` is the plain-text fallback (notifications, screen readers).
Every message is checked against Slack's limits (``bot.views.limits.check_message``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.ideas.improve import ImprovementStart, from_answer
from bot.ids import Action
from bot.kpi.catalogue import KpiDef
from bot.kpi.coverage import coverage_of, short_history, short_history_text
from bot.kpi.drivers_text import drivers_text
from bot.kpi.engine import KpiAnswer, KpiListItem
from bot.kpi.periods import iso_span
from bot.kpi.spc_reading import ADJECTIVE
from bot.kpi.targets import format_value, shown_value
from bot.views.limits import BUTTON_VALUE, check_message, truncate

CURRENCY = "USD"
SPARK = "▁▂▃▄▅▆▇█"

Rendered = tuple[list[dict], str]


def _money(cents: float) -> str:
    return f"{cents / 100:,.2f} {CURRENCY}"


def n_of_d(kpi: KpiDef, n: float, d: float) -> str:
    """``22,319 of 110,527 appointments`` (money KPIs in currency)."""
    if kpi.money:
        return f"{_money(n)} of {_money(d)}"
    return f"{n:,.0f} of {d:,.0f} {kpi.noun}".rstrip()


def as_of_text(as_of: datetime | None, tz: str) -> str:
    if as_of is None:
        return "as of: no load of this feed is recorded"
    utc = as_of.replace(tzinfo=UTC)
    text = f"as of {utc:%Y-%m-%d %H:%M} UTC"
    if tz != "UTC":
        text += f" ({utc.astimezone(ZoneInfo(tz)):%Y-%m-%d %H:%M} {tz})"
    return text


def sparkline(values: list[float | None]) -> str:
    """One character per period (``·`` = no data), scaled between the min and max."""
    real = [v for v in values if v is not None]
    if not real:
        return ""
    lo, hi = min(real), max(real)
    span = hi - lo or 1.0
    return "".join("·" if v is None else SPARK[min(7, int((v - lo) / span * 7 + 0.5))] for v in values)


def _shown(a: KpiAnswer) -> str:
    """The value as shown, with the decimals that tell it from its target bound."""
    return shown_value(a.measure.value, a.kpi.unit, a.status)  # type: ignore[arg-type]


def _headline(a: KpiAnswer) -> str:
    m, k = a.measure, a.kpi
    value = _shown(a)
    if k.unit == "%":
        return f"*{value}*  ({n_of_d(k, m.n, m.d)})"
    basis = m.extra.get("basis")
    return f"*{value}*" + (f"  ({basis})" if basis else "")


def _button_value(a: KpiAnswer) -> str:
    return truncate(json.dumps({"q": a.request_text}), BUTTON_VALUE)


def render_answer(a: KpiAnswer, *, interactive: bool = True, shared_by: str | None = None) -> Rendered:
    """The answer message (value, N/D, period covered, target, trend, SPC, as of, buttons).

    ``interactive`` False leaves out the buttons (the copy shared to a channel); ``shared_by`` is a
    Slack user id credited in the footer."""
    if not a.measure.has_data:
        return render_no_data(a)
    k, m = a.kpi, a.measure
    title = truncate(f"{k.name} · {a.scope.label}", 150)
    covered = iso_span(m.first, m.last or m.first) if m.first else "—"
    lines = [_headline(a), f"Period: {a.period.name} · data covers {covered}"]
    if a.status:
        lines.append(("✅ " if a.status.on_target else "⚠️ ") + a.status.text)
    else:
        lines.append("No target configured" + (f" ({k.target_text})" if k.target_text else "") + ".")
    for key, label in (("mean", "mean"), ("same_day_share", "same-day share")):
        if key in m.extra:
            v = m.extra[key]
            lines.append(f"{label}: {v * 100:.1f} %" if key.endswith("share") else f"{label}: {v:.1f} days")
    if a.comparison:
        lines.append(_comparison(a))
    blocks: list[Block] = [HeaderBlock(text=title), SectionBlock(text=MarkdownTextObject(text="\n".join(lines)))]
    if a.small_n:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(
            text=f"⚠️ n = {m.d:,.0f}: too few to read as a trend.")]))
    if a.caveat:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=truncate(f"⚠️ {a.caveat}", 3000))]))
    why = drivers_text(a.drivers or [], k.unit)
    if why:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=truncate(why, 3000))))
    if a.trend:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=truncate(_trend_text(a), 3000))))
    if a.breakdown is not None:
        blocks.append(DividerBlock())
        blocks.append(SectionBlock(text=MarkdownTextObject(text=truncate(_breakdown_text(a), 3000))))
    notes = [as_of_text(a.as_of, a.scope.timezone), f"definition: `/kpi define {k.id}`"]
    if shared_by:
        notes.append(f"shared by <@{shared_by}>")
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=" · ".join(notes))]))
    if interactive:
        value = _button_value(a)
        blocks.append(ActionsBlock(elements=[
            ButtonElement(text="Share to channel", action_id=Action.KPI_SHARE.value, value=value),
            ButtonElement(text="Show chart", action_id=Action.KPI_CHART.value, value=value),
            *improve_buttons(a),
        ]))
    text = f"{k.name}, {a.scope.label}, {a.period.name}: {_shown(a)}"
    if k.unit == "%":
        text += f" ({n_of_d(k, m.n, m.d)})"
    if a.caveat:
        text += f"\n{a.caveat}"
    return check_message(blocks, text), text


def improve_buttons(a: KpiAnswer) -> list[ButtonElement]:
    """"Start an improvement" when the answer shows a problem (issue 19), else nothing."""
    start = from_answer(a)
    return [] if start is None else [improve_button(start)]


def improve_button(start: ImprovementStart) -> ButtonElement:
    return ButtonElement(text="Start an improvement", action_id=Action.KPI_IMPROVE.value, value=start.to_value())


def _comparison(a: KpiAnswer) -> str:
    assert a.comparison is not None
    period, other = a.comparison
    k = a.kpi
    if not other.has_data:
        return f"vs {period.describe()}: {other.extra.get('why') or 'no data'}"
    delta = (a.measure.value or 0) - (other.value or 0)
    if k.unit == "%":
        change = f"{delta * 100:+.2f} percentage points"
    else:
        change = f"{delta:+,.1f} {k.unit}"
    covered = ""
    if other.first and other.last and (other.first, other.last) != (period.start, period.end):
        covered = (f"; data only {other.first:%Y-%m-%d}" if other.first == other.last
                   else f"; data {iso_span(other.first, other.last)}")
    if note := coverage_of(other):  # a per-day average on fewer days than its window says so
        covered += f"; {note}"
    return f"vs {period.describe()}: {format_value(other.value, k.unit)} ({change}{covered})"  # type: ignore[arg-type]


def _trend_text(a: KpiAnswer) -> str:
    k = a.kpi
    values = [p.measure.value for p in a.trend]
    grain = ADJECTIVE.get(a.grain, a.grain)  # the series' own grain: its labels name its points
    items = [f"{p.label}: {format_value(p.measure.value, k.unit)}" for p in a.trend if p.measure.value is not None]
    text = f"*Trend* ({grain}, last {len(a.trend)}): `{sparkline(values)}`\n" + " · ".join(items[-6:])
    if a.spc and a.spc.lines:
        text += "\n*SPC*: " + " ".join(a.spc.lines)
    return text


def _breakdown_text(a: KpiAnswer) -> str:
    """Ranked rows, names cut to 60 characters, within one section's 3,000 characters."""
    k = a.kpi
    rows = a.breakdown or []
    lines = [f"*By {a.breakdown_dim}* (highest first; {a.breakdown_total} with data)"]
    size, shown = len(lines[0]), 0
    for i, row in enumerate(rows, 1):
        m = row.measure
        mark = "" if row.status is None else (" ✅" if row.status.on_target else " ⚠️")
        if row.status and not row.status.on_target and m.value in (row.status.target.min, row.status.target.max):
            mark += f" ({row.status.text.removeprefix('off target: ')})"  # exactly at a "greater than" bound
        detail = f" ({n_of_d(k, m.n, m.d)})" if k.unit == "%" else ""
        if k.unit == "%" and not k.money and m.d < 30:
            detail += f" _n = {m.d:,.0f}: too few to rank_"
        value = shown_value(m.value, k.unit, row.status)  # type: ignore[arg-type]
        line = f"{i}. {truncate(row.name, 60)}: {value}{detail}{mark}"
        if size + len(line) + 1 > 2900:
            break
        lines.append(line)
        size += len(line) + 1
        shown += 1
    if a.breakdown_total > shown:
        lines.append(f"… and {a.breakdown_total - shown} more")
    if a.breakdown_unranked:
        lines.append(truncate(_unranked_line(a.breakdown_dim or "clinic", a.breakdown_unranked), 2900 - size))
    return "\n".join(lines)


def _unranked_line(dim: str, rows: list[tuple[str, str]]) -> str:
    """The footnote naming the rows listed without a value (never left out silently):
    ``"Not ranked, 1 clinic: Cedar — not enough history (11 days of data)"``."""
    count = f"{len(rows)} {dim}{'s' if len(rows) != 1 else ''}"
    return f"_Not ranked, {count}: " + "; ".join(f"{truncate(name, 60)} — {why}" for name, why in rows) + "_"


def render_no_data(a: KpiAnswer) -> Rendered:
    k = a.kpi
    latest = f"The latest data is from {a.latest:%Y-%m-%d}." if a.latest else "There is no data for it yet."
    why = a.measure.extra.get("why")
    text = (f"{k.name}, {a.scope.label}, {a.period.describe()}: {why}." if why
            else f"{k.name}, {a.scope.label}: no data for {a.period.describe()}. {latest}")
    if a.comparison is not None:  # a "vs" is never dropped silently
        text += f" So there is nothing to compare with {a.comparison[0].describe()}."
    blocks = [SectionBlock(text=MarkdownTextObject(text=text)),
              ContextBlock(elements=[MarkdownTextObject(text=as_of_text(a.as_of, a.scope.timezone))])]
    return check_message(blocks, text), text


def render_list(items: list[KpiListItem], hidden: int = 0) -> Rendered:
    """The ``/kpi`` overview; ``hidden`` KPIs the asker's role may not see are counted, not shown."""
    lines = []
    for it in items:
        if it.measure is None or not it.measure.has_data:
            days = None if it.measure is None else short_history(it.measure)
            lines.append(f"• *{it.kpi.name}* (`{it.kpi.id}`): {'no data' if days is None else short_history_text(days)}")
            continue
        status = "" if it.status is None else (" ✅" if it.status.on_target else " ⚠️")
        lines.append(f"• *{it.kpi.name}* (`{it.kpi.id}`): {format_value(it.measure.value, it.kpi.unit)}{status}"  # type: ignore[arg-type]
                     f" — {it.period.describe() if it.period else ''}")
    blocks: list[Block] = [HeaderBlock(text="KPIs (latest 30 days of each feed, all clinics)")]
    chunk: list[str] = []
    for line in lines:  # sections of at most 3,000 characters
        if sum(len(x) + 1 for x in chunk) + len(line) > 2900:
            blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join(chunk))))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join(chunk))))
    help_text = "`/kpi <kpi> [clinic …] [period]` for one KPI · `/kpi define <kpi>` · `/kpi help`"
    if hidden:
        help_text = (f"{hidden} revenue-cycle KPI{'s' if hidden != 1 else ''} not shown: they need the finance "
                     "or manager role. · " + help_text)
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=help_text)]))
    text = "KPIs:\n" + "\n".join(lines)
    return check_message(blocks, text), text


def render_definition(kpi: KpiDef) -> Rendered:
    text = kpi.definition_text()
    blocks = [HeaderBlock(text=truncate(kpi.name, 150)), SectionBlock(text=MarkdownTextObject(text=truncate(text, 3000)))]
    if kpi.aliases:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(
            text=truncate("Also answers to: " + ", ".join(kpi.aliases), 2000))]))
    return check_message(blocks, text), text


def render_usage(message: str) -> Rendered:
    """An error or help text (already user-safe) as a message."""
    text = truncate(message, 3000)
    return check_message([SectionBlock(text=MarkdownTextObject(text=text))], text), text
