"""Block Kit for the look-ahead answers (issue 20): expected no-shows, the high-risk list,
demand against capacity. Pure functions of typed values; limits checked in one place."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject, SectionBlock

from bot.forecast.ahead import DayOutlook, DemandOutlook, RiskSlot, SpanOutlook
from bot.views.limits import check_message, truncate

Rendered = tuple[list[dict], str]
MAX_ROWS = 60  # one message; longer lists say how many more
NO_MODEL = ("No expected count yet: the no-show model has not been trained, or it did not beat its "
            "baseline (`opsbot model report`).")
COUNT_NOTE = ("Expected count = sum of each appointment's calibrated no-show probability; range from the "
              "Poisson-binomial distribution.")
TOTAL_NOTE = (" The total's range comes from the same distribution over all the days' appointments together "
              "(not the daily ranges added up).")
RISK_NOTE = ("Look the patient up in your own system; this list carries no patient names or record numbers. "
             "Consider a reminder call or an overbook.")


def _message(lines: list[str], note: str | None = None) -> Rendered:
    text = truncate("\n".join(lines), 3000)
    blocks: list[object] = [SectionBlock(text=MarkdownTextObject(text=text))]
    if note:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=truncate(note, 2000))]))
    return check_message(blocks, text), text


def render_note(text: str) -> Rendered:
    return _message([text])


def outlook_line(o: DayOutlook) -> str:
    """One sentence: booked visits, expected no-shows with the range, high-risk slots."""
    if o.no_shows is None:
        return f"*{o.clinic}*, {o.day:%a %d %b}: {o.booked} booked visits. {NO_MODEL}"
    ns = o.no_shows
    return (f"*{o.clinic}*, {o.day:%a %d %b}: {o.booked} booked visits, about *{ns.expected:.1f}* expected "
            f"no-shows (likely {ns.low}–{ns.high}, {ns.level:.0%} range); {o.high_risk} high-risk slots.")


def total_line(t: SpanOutlook) -> str:
    """The days together: booked visits, expected no-shows with the range of the total, high-risk slots."""
    head = f"*Total, {t.clinic}, {t.first:%a %d %b}–{t.last:%a %d %b}*: {t.booked} booked visits"
    if t.no_shows is None:
        return f"{head}. {NO_MODEL}"
    ns = t.no_shows
    return (f"{head}, about *{ns.expected:.1f}* expected no-shows (likely {ns.low}–{ns.high}, {ns.level:.0%} "
            f"range); {t.high_risk} high-risk slots.")


def render_outlooks(outlooks: list[DayOutlook], lead: str | None = None, total: SpanOutlook | None = None) -> Rendered:
    """One line per day (a look-ahead over several days), after ``lead`` (closed days, said), then
    the ``total`` of the days."""
    note = COUNT_NOTE if total is None else COUNT_NOTE + TOTAL_NOTE
    return _message(([lead] if lead else []) + [outlook_line(o) for o in outlooks]
                    + ([total_line(total)] if total is not None else []), note)


def render_risk_lists(clinic: str, per_day: list[tuple[date, list[RiskSlot]]], lead: str | None = None) -> Rendered:
    """The front desk's list over one or more days (:func:`risk_lines` per day)."""
    lines = [lead] if lead else []
    for day, slots in per_day:
        lines += risk_lines(clinic, day, slots)
    return _message(lines, RISK_NOTE)


def risk_lines(clinic: str, day: object, slots: list[RiskSlot]) -> list[str]:
    """One day's high-risk list as lines: a heading, then time, provider, visit type and risk per
    slot (at most :data:`MAX_ROWS`). No patient identifier."""
    head = f"*High-risk appointments, {clinic}, {day:%a %d %b}*"
    if not slots:
        return [head, "None above the high-risk threshold (or no model that beat its baseline)."]
    rows = [f"{s.time} · {s.provider} · {s.visit_type} · {s.probability:.0%}" for s in slots[:MAX_ROWS]]
    if len(slots) > MAX_ROWS:
        rows.append(f"… and {len(slots) - MAX_ROWS} more")
    return [head, *rows]


