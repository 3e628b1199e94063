"""Clinic, provider and payer names in what is left of a question (after periods, KPI words and
breakdowns are masked out with ``\\x00``).

Exact phrases first (longest n-gram wins: "maple grove internal medicine", "dr kwame santos"), then
weak ones (one word of a two-word place, a bare surname), then misspellings (rapidfuzz). Every
look-up says how sure it is; the reader asks back on anything less than one clear entity.

A misspelling is never used silently ("a wrong number is the worst thing it can do"): one that is
only two neighbouring letters swapped (``saeside``, ``malpe grove``: the same letters as the name,
the commonest typing slip) is read as the name and the answer says so (``how="swap"``); any other
edit (``seasde``, ``maria ortis``) is asked back, "Did you mean …?" (``how="fuzzy"``). A misspelt
word after a name's first word (``maria`` + ``ortis``) is matched with it, as one name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.kpi.reader.slots import PARTICLES, in_slot, longest
from bot.kpi.reader.vocab import Entity, Vocabulary
from bot.kpi.reader.words import FILLER
from bot.names import CLOSE

ACCEPT = 0.85  # optimal-string-alignment similarity (a transposition costs one edit); CLOSE: bot.names
BEFORE_NAME = {"at", "for", "in", "from", "with", "about", "and"}
AFTER_CLINIC = {"clinic", "clinics", "site", "office", "location", "practice", "center", "centre"}
NOT_NAMES = FILLER | {"worst", "best", "highest", "lowest", "most", "least", "top", "bottom", "biggest", "change",
                      "changed", "changes", "go", "went", "gone", "trending", "compared", "doing", "better", "worse",
                      "improve", "improved", "improving", "getting", "than", "when", "where", "which", "who",
                      "why", "month", "week", "year", "quarter", "day", "days", "weeks", "months", "no", "not",
                      "new", "if", "dr", "doctor", "am", "im", "ive", "id", "again", "too", "also", "same", "other",
                      "instead", "only", "one", "two", "time", "times", "today", "run", "running", "how", "did",
                      "often", "frequently", "much", "scorecard", "overview", "summary", "dashboard",
                      "appt", "appts", "appointment", "appointments", "items", "things", "going", "look", "looks", "sitting"}


@dataclass
class NameHit:
    """``entities`` the words at ``start:end`` may mean; ``how``: exact | weak | kind | part (words
    inside clinic names: asked back) | swap (two neighbouring letters swapped: read, and said so) |
    fuzzy (any other misspelling: asked back)."""

    start: int
    end: int
    words: str
    entities: frozenset[Entity]
    how: str = "exact"
    others: frozenset[Entity] = field(default_factory=frozenset)


@dataclass
class Unknown:
    """Words no name or KPI explains; ``clinic_like`` when they sit where a clinic name goes."""

    words: str
    clinic_like: bool
    provider_like: bool
    close: list[Entity]


def _tokens(text: str) -> list[list[tuple[str, int, int]]]:
    segments: list[list[tuple[str, int, int]]] = []
    for seg in re.finditer(r"[^\x00]+", text):
        words = [(m.group(0), seg.start() + m.start(), seg.start() + m.end()) for m in re.finditer(r"\S+", seg.group(0))]
        if words:
            segments.append(words)
    return segments


def find_names(text: str, vocab: Vocabulary) -> tuple[list[NameHit], list[Unknown]]:
    """Names and unexplained words in ``text`` (masked normalised question)."""
    hits: list[NameHit] = []
    unknown: list[Unknown] = []
    for seg in _tokens(text):
        words = [w for w, _, _ in seg]
        i, run, after_hit = 0, [], -1  # after_hit: the index just past the last hit in this segment
        while i < len(words):
            slot = in_slot(words, i)
            hit = _in_place(seg, i, vocab) if slot else _exact(seg, i, vocab)
            if hit is None:
                if words[i] not in NOT_NAMES or (slot and words[i] in PARTICLES):
                    run.append(i)
                elif run:
                    unknown.extend(_flush(seg, run, vocab, hits, after_hit))
                    run = []
                i += 1
                continue
            if run:
                unknown.extend(_flush(seg, run, vocab, hits, after_hit))
                run = []
            hits.append(hit)
            i += len(hit.words.split())
            after_hit = i
        if run:
            unknown.extend(_flush(seg, run, vocab, hits, after_hit))
    return hits, unknown


def _flush(seg: list[tuple[str, int, int]], run: list[int], vocab: Vocabulary, hits: list[NameHit],
           after_hit: int) -> list[Unknown]:
    """:func:`_unknowns`, but a run right after a name's first word (``maria`` | ``ortis``) is first
    tried with it as one misspelt name (``maria ortis`` ≈ ``maria ortiz``)."""
    if after_hit == run[0] and hits and hits[-1].how in ("weak", "exact"):
        prev = hits[-1]
        start = next(k for k, (_, s, _) in enumerate(seg) if s == prev.start)
        for end in range(len(run), 0, -1):
            joined: list[NameHit] = []
            _unknowns(seg, list(range(start, run[0])) + run[:end], vocab, joined, merge_only=True)
            if joined and joined[0].entities <= prev.entities:
                hits[-1] = joined[0]
                return _unknowns(seg, run[end:], vocab, hits) if run[end:] else []
    return _unknowns(seg, run, vocab, hits)


def swapped(typed: str, name: str) -> bool:
    """``typed`` is ``name`` with exactly one pair of neighbouring letters swapped."""
    if len(typed) != len(name) or typed == name:
        return False
    diff = [k for k, (a, b) in enumerate(zip(typed, name, strict=True)) if a != b]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and typed[diff[0]] == name[diff[1]] and typed[diff[1]] == name[diff[0]]


def _exact(seg: list[tuple[str, int, int]], i: int, vocab: Vocabulary,
           tables: tuple[tuple[dict[str, set[Entity]], str], ...] = ()) -> NameHit | None:
    words = [w for w, _, _ in seg]
    for table, how in tables or ((vocab.index, "exact"), (vocab.weak, "weak"), (vocab.kinds, "kind")):
        for n in range(min(vocab.longest, len(words) - i), 0, -1):
            phrase = " ".join(words[i:i + n])
            if n == 1 and phrase in NOT_NAMES:
                continue
            ents = table.get(phrase)
            if ents:
                return NameHit(seg[i][1], seg[i + n - 1][2], phrase, frozenset(ents), how)
    return None


def _in_place(seg: list[tuple[str, int, int]], i: int, vocab: Vocabulary) -> NameHit | None:
    """The name at ``i``, a word in a clinic's place (:mod:`bot.kpi.reader.slots`): the longest of
    an exact name, a run starting clinic names (with a weak name as long: a surname, "primary
    care") and a run inside clinic names (always asked back); ties go in that order. None when
    nothing fits (the words stay unexplained)."""
    words = [w for w, _, _ in seg]

    def hit(n: int, ents: set[Entity], how: str) -> NameHit:
        return NameHit(seg[i][1], seg[i + n - 1][2], " ".join(words[i:i + n]), frozenset(ents), how)

    filler = words[i] in NOT_NAMES and words[i] not in PARTICLES
    strong = _exact(seg, i, vocab, tables=((vocab.index, "exact"),))
    weak = _exact(seg, i, vocab, tables=((vocab.weak, "weak"), (vocab.kinds, "kind")))
    n, ents = longest(words, i, vocab.prefixes, vocab.longest)
    # A filler word alone in the place ("at center", "center" inside Canyon Health Center) is asked
    # back, never dropped; one followed by other words ("at clinic seaside") leaves them to be read.
    alone = i + 1 == len(words) or words[i + 1] in NOT_NAMES
    inner, inside = (0, set()) if filler and not alone else \
        longest(words, i, vocab.parts, vocab.longest)
    s_n = len(strong.words.split()) if strong is not None else 0
    w_n = len(weak.words.split()) if weak is not None else 0
    best = max(s_n, w_n, n)
    if inner > best:
        return hit(inner, inside, "part")
    if strong is not None and (s_n == best or len(ents) > 1 or filler):
        return strong
    if weak is not None and w_n == best and (w_n > n or filler):
        return weak
    if n:
        same = weak is not None and w_n == n
        how = "part" if filler else (weak.how if weak is not None and same else "weak")
        return hit(n, ents | (weak.entities if weak is not None and same else set()), how)
    if weak is None and not filler and words[i] not in PARTICLES and len(words[i]) >= 3 and words[i].isalpha():
        # The start of a clinic name's first word ("pine" → Pinecrest), as /kpi's name resolver
        # (bot.names) reads it: one clinic → that clinic; several → asked back.
        started = {e for key, es in vocab.prefixes.items() if " " not in key and key.startswith(words[i]) for e in es}
        if started:
            return hit(1, started, "weak")
    return weak


def _unknowns(seg: list[tuple[str, int, int]], run: list[int], vocab: Vocabulary,
              hits: list[NameHit], *, merge_only: bool = False) -> list[Unknown]:
    """Split a run of unexplained words: accepted misspellings become hits (``swap`` or
    ``fuzzy``), the rest Unknowns (none with ``merge_only``)."""
    words = [seg[i][0] for i in run]
    phrase = " ".join(words)
    before = seg[run[0] - 1][0] if run[0] > 0 else ""
    after = seg[run[-1] + 1][0] if run[-1] + 1 < len(seg) else ""
    if all(re.fullmatch(r"[\d/\-.]+", w) for w in words):
        return [Unknown(phrase, False, False, [])]
    scored = process.extract(phrase, list(vocab.index), scorer=OSA.normalized_similarity, limit=8, score_cutoff=CLOSE)
    by_entity: dict[Entity, float] = {}
    best_key: dict[Entity, str] = {}
    for key, score, _ in scored:
        for e in vocab.index[key]:
            if score > by_entity.get(e, 0.0):
                by_entity[e], best_key[e] = score, key
    ranked = sorted(by_entity.items(), key=lambda kv: -kv[1])
    if ranked and ranked[0][1] >= ACCEPT and len(phrase) >= 5 and (len(ranked) == 1 or ranked[1][1] < ranked[0][1] - 0.06):
        best = ranked[0][0]
        hits.append(NameHit(seg[run[0]][1], seg[run[-1]][2], phrase, frozenset({best}),
                            "swap" if swapped(phrase, best_key[best]) else "fuzzy",
                            frozenset(e for e, s in ranked[1:4] if s >= CLOSE)))
        return []
    if merge_only:
        return []
    clinic_like = before in BEFORE_NAME or after in AFTER_CLINIC or in_slot([w for w, _, _ in seg], run[0])
    return [Unknown(phrase, clinic_like, before in ("dr", "doctor"),
                    [e for e, _ in ranked[:4]])]
