"""Questions that are not KPI readings: help, the KPI list, definitions, questions about one
patient (declined: the bot reports on clinics, not on people), and questions outside the catalogue
(refused with what it can answer instead)."""

from __future__ import annotations

import re

from bot.kpi.catalogue import CATALOGUE
from bot.kpi.reader.kpis import find_kpis
from bot.kpi.reader.person import decline
from bot.kpi.reader.reading import Reading
from bot.kpi.reader.vocab import Vocabulary, norm
from bot.kpi.reader.words import OUTSIDE

HELP = re.compile(r"^(help|\?|h|usage|what can (you|i) (do|ask)( you)?|how do (i|you) (use|ask)( this| you)?|examples?|"
                  r"what do you know|what can you answer|what questions can i ask)$")
LIST = re.compile(r"^(list|ls|kpis|all kpis|show( me)? (all )?(the )?kpis|list (all )?(the )?kpis|what kpis( do you have)?|"
                  r"which kpis( do you (have|know))?)$")
DEFINE = re.compile(r"^(?:define|definition( of)?|explain|whats the definition of|what is the definition of|"
                    r"how (?:is|do you|do we) (?:calculate|define|measure|compute)|what does) (.+?)(?: mean| calculated| defined| measured)?$"
                    r"|^how is (.+?) (?:calculated|defined|measured|computed)$")
PATIENT = (
    re.compile(r"\b(mrn|medical record (number|no)|date of birth|dob|d o b|born|birthday|birth ?date|ssn|social security"
               r"|member id|years? old)\b"),
    re.compile(r"\bpatient (named|called|id|number|no|#)\b"),
    re.compile(r"\b(patient|pt|mrn|chart|account) ?#? ?\d{3,}\b"),
    re.compile(r"\b(mr|mrs|ms|miss) [a-z]{2,}"),
    re.compile(r"\b(his|her) (appointments?|visits?|claims?|bills?|balance|chart|no ?shows?|records?)\b"),
    re.compile(r"\b(this|that|one|a|the) patient(?! (satisfaction|experience|access|surveys?|ratings?))\b"
               r"(?!s)(?=.*\b(show|come|miss|claim|bill|balance|owe|paid|visit|appointment|seen)\w*\b)"),
)
POSSESSIVE = re.compile(r"\b([A-Z][a-z]+ [A-Z][a-z]+)['’]s\b|\bdid ([A-Z][a-z]+ [A-Z][a-z]+) (show|come|miss|turn|make)")


def special(q: str, original: str, vocab: Vocabulary) -> Reading | None:
    """A help/list/define/refuse reading, or None for a KPI question."""
    if not q or HELP.match(q):
        return Reading(status="help", text=original)
    if LIST.match(q):
        return Reading(status="list", text=original)
    if m := DEFINE.match(q):
        hits = find_kpis(m.group(1) or m.group(2) or "")
        if len({h.kpi for h in hits}) == 1:
            return Reading(status="define", kpi=hits[0].kpi, text=original)
    if _about_a_patient(q, original, vocab):
        return decline(original, vocab)
    return None


def _about_a_patient(q: str, original: str, vocab: Vocabulary) -> bool:
    if any(rx.search(q) for rx in PATIENT):
        return True
    for m in POSSESSIVE.finditer(original or ""):
        name = norm(m.group(1) or m.group(2))
        if name not in vocab.index and not any(name in k for k in vocab.index):
            return True
    return False


# What the help text says the reader answers, by catalogue domain; every word here must be read
# as a KPI of its domain (tests/reader/test_reader_help_words.py asks each).
HELP_GROUPS = {"access": ("no-shows", "third next available", "utilization", "booking lead time"),
               "revenue": ("clean claims", "denials", "days in A/R", "collections", "write-offs", "verification",
                           "authorizations", "coding"),
               "experience": ("patient satisfaction",),
               "inventory": ("days of supply", "reorder points", "turns", "expiry waste")}


def can_answer() -> str:
    return "; ".join(", ".join(words) for words in HELP_GROUPS.values())


def not_offered(q: str) -> tuple[str, str] | None:
    """(why, the KPI offered instead) for a measure next to a catalogue KPI but not in it
    ("A/R over 90 days", "gross collections": ``KpiDef.neighbours``): asked back, never answered
    with the neighbour."""
    for kpi in CATALOGUE:
        for pattern, what in kpi.neighbours:
            if re.search(pattern, q):
                return f"{what} is not in the KPI catalogue; the closest KPI I have is {kpi.name}. Do you want that?", kpi.id
    return None


def outside(q: str, default: bool = False) -> str | None:
    """Why a question is outside the catalogue (with what the bot can answer), or None."""
    for pattern, what in OUTSIDE:
        if re.search(pattern[3:], q):
            return (f"I can't answer questions about {what}: that is not in the KPI catalogue. "
                    f"I can answer: {can_answer()} ({len(CATALOGUE)} KPIs; `/kpi` lists them).")
    if default:
        return (f"I didn't find a KPI in that. I can answer: {can_answer()} — e.g. “denial rate by payer last "
                f"month”. `/kpi` lists every KPI.")
    return None