def hidden_demand_line(o: DemandOutlook) -> str:
    """Why a clinic's demand forecast is not shown (it did not beat its baseline, or could not be checked)."""
    sc = o.score
    if sc is None:
        return (f"*{o.clinic}*: no demand forecast shown: there is not yet enough history (eight weeks and "
                "four more to score) to check it against \"same weekday last week\".")
    return (f"*{o.clinic}*: no demand forecast shown: on its last {sc.origins} four-week backtests it did not beat "
            f"\"same weekday last week\" (mean absolute error {sc.mae:.1f} visits a day against {sc.naive_mae:.1f}).")


def demand_lines(o: DemandOutlook) -> list[str]:
    """Weekly demand against capacity, the projected third next available, over-capacity days;
    only a forecast that beat its baseline (:attr:`DemandOutlook.shown`)."""
    if not o.shown:
        return [hidden_demand_line(o)]
    lines = [f"*{o.clinic}*: booked visits forecast for the next {len(o.days)} days against template slots"]
    for w in range(0, len(o.days), 7):
        week = o.days[w:w + 7]
        if week:
            lines.append(f"week of {week[0].day:%d %b}: {sum(d.forecast for d in week):.0f} visits "
                         f"for {sum(d.capacity for d in week)} slots")
    if o.tna_in_two_weeks is not None and o.tna_in_two_weeks > 7:
        lines.append(f":warning: Third next available will pass 7 days in two weeks at {o.clinic} "
                     f"(projected {o.tna_in_two_weeks} days).")
    elif o.tna_in_two_weeks is None and len(o.days) > 14:
        lines.append(f":warning: Third next available will pass 7 days in two weeks at {o.clinic} "
                     "(no three free slots projected in the horizon).")
    if o.over:
        lines.append(f"Demand above capacity on {len(o.over)} days, first {o.over[0].day:%a %d %b}.")
    return lines


def demand_day_lines(o: DemandOutlook, asked: list[date]) -> list[str]:
    """The ``asked`` days (clinic-local) out of the outlook's forecast: one line a day and their
    total (forecast visits summed, template slots summed). Days the forecast does not cover (today,
    whose visits are booked now; past its horizon) are named, not guessed."""
    if not o.shown:
        return [hidden_demand_line(o)]
    by_day = {d.day: d for d in o.days}
    found = [by_day[d] for d in asked if d in by_day]
    lines = [f"*{o.clinic}*: booked visits forecast against template slots"]
    lines += [f"{d.day:%a %d %b}: {d.forecast:.0f} visits for {d.capacity} slots"
              + (" (above capacity)" if d in o.over else "") for d in found]
    if len(found) > 1:
        lines.append(f"*Total {found[0].day:%a %d %b}–{found[-1].day:%a %d %b}*: "
                     f"{sum(d.forecast for d in found):.0f} visits for {sum(d.capacity for d in found)} slots")
    missing = [d for d in asked if d not in by_day]
    if missing:
        first, last = (o.days[0].day, o.days[-1].day) if o.days else (None, None)
        span = f" (it covers {first:%a %d %b}–{last:%a %d %b})" if first and last else ""
        lines.append(f"Not in the demand forecast{span}: {', '.join(f'{d:%a %d %b}' for d in missing)}"
                     + (" (today's visits are those already booked)." if o.origin in missing else "."))
    return lines


def render_demand_days(o: DemandOutlook, asked: list[date]) -> Rendered:
    """Demand on the asked days (:func:`demand_day_lines`), with the forecast's note."""
    return _message(demand_day_lines(o, asked), _demand_note(o))


def _demand_note(o: DemandOutlook) -> str:
    note = "`opsbot model report` shows each clinic's forecast error against \"same weekday last week\"."
    if o.shown and o.score is not None:
        note = (f"Forecast: weekday medians of the last 26 weeks blended with the bookings already made; on its last "
                f"{o.score.origins} four-week backtests its error was {o.score.improvement:.0%} below \"same weekday "
                f"last week\" ({o.score.mae:.1f} against {o.score.naive_mae:.1f} visits a day). {note}")
    return note


def render_demand(o: DemandOutlook) -> Rendered:
    """The whole horizon: weekly demand against capacity (:func:`demand_lines`)."""
    return _message(demand_lines(o), _demand_note(o))
