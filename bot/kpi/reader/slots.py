"""Words in a clinic's place: right after "at", "in", "for" ("@" reads as "at") or "clinic".

What stands there and is not read otherwise (a KPI, a period, a breakdown, an exact name) is a
clinic, never dropped: "at do" in a network with DO CABRAL, DO MOSCOSO and DO QUADRO asks which
one, although "do" is an English word the reader otherwise skips. Resolution, in order:

1. an exact name (any kind), as anywhere in a question;
2. the longest run of typed words that starts clinic names, word by word ("do", "jardim da",
   "maple"): one clinic → that clinic; several → asked back with buttons. A provider's or a
   place's weak name of the same length (a surname, "primary care") joins the choice;
3. words inside clinic names ("penha", "ortiz"): always asked back, even when one clinic has them;
4. nothing: the words stay unexplained and the reader says it knows no such clinic.

A filler word that is not a name particle ("new", "total") is only ever asked back when it starts a
clinic name (``how="part"``), never read as the clinic by itself: "for new patients" must not
answer New Hope Clinic.
"""

from __future__ import annotations

from bot.kpi.reader.vocab import Entity, Vocabulary

LEADS = frozenset({"at", "in", "for", "clinic"})
ARTICLES = frozenset({"the", "our", "my", "your", "their", "a", "an", "this", "that"})
# Name particles (Portuguese, Spanish, French, Italian, Dutch, German): words English readers skip
# that start or join place names ("DO MOSCOSO", "JARDIM DA PENHA", "DE LOURDES").
PARTICLES = frozenset("do da de dos das di del della des du la le el los las van von der den".split())


def in_slot(words: list[str], i: int) -> bool:
    """Whether ``words[i]`` is the first word after a lead (articles between allowed)."""
    j = i - 1
    while j >= 0 and words[j] in ARTICLES:
        j -= 1
    return j >= 0 and j < i and words[j] in LEADS and words[i] not in ARTICLES


def longest(words: list[str], i: int, table: dict[str, set[Entity]], most: int) -> tuple[int, set[Entity]]:
    """The longest run ``words[i:i+n]`` found in ``table``: (n, its entities); (0, empty) if none."""
    for n in range(min(most, len(words) - i), 0, -1):
        ents = table.get(" ".join(words[i:i + n]))
        if ents:
            return n, set(ents)
    return 0, set()


def clinic_in_place(text: str, start: int, end: int, vocab: Vocabulary) -> bool:
    """Whether ``text[start:end]`` (a KPI word, e.g. "dos" for days of supply) stands in a clinic's
    place as part of the start of a clinic's name ("at dos santos", "at alto dos"): then it is read
    as the clinic."""
    before = text[:start]
    if not before.endswith(" "):
        return False
    prev = before.split("\x00")[-1].split()
    run = [*prev, *text[start:end].split()]
    return any(in_slot(run, k) and " ".join(run[k:]) in vocab.prefixes for k in range(len(prev) + 1))
