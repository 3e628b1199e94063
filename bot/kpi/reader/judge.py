"""Deciding what the reader may answer: names with one meaning, unknown words, and whether the
KPI can take the filters and breakdown asked for. Each function returns a clarifying
:class:`Reading` (with buttons) when in doubt."""

from __future__ import annotations

import re

from bot.kpi.catalogue import BY_ID
from bot.kpi.reader.names import NOT_NAMES, NameHit, Unknown
from bot.kpi.reader.person import MAX_DIGITS
from bot.kpi.reader.reading import Option, Reading
from bot.kpi.reader.vocab import Entity, Vocabulary
from bot.kpi.reader.words import FILLER
from bot.phi_echo import safe_value
from bot.phi_names import word_lists, wordish
from core.text import fold

MAX_BUTTONS = 5


def label(e: Entity, vocab: Vocabulary) -> str:
    if e.kind == "provider":
        clinic = vocab.entity("clinic", e.clinic)
        return f"{e.name} ({clinic.name})" if clinic else e.name
    return e.name


def _options(ents: list[Entity], vocab: Vocabulary) -> list[Option]:
    ents = sorted(ents, key=lambda e: (e.kind, label(e, vocab)))
    return [Option(label(e, vocab), {e.kind: e.key}) for e in ents[:MAX_BUTTONS]]


def entities_or_ask(names: list[NameHit], vocab: Vocabulary, base: Reading) -> dict[str, Entity] | Reading:
    """One entity per kind, or a clarifying reading (a name with several meanings, two clinics)."""
    clinics = {e for h in names for e in h.entities if e.kind == "clinic" and len(h.entities) == 1}
    picked: dict[str, Entity] = {}
    for h in names:
        ents = set(h.entities)
        if len(ents) > 1 and clinics:  # "Dr. Walker at Maple Grove": keep the one at the named clinic
            at = {e for e in ents if e.kind != "provider" or vocab.clinics.get(e.clinic or "") in clinics}
            ents = at or ents
        if len(ents) > 1 or h.how in ("kind", "part"):
            kinds = {e.kind for e in ents}
            what = kinds.pop() if len(kinds) == 1 else "name"
            more = f" ({len(ents)} match; showing {MAX_BUTTONS})" if len(ents) > MAX_BUTTONS else ""
            message = (f"“{h.words}” matches several {what}s{more}: which one?" if len(ents) > 1
                       else f"By “{h.words}” do you mean {label(next(iter(ents)), vocab)}?")
            return Reading(status="clarify", text=base.text, options=_options(list(ents), vocab), message=message)
        e = next(iter(ents))
        if h.how == "fuzzy":  # misspelt beyond a swap of two letters: never used silently
            others = [o for o in h.others if o.kind == e.kind][:MAX_BUTTONS - 1]
            return Reading(status="clarify", text=base.text, message=f"Did you mean {label(e, vocab)}?",
                           options=[Option(label(o, vocab), {o.kind: o.key}) for o in [e, *others]])
        if e.kind in picked and picked[e.kind] != e:
            return Reading(status="clarify", text=base.text,
                           message=f"You named two {e.kind}s; I answer one at a time, or by {e.kind}.",
                           options=_options([picked[e.kind], e], vocab) + [Option(f"by {e.kind}", {"by": e.kind})])
        picked[e.kind] = e
    prov, clinic = picked.get("provider"), picked.get("clinic")
    if prov is not None and clinic is not None and prov.clinic != clinic.key:
        return Reading(status="clarify", text=base.text, options=_options([prov, clinic], vocab),
                       message=f"{prov.name} works at {label(prov, vocab).split('(')[-1].rstrip(')')}, not "
                               f"{clinic.name}: which did you mean?")
    return picked


