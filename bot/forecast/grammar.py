"""The strict grammar of the look-ahead ``/kpi`` questions (issue 20)::

    /kpi expected-no-shows [DAY] [clinic NAME | at NAME]
    /kpi high-risk [DAY] [clinic NAME | at NAME]        (front desk; the list comes by DM)
    /kpi demand [DAY] [clinic NAME | at NAME]           (against capacity; no DAY: the next four weeks)

DAY: today | tomorrow | day after tomorrow | in N days | YYYY-MM-DD | a weekday name ("monday",
"on fri", "next monday": the next such day after today) | this week (today to Sunday) | next week
(Monday to Sunday) | the next N days (from tomorrow). A count below 1 or past the question's horizon
(:data:`bot.forecast.vocabulary.HORIZON`: 14 days, demand 28) is refused, naming the horizon. Days are the clinic's (its time zone):
:func:`days_of` turns a request into dates once the clinic's today is known.

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
from datetime import date, timedelta

from bot.errors import UsageError
from bot.forecast.vocabulary import DAY_WORDS, HORIZON, QUESTIONS, WEEKDAYS, WEEKS
from bot.kpi.periods import said
from bot.phi_echo import echo


def usage(clinic: str) -> str:
    """The look-ahead questions, with ``clinic`` (one of the organisation's own) as the example."""
    return (f"Questions about the days ahead: `/kpi expected-no-shows tomorrow clinic {clinic}`, "
            f"`/kpi high-risk tomorrow clinic {clinic}` (front desk; sent by DM), `/kpi demand clinic {clinic}`.")


@dataclass(frozen=True)
class LookaheadRequest:
    question: str  # a key of QUESTIONS: expected-no-shows | high-risk | demand
    days_ahead: int | None = 1  # None when ``on`` or ``weekday`` is given
    on: date | None = None
    clinic: str | None = None
    weekday: int | None = None  # 0 = Monday: the next such day after today
    week: int | None = None  # 0 = this week (today to Sunday), 1 = next week
    count: int = 1  # "the next N days": N days from ``days_ahead``
    named_days: bool = False  # the question named its days (``demand`` without them: the whole horizon)


_NUMBER = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10, "fourteen": 14}
_N = r"(?:[-−]?\d+|" + "|".join(_NUMBER) + ")"


def _alternatives(words: object) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))  # type: ignore[call-overload]


# A day after the clinic's name ("at seaside monday"); weekday abbreviations only before it, so a
# clinic whose name ends in "sun" or "sat" keeps its name.
DAY = re.compile(rf"(?:the )?(?:{_alternatives(DAY_WORDS)})|in [-−]?\d+ days?|\d{{4}}-\d{{2}}-\d{{2}}"
                 rf"|(?:on |next |this |coming |this coming )?(?:{_alternatives(w for w in WEEKDAYS if w.endswith('day'))})"
                 rf"|(?:for )?(?:the )?(?:{_alternatives(WEEKS)})|(?:for |over )?(?:the )?(?:next|coming) {_N} days",
                 flags=re.IGNORECASE)


def days_of(request: LookaheadRequest, today: date) -> list[date]:
    """The clinic-local days a request asks about, given the clinic's ``today``."""
    if request.on is not None:
        return [request.on]
    if request.weekday is not None:
        return [today + timedelta(days=(request.weekday - today.weekday() - 1) % 7 + 1)]
    if request.week is not None:
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=request.week)
        first = max(today, monday)
        return [first + timedelta(days=i) for i in range((monday + timedelta(days=6) - first).days + 1)]
    first = today + timedelta(days=request.days_ahead or 0)
    return [first + timedelta(days=i) for i in range(request.count)]


def _within(question: str, last: int, words: str) -> None:
    """Raise unless the days up to ``last`` after today (at least 1) lie in what ``question`` covers
    (:data:`bot.forecast.vocabulary.HORIZON`): a count below 1 or past the horizon is said, never changed."""
    horizon = HORIZON[question]
    if last < 1:
        raise UsageError(f"{echo(words)} is no day ahead: ask for 1 day or more ahead (today: `today`; "
                         f"tomorrow: `in 1 day`).")
    if last > horizon:
        what, more = ("The demand forecast covers", "") if question == "demand" else \
            (f"`{question}` looks at", " For the weeks ahead ask `/kpi demand`.")
        raise UsageError(f"{what} the next {horizon} days (tomorrow to {horizon} days from today); "
                         f"{echo(words)} lies past them. Ask for a day within them, e.g. `in 7 days`.{more}")


