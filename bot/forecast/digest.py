"""The digest's look-ahead section (issue 20): tomorrow's booked visits, expected no-shows with
an 80 % range, and high-risk slots per clinic. Left out (empty) without a model that beat its
baseline, so a digest never shows an untested number."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot.digest.content import LookaheadLine
from bot.forecast.ahead import day_outlooks


def lookahead_lines(session: Session, clinics: list[tuple[int, str]], day: date) -> list[LookaheadLine]:
    """One line per clinic for ``day`` (the clinic-local tomorrow of the digest)."""
    out = []
    for o in day_outlooks(session, clinics, day):
        if o.no_shows is None:
            continue
        out.append(LookaheadLine(o.clinic, o.day, o.booked, o.no_shows.expected, o.no_shows.low,
                                 o.no_shows.high, o.high_risk))
    return out
