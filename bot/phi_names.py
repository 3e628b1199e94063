"""Person names in staff free text, read the way a privacy officer reads them.

Word lists (shipped in PyPI packages, read from disk, nothing downloaded): the US Census Bureau's
1990 first-name (5,163) and surname (88,799) lists from the ``names`` package, and the lower-case
words of Webster's Second (``english-words``, "web2") to tell "Smith"/"Turner"/"Reed" (also
English words, so ambiguous alone) from "Whitfield"/"Nguyen" (only names).

A name is flagged when its context says "person" (``find_names`` yields ``("name", start, end)``):

* a courtesy title: "Mrs. Whitfield", "mr bennett", "Mr. and Mrs. Fitzgerald";
* a patient word before it: "pt Gonzalez", "patient Tomas Reyes";
* a newborn or family: "Baby Smith", "baby boy Jenkins", "the Ramirez twins", "jones family",
  "the Hendersons", "the Powell referral";
* an age after it: "John Martinez (age 67)", "abigail turner 6 yo", "Mrs Kowalski, 84,";
* a first name from the census list followed by a surname-like word: "Sarah Whitaker",
  "Eleanor P. Voss", "Dorothy Mae Simmons"; "Lopez, Maria"; a possessive "Whitfield's".

Not flagged: names the bot knows as staff (``known``: the provider table, workspace members,
the organisation's ``phi_known_names``), a name after a role word ("Dr. Patel", "nurse Kelly",
"our MA Jordan") or before a credential ("Anita Patel MD"), supplier names ("Henry Schein"),
weekdays, months and place/organisation words ("Johnson City", "Bristol Family Medicine").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

Span = tuple[str, int, int]
TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
TITLES = {"mr", "mrs", "ms", "miss", "mx", "mister"}
PATIENT_WORDS = {"pt", "pts", "patient", "patients", "client", "resident", "pt's", "patient's"}
NAMED = {"named", "name", "is", "called"}
ROLE_WORDS = {"dr", "doctor", "nurse", "np", "pa", "rn", "lpn", "ma", "md", "provider", "dentist", "therapist",
              "pharmacist", "tech", "our", "manager", "coordinator", "scribe", "staff", "colleague", "coworker",
              "supervisor", "director", "admin", "receptionist", "physician", "prof", "rep", "cna", "lead",
              "biller", "coder", "scheduler", "ceo", "cfo", "cmo", "coo", "cno", "vp", "chief", "head", "intern",
              "resident", "fellow", "attending", "midwife", "counselor", "aide", "medic", "paramedic", "volunteer"}
CREDENTIALS = {"md", "do", "np", "rn", "pa", "pa-c", "lpn", "fnp", "dnp", "cma", "phd", "dds", "pharmd"}
FAMILY_WORDS = {"twins", "triplets", "kids", "children", "sisters", "brothers", "siblings", "family", "baby",
                "boys", "girls", "household"}
THE_NOUNS = FAMILY_WORDS | {"case", "referral", "account", "chart", "bill", "file", "claim", "visit", "kid",
                            "boy", "girl", "son", "daughter", "wife", "husband", "mom", "dad", "patient"}
NEWBORN = {"baby", "infant", "newborn"}
ORGANISATIONS = {"henry schein", "johnson & johnson", "smith & nephew", "owens & minor", "cardinal health",
                 "patterson dental", "blue cross", "blue shield", "kaiser permanente", "wells fargo",
                 "mayo clinic", "ann arbor", "st jude", "johnson city", "st louis", "fort worth"}
STOP = set("""
the a an and or but of to in on at by for from with without per via as is are was were be been it its this that
these those he she they we you i me him her them us our your their my his hers who what which when where why how
monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun today tomorrow
yesterday january february march april may june july august september october november december jan feb mar apr
jun jul aug sep sept oct nov dec spring summer fall autumn winter christmas easter thanksgiving new year
city county street st avenue road drive lane court clinic hospital center centre medical health family medicine
regional university memorial valley community care pharmacy lab labs urgent primary pediatrics peds internal
cardiology radiology suite room building campus north south east west main office dept department team group
medicare medicaid aetna cigna humana tricare bcbs uhc united anthem blue cross shield
please thanks thank hi hello hey idea pdsa plan study act note update reminder fyi asap re ok yes no not
""".split())
# a capitalised word after a person-like name that makes it an institution ("Sarah Cannon Cancer Center")
ORG_WORDS = {"center", "centre", "hospital", "clinic", "clinics", "health", "healthcare", "medical", "medicine",
             "cancer", "institute", "foundation", "associates", "pharmacy", "group", "labs", "laboratories",
             "surgical", "surgery", "orthopedics", "dental", "imaging", "university", "college", "memorial",
             "hall", "building", "road", "street", "avenue", "drive", "county", "city", "school", "inc", "llc",
             "company", "co", "corp", "systems", "diagnostics", "pediatrics", "family", "children's"}
AGE_RE = re.compile(
    r"^\s*,?\s*\(?\s*(?:aged?\s*:?\s*\d{1,3}"
    r"|\d{1,3}\s*-?\s*(?:y/?o|yo|y\.o\.?|yrs?|years?|year-old|mo|mos|months?|m/o|wks?|weeks?\s+old)\b)"
    r"|^\s*\(\s*\d{1,3}\s*\)|^\s*,\s*\d{1,3}\s*,",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def word_lists() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """``(first names, surnames, lower-case English words)``, all lower case; loaded once."""
    from english_words import get_english_words_set  # heavy (≈0.3 s): loaded on first use

    base = files("names")

    def census(name: str) -> set[str]:
        return {line.split()[0].lower() for line in (base / name).read_text().splitlines() if line.strip()}

    first = census("dist.male.first") | census("dist.female.first")
    words = {w for w in get_english_words_set(["web2"], lower=False, alpha=True) if w.islower()}
    return frozenset(first), frozenset(census("dist.all.last")), frozenset(words)


@dataclass(frozen=True)
class KnownNames:
    """Staff and provider names the guard leaves alone: ``full`` ("anita patel") and ``tokens``."""

    full: frozenset[str] = frozenset()
    tokens: frozenset[str] = frozenset()

    @classmethod
    def of(cls, names: Iterable[str]) -> KnownNames:
        full = {" ".join(TOKEN_RE.findall(n.lower())) for n in names if n and n.strip()}
        return cls(frozenset(f for f in full if f), frozenset(t for f in full for t in f.split()))


@dataclass
class _Tok:
    text: str
    start: int
    end: int
    possessive: bool

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def cap(self) -> bool:
        return self.text[0].isupper() and not (self.text.isupper() and len(self.text) <= 4)


def _tokens(text: str) -> list[_Tok]:
    out = []
    for m in TOKEN_RE.finditer(text):
        word = m.group()
        poss = word.lower().endswith(("'s", "’s"))
        if poss:
            word = word[:-2]
        word = word.rstrip("'’")
        if word:
            out.append(_Tok(word, m.start(), m.start() + len(word), poss))
    return out


class _Reader:
    def __init__(self, text: str, known: KnownNames) -> None:
        self.text, self.known = text, known
        self.first, self.last, self.english = word_lists()
        self.toks = _tokens(text)

    def gap(self, a: _Tok, b: _Tok, allowed: str = r"[\s.]*") -> bool:
        return re.fullmatch(allowed, self.text[a.end:b.start]) is not None and not a.possessive

    def at(self, i: int) -> _Tok | None:
        return self.toks[i] if 0 <= i < len(self.toks) else None

    def stop(self, t: _Tok) -> bool:
        return t.low in STOP or t.low in TITLES or t.low in PATIENT_WORDS

    def surname(self, t: _Tok) -> bool:
        """Only a name: a census surname that is not an English word."""
        return t.low in self.last and t.low not in self.english and not self.stop(t)

    def name_like(self, t: _Tok) -> bool:
        """Capitalised and not a stop word, or an unambiguous name in lower case."""
        if self.stop(t):
            return False
        if t.cap:
            return True
        return t.low not in self.english and (t.low in self.last or t.low in self.first)

    def staff(self, t: _Tok) -> bool:
        return t.low in self.known.tokens

    def after_role(self, i: int) -> bool:
        prev = self.at(i - 1)
        return prev is not None and prev.low in ROLE_WORDS and self.gap(prev, self.toks[i])

    def credential_after(self, j: int) -> bool:
        nxt = self.at(j + 1)
        return nxt is not None and nxt.low in CREDENTIALS and self.gap(self.toks[j], nxt, r"[\s,(]*")

    def extend(self, j: int) -> int:
        """Index of the last token of a name starting at ``j`` (a following capitalised surname)."""
        nxt = self.at(j + 1)
        if nxt is not None and nxt.cap and not self.stop(nxt) and self.gap(self.toks[j], nxt, r"\s+"):
            return j + 1
        return j

    def span(self, i: int, j: int) -> Span:
        return "name", self.toks[i].start, self.toks[j].end


def find_names(text: str, known: KnownNames | None = None) -> Iterator[Span]:
    r = _Reader(text, known or KnownNames())
    for i, t in enumerate(r.toks):
        yield from _titled(r, i, t)
        yield from _contextual(r, i, t)
        yield from _full_name(r, i, t)


def _titled(r: _Reader, i: int, t: _Tok) -> Iterator[Span]:
    nxt = r.at(i + 1)
    if nxt is None or not r.gap(t, nxt, r"[\s.:#-]*" if t.low in PATIENT_WORDS else r"[\s.]*"):
        return
    if t.low in TITLES and not r.stop(nxt) and nxt.low not in ROLE_WORDS:
        j = r.extend(i + 1)
        if " ".join(x.low for x in r.toks[i + 1:j + 1]) not in r.known.full and not (
                j == i + 1 and r.staff(nxt) and nxt.cap):
            yield r.span(i + 1, j)
    elif t.low in PATIENT_WORDS:
        k = i + 1
        if nxt.low in NAMED and r.at(k + 1) is not None:
            k += 1
        cand = r.toks[k]
        known_name = cand.low in r.first or cand.low in r.last
        if not r.stop(cand) and ((cand.cap and (known_name or cand.low not in r.english))
                                 or (known_name and cand.low not in r.english)):
            yield r.span(k, r.extend(k))
    elif t.low in NEWBORN:
        k = i + 2 if nxt.low in {"boy", "girl"} and r.at(i + 2) is not None else i + 1
        cand = r.toks[k]
        if r.name_like(cand) and (cand.cap or cand.low not in r.english):
            yield r.span(k, r.extend(k))


def _contextual(r: _Reader, i: int, t: _Tok) -> Iterator[Span]:
    prev, nxt = r.at(i - 1), r.at(i + 1)
    the = prev is not None and prev.low == "the" and r.gap(prev, t)
    if r.stop(t) or t.low in ROLE_WORDS:
        return
    if nxt is not None and not t.possessive and r.gap(t, nxt, r"\s+") and not nxt.cap:
        if nxt.low in FAMILY_WORDS and (r.surname(t) or (the and t.cap)):
            yield r.span(i, i)
        elif the and t.cap and nxt.low in THE_NOUNS and t.low in r.last:
            yield r.span(i, i)
    if the and t.cap and t.low.endswith("s") and not t.possessive and t.low[:-1] in r.last \
            and not r.stop(_Tok(t.text[:-1], 0, 0, False)):
        yield r.span(i, i)
    rest = r.text[t.end + (2 if t.possessive else 0):]
    if not t.possessive and AGE_RE.match(rest) and not r.after_role(i):
        start = i - 1 if prev is not None and not r.stop(prev) and (r.name_like(prev) or prev.low in r.first) \
            and r.gap(prev, t, r"\s+") else i
        firstish = start < i and r.toks[start].low in r.first and t.low in r.last and not r.stop(t)
        if firstish or (r.name_like(t) and any(x.low in r.first or r.surname(x) or x.cap
                                               for x in r.toks[start:i + 1])):
            yield r.span(start, i)
    if t.possessive and t.cap and r.surname(t) and not r.staff(t) and not r.after_role(i) and not (
            prev is not None and prev.low in TITLES):
        yield r.span(i, i)
    if t.cap and nxt is not None and r.text[t.end:nxt.start].strip() == "," and not t.possessive:
        listed = re.match(r"\s*(?:,|and\b|&)\s*[A-Z]", r.text[nxt.end:]) is not None  # "Sarah, Mike and Tom"
        surname = r.surname(t) or (t.low in r.last and nxt.low not in r.english)
        if surname and nxt.cap and nxt.low in r.first and not listed and not (r.staff(t) and r.staff(nxt)):
            yield r.span(i, i + 1)


def _full_name(r: _Reader, i: int, t: _Tok) -> Iterator[Span]:
    if not t.cap or r.stop(t) or t.low not in r.first or r.after_role(i):
        return
    j = i + 1
    mid = r.at(j)
    if mid is not None and r.gap(t, mid) and len(mid.text) == 1 and mid.text.isupper():
        j += 1  # middle initial "P."
    elif mid is not None and mid.cap and mid.low in r.first and r.gap(t, mid, r"\s+"):
        last = r.at(j + 1)
        if last is not None and last.cap and r.gap(mid, last, r"\s+") and r.surname(last):
            j += 1  # middle name "Dorothy Mae Simmons"
    last = r.at(j)
    if last is None or not last.cap or r.stop(last) or not r.gap(r.toks[j - 1], last, r"[\s.]+"):
        return
    distinctive = t.low not in r.english
    if not (r.surname(last) or (distinctive and (last.low in r.last or last.low not in r.english))):
        return
    full = " ".join(x.low for x in (t, last))
    after = r.at(j + 1)
    institution = after is not None and after.cap and after.low in ORG_WORDS and r.gap(last, after, r"\s+")
    if full in r.known.full or full in ORGANISATIONS or r.credential_after(j) or institution:
        return
    yield r.span(i, j)


def wordish(w: str) -> bool:
    """``w`` is an English word or a regular inflection of one (web2 lists stems: "patients",
    "booked", "billing"). Many are names too ("mark", "rose", "silva")."""
    _, _, english = word_lists()
    stems = [w]
    for suffix, endings in (("ies", ("y",)), ("es", ("", "e")), ("s", ("",)), ("ed", ("", "e")), ("ing", ("", "e"))):
        if w.endswith(suffix):
            stems += [w[:-len(suffix)] + e for e in endings]
    return any(len(x) > 2 and x in english for x in stems)
