"""``read(question, vocabulary, now)``: the plain-language reader's entry point (pure).

Order: special forms (help, list, define, one patient) → dates and counts that cannot be read
(:mod:`bot.kpi.reader.malformed`, said so) → periods → comparison → breakdown → KPI
words → names → a person in what is left (declined, :mod:`bot.kpi.reader.person`) → what is left.
Anything left unexplained, any name with two meanings, two KPIs or two periods make it ask back (``status="clarify"`` with buttons); questions the catalogue cannot
answer are refused with what it can answer. A follow-up (``context``: the thread's last reading)
changes only what it names.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from bot.kpi.catalogue import BY_ID
from bot.kpi.engine import local_today
from bot.kpi.grammar import strip_emoji
from bot.kpi.periods import PeriodSpec
from bot.kpi.reader.clash import both, clashes
from bot.kpi.reader.dates import backwards, find_periods, future
from bot.kpi.reader.judge import check, entities_or_ask, unknown_or_ask
from bot.kpi.reader.kpis import close_kpis, find_kpis
from bot.kpi.reader.malformed import loose_count, malformed
from bot.kpi.reader.names import find_names
from bot.kpi.reader.person import decline, names_a_person
from bot.kpi.reader.reading import Option, Reading
from bot.kpi.reader.shape import breakdown, comparison, top_ask, who_ranked
from bot.kpi.reader.slots import clinic_in_place
from bot.kpi.reader.special import not_offered, outside, special
from bot.kpi.reader.vocab import Vocabulary, norm_question
from bot.kpi.reader.weekdays import Weekdays, find_weekdays, weekdays_ask

SCORECARD = re.compile(r"\b(doing|scorecard|score card|report card|overview|summary|dashboard|health check|how are things"
                       r"|how is .* going|hows .* going|how are we|all (the )?kpis|every kpi|all metrics)\b")
FOLLOW_UP = re.compile(r"^(and|what about|how about|same for|same|also|now|then|ok and)\b")
RESET_BY = re.compile(r"\b(overall|no breakdown|without (the )?breakdown|in total|total|combined|altogether)\b")
RESET_SCOPE = re.compile(r"\b(all clinics|every clinic|the whole network|whole network|network wide|everywhere|all sites"
                         r"|across the board|organi[sz]ation wide|system wide)\b")


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for s, e in spans:
        chars[s:e] = "\x00" * (e - s)
    return "".join(chars)


def read(question: str, vocab: Vocabulary, now: datetime, *, context: Reading | None = None,
         home_clinic: str | None = None) -> Reading:
    """How ``question`` reads against ``vocab`` at ``now`` (aware or naive UTC).

    ``context`` is the last answered reading of the same thread (follow-ups change one thing);
    ``home_clinic`` the asker's only clinic (a user whose roles scope them to one clinic: their questions default to it).
    Never raises on user text.
    """
    return _read(question, vocab, now, context, home_clinic, frozenset(), frozenset())


def _read(question: str, vocab: Vocabulary, now: datetime, context: Reading | None, home_clinic: str | None,
          drop: frozenset[int], keep: frozenset[int]) -> Reading:
    """:func:`read`; a word that is both a date and a clinic's name (:mod:`bot.kpi.reader.clash`)
    at a start in ``drop`` is read as the clinic, in ``keep`` as the date, else decided by
    :func:`bot.kpi.reader.clash.both` from both readings."""
    q = norm_question(strip_emoji(question or ""))
    if found := special(q, question, vocab):
        return found
    if why := malformed(strip_emoji(question or "")):  # before a bad date's digits read as a record number
        return Reading(status="clarify", text=question, message=why)
    today = local_today(vocab.default_zone, now)
    shielded = vocab.numbered.sub(lambda m: "#" * len(m.group(0)), q) if vocab.numbered else q
    plural = find_weekdays(shielded)  # "on fridays": asked back below, never dropped
    periods = find_periods(_mask(shielded, [(w.start, w.end) for w in plural]), today)
    if clash := [c for c in clashes(shielded, periods, vocab.prefixes) if c.found.start not in drop | keep]:
        at = clash[0].found.start
        return both(clash[0], vocab, now,
                    as_clinic=_read(question, vocab, now, context, home_clinic, drop | {at}, keep),
                    as_date=_read(question, vocab, now, context, home_clinic, drop, keep | {at}))
    periods = [p for p in periods if p.start not in drop]
    main, shape = comparison(q, periods, today)
    masked = _mask(q, [(p.start, p.end) for p in periods] + list(shape.spans) + [(w.start, w.end) for w in plural])
    by, by_span, dims = breakdown(masked)
    if by_span:
        masked = _mask(masked, [by_span])
    reset_by, reset_scope = bool(RESET_BY.search(masked)), bool(RESET_SCOPE.search(masked))
    for rx in (RESET_BY, RESET_SCOPE):
        masked = _mask(masked, [m.span() for m in rx.finditer(masked)])
    hits = [h for h in find_kpis(masked) if not clinic_in_place(masked, h.start, h.end, vocab)]
    masked = _mask(masked, [(h.start, h.end) for h in hits])
    names, unknown = find_names(masked, vocab)
    if names_a_person(q, masked, names, question, vocab):  # before any name is used or any word said back
        return decline(question, vocab)
    base = Reading(status="answer", text=question)
    kpi_ids, whom = list(dict.fromkeys(h.kpi for h in hits)), []
    if not by and kpi_ids and (whom := who_ranked(masked, BY_ID[kpi_ids[0]].dimensions)):
        by, dims = (whom[0], dims) if len(whom) == 1 else (None, set(whom))
    new: dict[str, object] = {}
    if kpi_ids:
        new["kpi"] = kpi_ids[0]
    if main:
        new["period"] = main[0].spec
    if by:
        new["by"] = by
    if shape.compare is not None or shape.compare_shift:
        new["compare"], new["compare_shift"] = shape.compare, shape.compare_shift
    draft = _draft(context, new, home_clinic, question)
    if near := not_offered(q):
        return _ask(draft, near[0], [Option(BY_ID[near[1]].name, {"kpi": near[1]})])
    if loose := loose_count(masked):
        return _ask(draft, *loose)
    if top := top_ask(strip_emoji(question or "").lower(), by):  # as typed: "top -3" keeps its sign
        return _ask(draft, *top)
    if len(kpi_ids) > 1:
        return _ask(draft, "Which KPI do you mean?", [Option(BY_ID[k].name, {"kpi": k}) for k in kpi_ids[:5]])
    if len(dims) > 1:
        return _ask(draft, "Which do you want ranked? (I rank clinics, providers and payers, never patients.)"
                    if whom else "Break it down by which one?", [Option(f"by {d}", {"by": d}) for d in sorted(dims)])
    if not kpi_ids and (why := outside(q)):
        return Reading(status="refuse", text=question, message=why)
    picked = entities_or_ask(names, vocab, base)
    if isinstance(picked, Reading):
        return _ask(draft, picked.message, picked.options)
    if asked := unknown_or_ask(unknown, vocab, base, bool(kpi_ids)):
        return _ask(draft, asked.message, asked.options)
    if back := next((p for p in [*main, *periods] if p.backwards), None):
        return _ask(draft, *backwards(back))
    if (ahead := next((p.spec for p in main if p.spec.kind == "fixed" and p.spec.start and p.spec.start > today),
                      None)):
        return _ask(draft, *future(ahead, today))
    if len({(p.spec.start, p.spec.end, p.spec.kind, p.spec.unit, p.spec.offset, p.spec.count) for p in main}) > 1:
        return _ask(draft, "Which period do you mean?",
                    [Option(p.spec.text, {"period": p.spec.model_dump(mode="json")}) for p in main[:4]])
    new.update({k: v.key for k, v in picked.items()})
    if plural:
        return _weekdays(_draft(context, new, home_clinic, question), plural, today)
    if context is not None and "kpi" in new and (picked or main) and not FOLLOW_UP.match(q):
        context = None  # a whole new question asked in the thread: read it on its own
    if context is not None and context.status in ("answer", "scorecard"):
        if "kpi" not in new and SCORECARD.search(q):
            return Reading(status="scorecard", clinic=new.get("clinic") or context.clinic, text=question,  # type: ignore[arg-type]
                           period=new.get("period") or context.period)  # type: ignore[arg-type]
        return _follow(context, new, vocab, now, reset_by, reset_scope, question)
    if FOLLOW_UP.match(q) or ("kpi" not in new and not picked and (main or by)):
        return _ask(draft, "That reads like a follow-up, but there is no earlier question here: which KPI do you "
                    "want? (e.g. “no-show rate” or “how is <clinic> doing?”)", [])
    if "kpi" not in new:
        return _no_kpi(base, new, q, masked, vocab, home_clinic)
    reading = Reading(status="answer", text=question, **new)  # type: ignore[arg-type]
    if home_clinic and not (reading.clinic or reading.provider or reading.by == "clinic" or reset_scope):
        reading.clinic = home_clinic
        reading.alternatives.append(Option("All clinics instead", {"clinic": None}))
    for hit in names:
        if hit.how == "swap":  # read as the name, and the answer says so (bot.kpi.reader.names)
            e = next(iter(hit.entities))
            reading.corrected.append(e.name)
            reading.alternatives += [Option(o.name, {e.kind: o.key}) for o in hit.others if o.kind == e.kind][:3]
    return check(reading, vocab)


def _ask(draft: Reading, message: str, options: list[Option]) -> Reading:
    """Ask back; each button carries the whole draft reading with its own change (a click answers)."""
    state = {k: v for k, v in draft.state().items() if k != "status"}
    return Reading(status="clarify", text=draft.text, message=message,
                   options=[Option(o.label, {**state, **o.patch}) for o in options])


def _weekdays(draft: Reading, found: list[Weekdays], today: date) -> Reading:
    """Ask back for plural weekdays, every one named (:mod:`bot.kpi.reader.weekdays`): no KPI filters by weekday."""
    if draft.kpi is None:
        return _ask(draft, "I can't filter by weekday: KPIs and scorecards cover whole date ranges. "
                    "Ask for a KPI over a period (e.g. “no-show rate last month”) or for one day.", [])
    return _ask(draft, *weekdays_ask(found, BY_ID[draft.kpi].name, draft.period, today))


def _draft(context: Reading | None, new: dict[str, object], home_clinic: str | None, question: str) -> Reading:
    """What the answer would be apart from the names (the base of every clarifying button)."""
    base = context.patched({}) if context is not None and context.status in ("answer", "scorecard") else \
        Reading(status="answer", clinic=home_clinic)
    for k, v in new.items():
        setattr(base, k, v)
    base.text = question
    return base


def _follow(context: Reading, new: dict[str, object], vocab: Vocabulary, now: datetime, reset_by: bool,
            reset_scope: bool, question: str) -> Reading:
    """The thread's reading with what the follow-up names changed."""
    if not new and not reset_by and not reset_scope:
        return _ask(Reading(status="clarify", text=question),
                    "I read that as a follow-up but didn't catch what to change: name a clinic, a period, "
                    "a KPI or a breakdown (e.g. “and last month?”, “by clinic”).", [])
    r = context.patched({})
    r.text, r.status = question, "answer" if (new.get("kpi") or context.kpi) else context.status
    if reset_scope:
        r.clinic = r.provider = None
    if reset_by:
        r.by = None
    for key in ("kpi", "payer", "by", "period"):
        if key in new:
            setattr(r, key, new[key])
    if "clinic" in new:
        r.clinic = str(new["clinic"])
        prov = vocab.entity("provider", r.provider)
        if prov is not None and prov.clinic != r.clinic:
            r.provider = None
        if r.by == "clinic":
            r.by = None
    if "provider" in new:
        r.provider = str(new["provider"])
        prov = vocab.entity("provider", r.provider)
        if r.clinic and prov is not None and prov.clinic != r.clinic:
            r.clinic = None
    if "compare" in new or "compare_shift" in new:
        r.compare, r.compare_shift = new.get("compare"), new.get("compare_shift")  # type: ignore[assignment]
    elif "period" in new:
        r.compare = None if r.compare_shift is None else r.compare
    return check(r, vocab) if r.kpi else r


