"""A clinic named like a date: a month ("Mar Vista Clinic", "May Street Health Center") or a
weekday ("Sunday Clinic") whose first word the period reader would take as the date.

Only where the organisation has such a clinic, and only for a period phrase that is that one word
(a month or weekday alone: "may 5", "march 2026" and "last sunday" stay dates):

* the word follows a lead that only a place takes ("at", "clinic", articles between allowed), or
  "in"/"for" when the question names its period elsewhere ("for mar last month") → the clinic; the
  date reading is offered as a one-click alternative;
* it follows "in" or "for" alone ("no-show rate in may"): both a month's and a clinic's lead, and
  people mostly mean the month → asked back with both readings, never guessed;
* it follows a date's own lead ("on", "last", "this past", "during", "of", "since", "from" …) → the
  date, as without such a clinic;
* anything else ("no-show rate sunday clinic", "mar no-shows") → asked back with both readings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.kpi.engine import local_today
from bot.kpi.periods import reading_text
from bot.kpi.reader.dates import MONTHS, WEEKDAYS, Found
from bot.kpi.reader.reading import ALL, Option, Reading
from bot.kpi.reader.slots import ARTICLES, LEADS
from bot.kpi.reader.vocab import Entity, Vocabulary

DATE_WORDS = frozenset(MONTHS) | frozenset(WEEKDAYS)
DATE_LEADS = frozenset("on last this past previous prior since during of from between to until till through thru "
                       "before after vs versus and every each".split())
_STRIPPED = LEADS | DATE_LEADS | ARTICLES
# leads a date takes as readily as a place ("in may", "for march"): the clinic only when the
# question has its period elsewhere
SHARED_LEADS = frozenset({"in", "for"})


@dataclass(frozen=True)
class Clash:
    """``found`` (a period) is the word ``word`` that also starts a clinic's name; ``placed``: it
    stands where a clinic goes (after a clinic's lead)."""

    found: Found
    word: str
    placed: bool


def clashes(text: str, periods: list[Found], prefixes: dict[str, set[Entity]]) -> list[Clash]:
    """The periods of ``text`` (the normalised question) that may be a clinic's name instead
    (``prefixes``: :attr:`bot.kpi.reader.vocab.Vocabulary.prefixes`); dates led as dates are left out."""
    out = []
    for p in periods:
        words = text[p.start:p.end].split()
        lead = ""
        while len(words) > 1 and words[0] in _STRIPPED:
            lead = words.pop(0)
        if len(words) != 1 or words[0] not in DATE_WORDS or words[0] not in prefixes:
            continue
        if not lead:
            before = [w for w in text[:p.start].split() if w not in ARTICLES]
            lead = before[-1] if before else ""
        if lead in DATE_LEADS and lead not in LEADS:
            continue
        placed = lead in LEADS and (lead not in SHARED_LEADS or len(periods) > 1)
        out.append(Clash(p, words[0], placed))
    return out


def both(clash: Clash, vocab: Vocabulary, now: datetime, *, as_clinic: Reading, as_date: Reading) -> Reading:
    """The reading of a question with ``clash`` from its two readings (the word as the clinic, as
    the date): the clinic where the word stands in a clinic's place (the date reading offered as
    an alternative when both are answers), else a question offering both readings."""
    period = clash.found.spec.resolve(local_today(vocab.default_zone, now))
    date_text = reading_text(period.start, period.end)
    date_option = Option(f"{date_text}, all clinics" if as_date.clinic is None else date_text, _button(as_date))
    done = ("answer", "scorecard")
    if clash.placed:
        if as_clinic.status in done and as_date.status in done:
            as_clinic.alternatives.insert(0, date_option)
        return as_clinic
    clinics = sorted((e for e in vocab.prefixes[clash.word] if e.kind == "clinic"), key=lambda e: e.name)
    options = [date_option] if as_date.status in done else list(as_date.options)
    if as_clinic.status in done:
        label = vocab.clinics[as_clinic.clinic].name if as_clinic.clinic else as_clinic.line(vocab, now)
        options.append(Option(label, _button(as_clinic)))
    elif as_date.status in done:  # the clinic reading is unfinished: the date reading's fields, that clinic
        options += [Option(e.name, {**_button(as_date), "clinic": e.key, "period": ALL.model_dump(mode="json")})
                    for e in clinics[:4]]
    else:
        options += as_clinic.options
    names = ", ".join(e.name for e in clinics[:3]) + (" …" if len(clinics) > 3 else "")
    return Reading(status="clarify", text=as_date.text, options=options[:5],
                   message=f"“{clash.word}” may be the date ({date_text}) or a clinic ({names}): which do you mean?")


def _button(reading: Reading) -> dict[str, object]:
    """A finished reading as a button's patch (a scorecard keeps its status)."""
    return {k: v for k, v in reading.state().items() if k != "status" or v == "scorecard"}