_COUNTED = re.compile(r"[-−]?\d+\s*(?:days?|d|weeks?|wks?|w|months?|mos?|m|quarters?|q|years?|yrs?|y)\b")


def _count(text: str) -> int:
    return int(re.sub(r"\D", "", text)) * (-1 if text[0] in "-−" else 1) if text[-1].isdigit() else _NUMBER[text]


def _day_words(words: str, rest: str, example: Callable[[], str], question: str = "demand") -> dict[str, object]:
    """The request fields for the day words (``words``: folded, ``rest``: as typed) of ``question``."""
    words = re.sub(r"^the ", "", words)
    if words in DAY_WORDS:
        return {"days_ahead": DAY_WORDS[words]}
    if m := re.fullmatch(r"in ([-−]?\d+) days?", words):
        n = _count(m[1])
        _within(question, n, words)
        return {"days_ahead": n}
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", words):
        try:
            return {"on": date.fromisoformat(words), "days_ahead": None}
        except ValueError:
            raise UsageError(f"{echo(words)} is not a calendar date.\n{usage(example())}") from None
    if m := re.fullmatch(rf"(?:on |next |this |coming |this coming )?({_alternatives(WEEKDAYS)})", words):
        return {"weekday": WEEKDAYS[m[1]], "days_ahead": None}
    if m := re.fullmatch(rf"(?:for )?(?:the )?({_alternatives(WEEKS)})", words):
        return {"week": WEEKS[m[1]], "days_ahead": None}
    if m := re.fullmatch(rf"(?:for |over )?(?:the )?(?:next|coming) ({_N}) days", words):
        n = _count(m[1])
        _within(question, n, words)
        return {"days_ahead": 1, "count": n}
    if _COUNTED.search(words):  # a count of days, weeks, months: never described by the name guard's shape
        raise UsageError(f"Look-ahead questions count days ahead: `in 3 days`, `the next 7 days` (up to "
                         f"{HORIZON[question]}). {said(rest, 'That count')} is not one of them.\n{usage(example())}")
    raise UsageError(f"I don't know the words {echo(rest)} here.\n{usage(example())}")


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
    # "for the next 7 days", "for the coming week" are days, not a clinic
    m = re.search(r"(?:^|\s)(?:clinic|at|for(?!\s+(?:the\s+)?(?:next|coming|rest)\s))\s+(.+?)\s*$", rest, flags=re.IGNORECASE)
    if m:  # the clinic is every word after the first "clinic"/"at"/"for", less a day at the end
        clinic, rest = m.group(1), rest[: m.start()].strip()
        day = next((d for d in DAY.finditer(clinic) if d.end() == len(clinic) and d.start() > 0
                    and clinic[d.start() - 1] == " "), None)
        if day and not rest:
            clinic, rest = clinic[: day.start()].strip(), day.group(0)
    fields = _day_words(rest.casefold(), rest, example, question) if rest else {}
    return LookaheadRequest(question, clinic=clinic, named_days=bool(fields), **fields)  # type: ignore[arg-type]


_LEAD = re.compile(r"^(?:(?:hey |hi |ok )?(?:what are|whats|what's|what is|show me|give me|tell me|show|how many|any)"
                   r"(?: (?:the|our|my))? )", flags=re.IGNORECASE)


def parse_plain_lookahead(text: str, example: Callable[[], str] = lambda: "<clinic>") -> LookaheadRequest | None:
    """:func:`parse_lookahead` for a question in plain language: a question mark and a leading
    "what are the", "show me", "how many" are left out ("what are the expected no-shows next week
    at seaside?")."""
    question = " ".join(text.replace("?", " ").split())
    return parse_lookahead(_LEAD.sub("", question), example)