def _no_kpi(base: Reading, new: dict[str, object], q: str, masked: str, vocab: Vocabulary,
            home_clinic: str | None) -> Reading:
    if SCORECARD.search(q) or (new and set(new) <= {"clinic"}):
        if "provider" in new or "payer" in new:
            return _ask(base, "A scorecard is per clinic: which KPI do you want for that?", [])
        clinic = new.get("clinic") or home_clinic
        period = new.get("period")
        return Reading(status="scorecard", clinic=clinic, text=base.text,  # type: ignore[arg-type]
                       period=period if isinstance(period, PeriodSpec) else base.period)
    if why := outside(q):
        return Reading(status="refuse", text=base.text, message=why)
    words = " ".join(w for w in masked.replace("\x00", " ").split() if len(w) > 2)
    close = close_kpis(words) if words else []
    if close:
        return _ask(base, "Did you mean " + " or ".join(BY_ID[k].name for k in close[:3]) + "?",
                    [Option(BY_ID[k].name, {"kpi": k, **_plain(new)}) for k in close[:3]])
    return Reading(status="refuse", text=base.text, message=outside(q, default=True) or "")


def _plain(new: dict[str, object]) -> dict[str, object]:
    """``new`` as JSON-able button data."""
    out: dict[str, object] = {}
    for k, v in new.items():
        out[k] = v.model_dump(mode="json") if isinstance(v, PeriodSpec) else v
    return out
