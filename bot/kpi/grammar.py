"""The ``/kpi`` command grammar: text in, a typed :class:`KpiRequest` out (no database access).

Forms::

    /kpi                                   list every KPI with its current value and status
    /kpi help
    /kpi define <kpi>
    /kpi <kpi> [clinic <name>] [provider <name>] [payer <name>] [<period>] [by clinic|provider|payer|category|reason]
             [vs last period|vs last month|vs last year|vs <period>]

Names after ``clinic``/``provider``/``payer`` may be several words (``clinic maria ortiz``) or
quoted; they end at the next keyword or at a word that starts a period. Also accepted:
``for``/``at``/``in`` as fillers, ``clinic=north``.
"""

from __future__ import annotations

import re
import shlex
import unicodedata
from typing import Literal

from pydantic import BaseModel

from bot.errors import UsageError
from bot.kpi.catalogue import find_kpi, match_kpi
from bot.kpi.periods import PERIOD_HELP, PeriodSpec, looks_like_period_start, parse_period

USAGE = (
    "*Usage*: `/kpi <kpi> [clinic <name>] [provider <name>] [payer <name>] [period] [by clinic|provider|payer] "
    "[vs last month]`\n"
    "Examples: `/kpi no-show-rate clinic resistencia last 30d`, `/kpi denial-rate 2016-05 by payer`, "
    "`/kpi ccr this month vs last month`, `/kpi define third-next-available`. `/kpi` alone lists every KPI.\n"
    f"Periods: {PERIOD_HELP}."
)

_SCOPES = ("clinic", "provider", "payer")
_KEYWORDS = {"clinic", "clinics", "site", "provider", "providers", "doctor", "payer", "payers",
             "by", "vs", "versus", "compared", "for", "at", "in", "over", "during"}


class KpiRequest(BaseModel):
    """What a person asked. ``action``: list | help | define | value."""

    action: Literal["list", "help", "define", "value"]
    kpi_id: str | None = None
    clinic: str | None = None
    provider: str | None = None
    payer: str | None = None
    period: PeriodSpec = PeriodSpec(kind="all", text="all")
    by: Literal["clinic", "provider", "payer", "category", "reason"] | None = None
    compare: PeriodSpec | None = None  # "vs 2016-04": an explicit period
    compare_shift: Literal["period", "week", "month", "quarter", "year"] | None = None  # "vs last month"
    text: str = ""


def parse_kpi_command(text: str) -> KpiRequest:
    """Parse the text after ``/kpi``.

    Raises:
        UsageError: unknown KPI (with "did you mean"), a bad period, a dangling keyword, or a
            breakdown the KPI does not support; the message carries usage help.
    """
    raw = " ".join(strip_emoji(text or "").split())
    if not raw or raw.lower() in ("list", "all kpis", "kpis", "ls"):
        return KpiRequest(action="list", text=raw)
    if raw.lower() in ("help", "?", "-h", "--help", "usage"):
        return KpiRequest(action="help", text=raw)
    tokens = _tokens(raw)
    if tokens[0].lower() in ("define", "definition", "explain", "what", "whatis"):
        rest = [t for t in tokens[1:] if t.lower() not in ("is", "the", "a")]
        if not rest:
            raise UsageError("Which KPI? e.g. `/kpi define no-show-rate`.\n" + USAGE)
        return KpiRequest(action="define", kpi_id=find_kpi(" ".join(rest)).id, text=raw)
    return _parse_value(tokens, raw)


_SHORTCODE = re.compile(r"(?<!\S):[a-z0-9_+'-]+:(?::skin-tone-\d:)?(?!\S)", re.I)  # a whole word
_JOINERS = {"\u200d", "\ufe0e", "\ufe0f", "\u20e3"}


def strip_emoji(text: str) -> str:
    """``text`` without emoji: Slack ``:shortcodes:`` (as a slash command carries them) and Unicode
    pictographs with their joiners, variation selectors and skin tones. Letters (accents,
    non-Latin scripts), digits and punctuation stay."""
    text = _SHORTCODE.sub(" ", text)
    return "".join(" " if unicodedata.category(ch) == "So" or ch in _JOINERS or "\U0001F3FB" <= ch <= "\U0001F3FF"
                   else ch for ch in text)


