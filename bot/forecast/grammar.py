"""The strict grammar of the look-ahead ``/kpi`` questions (issue 20)::

    /kpi expected-no-shows [today|tomorrow|YYYY-MM-DD|in N days] [clinic NAME | at NAME]
    /kpi high-risk [day] [clinic NAME | at NAME]        (front desk; the list comes by DM)
    /kpi demand [clinic NAME | at NAME]                 (next four weeks against capacity)

NAME is a key or a name of one or more words (``clinic maria ortiz``), resolved by
:func:`bot.clinic_names.find_clinic`; the day may also follow it.

Phrases come from ``bot/data/forecast_terms.yml`` (:mod:`bot.forecast.vocabulary`), so the
plain-language reader can hand over the same requests. :func:`parse_lookahead` returns None when
the text is not a look-ahead question (the ordinary KPI grammar then applies).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from bot.errors import UsageError
from bot.forecast.vocabulary import DAY_WORDS, QUESTIONS
from bot.phi_echo import echo


def usage(clinic: str) -> str:
    """The look-ahead questions, with ``clinic`` (one of the organisation's own) as the example."""
    return (f"Questions about the days ahead: `/kpi expected-no-shows tomorrow clinic {clinic}`, "
            f"`/kpi high-risk tomorrow clinic {clinic}` (front desk; sent by DM), `/kpi demand clinic {clinic}`.")


@dataclass(frozen=True)
class LookaheadRequest:
    question: str  # a key of QUESTIONS: expected-no-shows | high-risk | demand
    days_ahead: int | None = 1  # None when ``on`` is given
    on: date | None = None
    clinic: str | None = None


def _match_question(text: str) -> tuple[str, str] | None:
    folded = text.casefold()
    phrases = sorted(((p, q) for q, ps in QUESTIONS.items() for p in ps), key=lambda x: -len(x[0]))
    for phrase, question in phrases:
        if folded == phrase or folded.startswith(phrase + " "):
            return question, text[len(phrase):].strip()
    return None


def parse_lookahead(text: str, example: Callable[[], str] = lambda: "<clinic>") -> LookaheadRequest | None:
    """The request in ``text``, or None if it does not start with a look-ahead phrase.
    ``example`` gives a clinic of the organisation for the usage line (asked only on an error).

    Raises:
        UsageError: a look-ahead question with words the grammar does not know (names them).
    """
    found = _match_question(" ".join(text.replace("?", " ").split()))
    if found is None:
        return None
    question, rest = found
    clinic = None
    m = re.search(r"(?:^|\s)(?:clinic|at|for)\s+(.+?)\s*$", rest, flags=re.IGNORECASE)
    if m:  # the clinic is every word after the first "clinic"/"at"/"for", less a day at the end
        clinic, rest = m.group(1), rest[: m.start()].strip()
        day = re.search(r"(?:^|\s)(" + "|".join(map(re.escape, sorted(DAY_WORDS, key=len, reverse=True)))
                        + r"|in \d{1,2} days?|\d{4}-\d{2}-\d{2})$", clinic, flags=re.IGNORECASE)
        if day and day.start() > 0 and not rest:
            clinic, rest = clinic[: day.start()].strip(), day.group(1)
    days: int | None = 1
    on: date | None = None
    words = rest.casefold()
    if words in DAY_WORDS:
        days = DAY_WORDS[words]
    elif re.fullmatch(r"in \d{1,2} days?", words):
        days = int(words.split()[1])
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", words):
        try:
            on, days = date.fromisoformat(words), None
        except ValueError:
            raise UsageError(f"{echo(words)} is not a calendar date.\n{usage(example())}") from None
    elif words:
        raise UsageError(f"I don't know the words {echo(rest)} here.\n{usage(example())}")
    if question == "demand" and on is not None:
        raise UsageError("`demand` looks four weeks ahead from today; leave the date out.")
    return LookaheadRequest(question, days, on, clinic)
