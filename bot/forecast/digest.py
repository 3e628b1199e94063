"""The digest's look-ahead section (issue 20): tomorrow's booked visits, expected no-shows with
an 80 % range, and high-risk slots per clinic. Left out (empty) without a model that beat its
baseline, so a digest never shows an untested number. A clinic with no clinic hours tomorrow (no
template slots that weekday, e.g. Sunday) is said to be closed, with its next open day's figures
instead of "0 booked visits"."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot.digest.content import LookaheadLine
from bot.forecast.ahead import day_outlooks, is_open, next_open, weekdays_open
from storage.forecast_queries import template_capacity


def lookahead_lines(session: Session, clinics: list[tuple[int, str]], day: date) -> list[LookaheadLine]:
    """One line per clinic for ``day`` (the clinic-local tomorrow of the digest), or for its next
    open day when it has no hours on ``day`` (``LookaheadLine.closed``: the closed day)."""
    cap = template_capacity(session)
    when: dict[int, date] = {}
    for cid, _name in clinics:
        hours = weekdays_open(cap, cid)
        nxt = day if is_open(day, hours) else next_open(day, hours)
        if nxt is not None:
            when[cid] = nxt
    out: list[LookaheadLine] = []
    for d in sorted(set(when.values())):
        group = [(cid, name) for cid, name in clinics if when.get(cid) == d]
        for o in day_outlooks(session, group, d):
            if o.no_shows is None:
                continue
            out.append(LookaheadLine(o.clinic, o.day, o.booked, o.no_shows.expected, o.no_shows.low,
                                     o.no_shows.high, o.high_risk, None if d == day else day))
    order = {name: i for i, (_cid, name) in enumerate(clinics)}
    return sorted(out, key=lambda line: order.get(line.clinic, len(order)))