def unknown_or_ask(unknown: list[Unknown], vocab: Vocabulary, base: Reading, has_kpi: bool) -> Reading | None:
    """A clarifying reading for words the reader could not explain, or None."""
    for u in unknown:
        if not u.words.strip() or all(ch.isdigit() for ch in u.words.replace(" ", "")):
            continue
        kind = "provider" if u.provider_like else (u.close[0].kind if u.close and not u.clinic_like else "clinic")
        shown = echoable(u.words, vocab)  # a word that may be part of a name is never repeated back
        if u.provider_like:
            lead = f"I don't know a provider called Dr. {u.words.title()}" if shown else \
                "I don't know that provider"
        elif u.clinic_like or u.close:
            lead = f"I don't know a {kind} called {u.words}" if shown else f"I don't know that {kind}"
        else:
            what = f"“{u.words}”" if shown else "part of that question"
            return Reading(status="clarify", text=base.text,
                           message=f"I didn't understand {what}. Try e.g. “no-show rate at "
                                   f"{_example(vocab)} last month”.")
        close = [e for e in u.close if e.kind == kind] or u.close
        hint = f" — did you mean {', '.join(label(e, vocab) for e in close[:3])}?" if close else \
            f". Clinics I know: {', '.join(sorted(c.name for c in vocab.clinics.values())[:6])}" + \
            ("…" if len(vocab.clinics) > 6 else "") + "."
        return Reading(status="clarify", text=base.text, message=lead + hint, options=_options(close[:3], vocab))
    return None


def echoable(words: str, vocab: Vocabulary) -> bool:
    """Whether ``words`` (unexplained words of a question) may be repeated back: each is a word
    the reader knows (``FILLER``, ``NOT_NAMES``), a number of at most four digits, or an English
    word or a word of a configured name that is neither a census given name nor a surname ("Dr.
    Hannah Nguyen" is configured, yet "hannah" typed alone may be a patient); and the identifier
    guard finds nothing in them."""
    first, last, _ = word_lists()
    if safe_value(words) is None:
        return False
    for token in re.findall(r"[a-z0-9]+", fold(words).lower()):
        if (token.isdigit() and len(token) <= MAX_DIGITS) or token in FILLER or token in NOT_NAMES:
            continue
        if token in first or token in last:
            return False  # a given name or surname, even one a provider or clinic also bears
        if wordish(token) or any(token in phrase.split() for phrase in vocab.index):
            continue
        return False
    return True


def _example(vocab: Vocabulary) -> str:
    return next(iter(sorted(vocab.clinics)), "your clinic").replace("-", " ")


def check(r: Reading, vocab: Vocabulary) -> Reading:
    """``r`` if the KPI takes its filters and breakdown; otherwise a clarifying reading."""
    kpi = BY_ID[r.kpi] if r.kpi else None
    if kpi is None:
        return r
    for dim in ("provider", "payer"):
        if getattr(r, dim) and dim not in kpi.dimensions:
            opts = [Option(f"{kpi.name}, all {dim}s", {dim: None})]
            if dim == "provider":
                prov = vocab.entity("provider", r.provider)
                clinic = vocab.entity("clinic", prov.clinic if prov else None)
                if clinic is not None:
                    opts.insert(0, Option(f"{kpi.name} at {clinic.name}", {"provider": None, "clinic": clinic.key}))
            return Reading(status="clarify", text=r.text, options=[_keep(r, o) for o in opts],
                           message=f"{kpi.name} can't be filtered by {dim} (it has {', '.join(kpi.dimensions)}).")
    if r.by and r.by not in kpi.dimensions:
        return Reading(status="clarify", text=r.text,
                       message=f"{kpi.name} can be broken down by {' or '.join(kpi.dimensions)}, not by {r.by}.",
                       options=[_keep(r, Option(f"by {d}", {"by": d})) for d in kpi.dimensions])
    if r.compare_shift == "?":
        return Reading(status="clarify", text=r.text, message="Compare with which period?",
                       options=[_keep(r, Option("the period before", {"compare_shift": "period"})),
                                _keep(r, Option("a year before", {"compare_shift": "year"}))])
    if (r.compare_shift or r.compare) and r.period.kind == "all":
        if r.compare_shift in ("week", "month", "quarter", "year"):
            r.period = r.period.model_copy(update={"kind": "relative", "unit": r.compare_shift, "offset": 0,
                                                   "text": f"this {r.compare_shift}"})
        else:
            return Reading(status="clarify", text=r.text, message="Compare which period? e.g. “this month vs last month”.")
    return r


def _keep(r: Reading, o: Option) -> Option:
    """A button carrying the whole reading, with the option's change."""
    state = {k: v for k, v in r.state().items() if k != "status"}
    return Option(o.label, {**state, **o.patch})