def _tokens(raw: str) -> list[str]:
    try:
        tokens = shlex.split(raw.replace("“", '"').replace("”", '"'))
    except ValueError:
        tokens = raw.split()
    out: list[str] = []
    for tok in tokens:  # clinic=north -> clinic north
        m = re.match(r"^(clinic|provider|payer|by)[=:](.+)$", tok, re.I)
        out.extend([m.group(1), m.group(2)] if m else [tok])
    return out


def _is_boundary(tok: str) -> bool:
    return tok.lower() in _KEYWORDS or looks_like_period_start(tok)


def _parse_value(tokens: list[str], raw: str) -> KpiRequest:
    kpi = None
    i = 0
    for cut in range(min(len(tokens), 6), 0, -1):  # the longest prefix naming a KPI ("days in ar")
        kpi = match_kpi(" ".join(tokens[:cut]))
        if kpi is not None:
            i = cut
            break
    if kpi is None:
        name: list[str] = []
        while i < len(tokens) and not _is_boundary(tokens[i]):
            name.append(tokens[i])
            i += 1
        if not name:
            raise UsageError("Start with the KPI's name, e.g. `/kpi no-show-rate last 30d`.\n" + USAGE)
        kpi = find_kpi(" ".join(name))
    fields: dict[str, object] = {}
    period_words: list[str] = []
    compare_words: list[str] | None = None
    while i < len(tokens):
        word = tokens[i].lower().rstrip("s") if tokens[i].lower() in ("clinics", "providers", "payers") else tokens[i].lower()
        if word in ("site", "doctor"):
            word = {"site": "clinic", "doctor": "provider"}[word]
        if word in _SCOPES:
            value, i = _name_after(tokens, i + 1, word)
            if word in fields:
                raise UsageError(f"`{word}` is given twice.\n" + USAGE)
            fields[word] = value
            continue
        if word == "by":
            if i + 1 >= len(tokens):
                raise UsageError("`by` needs a dimension: `by clinic`, `by provider` or `by payer`.")
            dim = tokens[i + 1].lower().rstrip("s")
            dim = {"categorie": "category", "root-cause": "category", "cause": "category", "carc": "reason",
                   "code": "reason", "reason-code": "reason"}.get(dim, dim)
            if dim not in (*_SCOPES, "category", "reason"):
                raise UsageError(f"I can break down by clinic, provider or payer (the denial rate also by "
                                 f"category or reason), not `{tokens[i + 1]}`.")
            if dim not in kpi.dimensions:
                raise UsageError(f"{kpi.name} can be broken down by {', '.join(kpi.dimensions)} only.")
            fields["by"] = dim
            i += 2
            continue
        if word in ("vs", "versus", "compared"):
            j = i + 1
            if j < len(tokens) and tokens[j].lower() in ("to", "with"):
                j += 1
            compare_words = tokens[j:]
            break
        if word in ("for", "at", "in", "over", "during"):
            i += 1
            continue
        period_words.append(tokens[i])
        i += 1
    period = parse_period(" ".join(period_words))
    compare, shift = _compare(compare_words)
    return KpiRequest(action="value", kpi_id=kpi.id, period=period, compare=compare,
                      compare_shift=shift, text=raw, **fields)


def _name_after(tokens: list[str], i: int, what: str) -> tuple[str, int]:
    words: list[str] = []
    while i < len(tokens) and not (words and _is_boundary(tokens[i])):
        if not words and tokens[i].lower() in _KEYWORDS:
            break
        words.append(tokens[i])
        i += 1
    if not words:
        raise UsageError(f"`{what}` needs a name, e.g. `{what} <name>`.\n" + USAGE)
    return " ".join(words), i


def _compare(words: list[str] | None) -> tuple[PeriodSpec | None, str | None]:
    if words is None:
        return None, None
    phrase = " ".join(words).lower()
    if phrase in ("", "last period", "previous period", "previous", "prior period", "prior", "before"):
        return None, "period"
    m = re.match(r"^(?:last|previous|prior|same \w+ last) (week|month|quarter|year)$", phrase)
    if m:
        return None, m.group(1)
    return parse_period(phrase), None
