"""The organisation as the reader knows it: names people use for clinics, providers and payers.

A :class:`Vocabulary` is built once from plain rows (``build_vocabulary``) and cached by the
service; the reader never touches the database. ``index`` maps every normalised way of naming an
entity ("maple grove", "maple grove internal medicine", "santos", "kwame santos", "bcbs") to the
entities it may mean, so a look-up is a dict probe per n-gram.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from core.text import fold

KINDS = ("family practice", "primary care", "internal medicine", "pediatrics", "pediatric", "health center",
         "health centre", "medical center", "medical group", "clinic", "urgent care", "family medicine")
PAYER_ALIASES = {"bcbs": ("blue cross", "bluecross", "blue shield", "blue cross blue shield", "bcbs"),
                 "united": ("uhc", "united", "united healthcare", "unitedhealth", "unitedhealthcare"),
                 "medicare": ("medicare",), "medicaid": ("medicaid",)}


@dataclass(frozen=True)
class Entity:
    """One clinic, provider or payer. ``kind``: clinic | provider | payer; ``clinic`` is a
    provider's clinic key; ``zone`` a clinic's IANA time zone."""

    kind: str
    key: str
    name: str
    clinic: str | None = None
    zone: str | None = None


@dataclass
class Vocabulary:
    """What the reader may name. ``index``: normalised phrase → entities; ``strong``: phrases that
    name an entity by itself (a full name, a key, a place); weak phrases (a first name, one word of
    a two-word place) only count when unique."""

    clinics: dict[str, Entity]
    providers: dict[str, Entity]
    payers: dict[str, Entity]
    default_zone: str = "UTC"
    data_start: date | None = None
    data_end: date | None = None
    index: dict[str, set[Entity]] = field(default_factory=dict)
    weak: dict[str, set[Entity]] = field(default_factory=dict)
    kinds: dict[str, set[Entity]] = field(default_factory=dict)  # "primary care" → those clinics
    prefixes: dict[str, set[Entity]] = field(default_factory=dict)  # "do", "jardim da" → clinics so named
    parts: dict[str, set[Entity]] = field(default_factory=dict)  # "penha", "da penha" inside clinic names
    longest: int = 1
    numbered: re.Pattern[str] | None = None  # names with digits ("juniper 5"), shielded from date reading

    def entity(self, kind: str, key: str | None) -> Entity | None:
        if key is None:
            return None
        return {"clinic": self.clinics, "provider": self.providers, "payer": self.payers}[kind].get(key)

    def zone_for(self, clinic: str | None, provider: str | None) -> str:
        if clinic and clinic in self.clinics:
            return self.clinics[clinic].zone or self.default_zone
        prov = self.providers.get(provider or "")
        if prov is not None and prov.clinic in self.clinics:
            return self.clinics[prov.clinic].zone or self.default_zone
        return self.default_zone


def norm(text: str) -> str:
    """Lower-case, accent-free, punctuation-free words (``"Dr. O'Brien, NP"`` → ``"dr obrien np"``)."""
    t = fold(text).replace("'", "").replace("’", "")
    return " ".join(re.sub(r"[^a-z0-9/]+", " ", t).split())


def _place(name: str) -> str:
    n = re.sub(r" \d+$", "", norm(name))  # "Kailua Pediatrics 2" is a Kailua too
    for kind in sorted(KINDS, key=len, reverse=True):
        if n.endswith(" " + kind):
            return n[: -len(kind) - 1].strip()
    return n


def _person(name: str) -> tuple[str, str, str]:
    n = norm(re.sub(r",\s*(np|pa|md|do|pa-c|rn|fnp)\b.*$", "", name, flags=re.I))
    n = re.sub(r"^(dr|doctor|prof)\s+", "", n)
    parts = n.split()
    return n, (parts[0] if parts else ""), (parts[-1] if parts else "")


def _clinic_words(v: Vocabulary, e: Entity, forms: set[str]) -> None:
    """Index every word-prefix (``v.prefixes``) and every inner run of words (``v.parts``) of a
    clinic's name forms (read after "at", "in", "for", "clinic": ``bot.kpi.reader.slots``); runs
    made only of digits are left out ("2" of "Kailua Pediatrics 2")."""
    for form in forms:
        words = form.split()
        for a in range(len(words)):
            for b in range(a + 1, len(words) + 1):
                if all(w.isdigit() for w in words[a:b]):
                    continue
                (v.prefixes if a == 0 else v.parts).setdefault(" ".join(words[a:b]), set()).add(e)


def build_vocabulary(clinics: list[tuple[str, str, str]], providers: list[tuple[str, str, str]],
                     payers: list[tuple[str, str]], *, default_zone: str = "UTC",
                     data_start: date | None = None, data_end: date | None = None) -> Vocabulary:
    """A vocabulary from rows: clinics ``(key, name, zone)``, providers ``(key, name, clinic key)``,
    payers ``(key, name)``."""
    v = Vocabulary({k: Entity("clinic", k, n, zone=z) for k, n, z in clinics},
                   {k: Entity("provider", k, n, clinic=c) for k, n, c in providers},
                   {k: Entity("payer", k, n) for k, n in payers}, default_zone, data_start, data_end)

    def add(table: dict[str, set[Entity]], phrase: str, e: Entity) -> None:
        if phrase:
            table.setdefault(phrase, set()).add(e)
            v.longest = max(v.longest, len(phrase.split()))

    for e in v.clinics.values():
        place = _place(e.name)
        forms = {norm(e.name), norm(e.key.replace("-", " ")), place, place.replace(" ", "")}
        for p in forms:
            add(v.index, p, e)
        _clinic_words(v, e, forms)
        words = place.split()
        if len(words) > 1 and len(words[0]) >= 4:
            # "maple" for Maple Grove, "lincoln" for Lincoln Park (if unique); never a generic second
            # word ("park", "creek", "town"): "across town" must not read as Old Town
            add(v.weak, words[0], e)
        kind = re.sub(r" \d+$", "", norm(e.name))[len(place):].strip()
        if kind and kind != "clinic":
            add(v.kinds, kind, e)  # "primary care", "pediatrics": always asked back, even if unique
    for e in v.providers.values():
        full, first, last = _person(e.name)
        add(v.index, full, e)
        add(v.index, f"dr {last}", e)
        add(v.index, f"dr {full}", e)
        add(v.index, f"doctor {last}", e)
        add(v.weak, last, e)
        add(v.weak, f"dr {first}", e)
    for e in v.payers.values():
        for p in {norm(e.name), norm(e.key.replace("-", " ")), *PAYER_ALIASES.get(e.key, ())}:
            add(v.index, norm(p), e)
    numbered = sorted((p for p in v.index if re.search(r"\d", p)), key=len, reverse=True)
    if numbered:
        v.numbered = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in numbered) + r")\b")
    return v


def norm_question(text: str) -> str:
    """A question's normal form: like :func:`norm` but keeping what dates need (``9/1-9/15``,
    ``2026-09-08``, ``2026-q2``, ``2016-04-29..2016-06-08``) and ``a/r``; "@" before a word is "at"."""
    t = fold(text).replace("’", "'").replace("–", "-").replace("—", " ")
    t = re.sub(r"(?<![\w<])@ ?(?=[a-z0-9])", " at ", t)  # "@seaside" is "at seaside" (not an address)
    t = re.sub(r"'(\d\d)\b", r"20\1", t)  # sep '26
    t = re.sub(r"'s\b", "", t).replace("'", "")  # Dr Hughes's -> dr hughes
    t = re.sub(r"(?<=\d)\s*-\s*(?=\d)", "-", t)
    t = re.sub(r"(?<=[a-z0-9])\.\.(?=[a-z0-9])", "~", t)
    t = re.sub(r"[^a-z0-9/~\-]+", " ", t)
    t = re.sub(r"(?<!\d)-|-(?![\dq])", " ", t).replace("~", "..")
    return " ".join(t.split())
