"""Patient-identifier guard for free text typed by staff (ideas, PDSA notes, comments).

``find_identifiers(text)`` returns every likely patient identifier as a :class:`Finding` (kind,
span, masked hint); ``check_fields({name: text})`` does the same per form field. Nothing that has
a finding may be stored or posted: the caller refuses it and tells the author the *kind* found
(``describe``), never the value. Own regular expressions rather than Microsoft Presidio: Presidio's
pattern recognisers would cover the generic kinds, but its analyzer pulls in spaCy, and the
patient-context rules below (record numbers, birth dates) are ours to tune anyway.

Patterns and their trade-offs (precision over recall only where noted):

* ``record_number`` — a record keyword (MRN, medical record, record/chart/patient/account #|no|
  number|id) followed by an id of 4+ characters holding 4+ digits ("MRN 12345678",
  "MRN: A1234567", "record #4455"). Also a bare run of 6–8 digits within 40 characters of a
  patient word (patient, pt, chart, record, MRN, member). "room 12", "3 patients", "15 minutes",
  a CPT code (5 digits) and KPI values (short, or with , . %) are never flagged. Misses: a bare
  6–8 digit record number written with no patient word nearby.
* ``long_number`` — any bare run of 9+ digits (not a date, phone or SSN shape). Catches unlabeled
  record and account numbers; false positive: a long claim or order number (an account-type
  identifier anyway). "NPI 1234567890" is exempt (a provider, not a patient, identifier).
* ``date_of_birth`` — a date (03/04/1975, 1975-03-04, 3.4.75, March 4, 1975, 4 Mar 1975) with
  birth context in the 30 characters before it (DOB, D.O.B., born, birth, birthday, b-day) or
  "(DOB)" right after. Dates without birth context ("starting 2026-05-01") pass. Misses: a bare
  birth date with no context (indistinguishable from an appointment date).
* ``phone`` — North-American numbers: (555) 234-5678, 555-234-5678, 555.234.5678, +1 555 234 5678
  (area code and exchange start 2–9, per NANP); a bare 10-digit run after a phone word (call,
  phone, tel, cell, mobile, fax). Staff extensions ("ext 4321") pass.
* ``email`` — any e-mail address. Staff addresses are flagged too (we cannot tell them apart);
  mention staff with @name instead.
* ``ssn`` — ###-##-#### outside the never-issued ranges (000, 666, 9xx area; 00 group; 0000
  serial), or 9 digits after "SSN"/"social security".
* extra patterns — regexes from org config / settings, reported as ``custom:<name>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.errors import ConfigurationError, UsageError

KIND_LABELS = {
    "record_number": "a medical record number",
    "long_number": "a long number that may identify a patient",
    "date_of_birth": "a date of birth",
    "phone": "a phone number",
    "email": "an e-mail address",
    "ssn": "a social security number",
}

_I = re.IGNORECASE
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"      # 03/04/1975, 3-4-75, 3.4.1975
    r"|\d{4}[/.-]\d{1,2}[/.-]\d{1,2}"                  # 1975-03-04
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"  # March 4, 1975
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}})"  # 4 Mar 1975
)
DATE_RE = re.compile(rf"(?<![\w/.-]){_DATE}(?![\w/-])", _I)
BIRTH_BEFORE_RE = re.compile(r"(?:\bd\.?o\.?b\b\.?|\bborn\b|\bbirth|\bb-?day\b)[^.\n]{0,30}$", _I)
BIRTH_AFTER_RE = re.compile(r"^\s*\(?\s*(?:dob|d\.o\.b\.?|date of birth)\b", _I)

RECORD_RE = re.compile(
    r"\b(?:mrn|m\.r\.n\.?|medical\s+record(?:\s+(?:number|no\.?|num\.?|#))?|"
    r"(?:record|chart|patient|pt|acct|account|member)\s*(?:#|no\.?\b|num(?:ber)?\b|id\b))"
    r"\s*[:#=-]?\s*([A-Z]{0,3}-?\d[\dA-Z-]{3,})",
    _I,
)
SSN_RE = re.compile(r"(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])")
SSN_KEYWORD_RE = re.compile(r"\b(?:ssn|social\s+security(?:\s+(?:number|no\.?|#))?)\s*[:#]?\s*(\d{3}[\s-]?\d{2}[\s-]?\d{4})\b", _I)
PHONE_RE = re.compile(
    r"(?<![\d-])(?:\+?1[\s.-]?)?(?:\([2-9]\d{2}\)\s?|[2-9]\d{2}[\s.-])[2-9]\d{2}[\s.-]\d{4}(?![\d-])"
)
PHONE_WORD_RE = re.compile(r"\b(?:call|phone|tel|telephone|cell|mobile|fax|ph)\b[^\n]{0,20}$", _I)
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
DIGIT_RUN_RE = re.compile(r"(?<![\d.,/:$-])\d{6,}(?![\d%]|[.,/:-]\d)")
PATIENT_WORD_RE = re.compile(r"\b(?:patient|patients|pt|pts|chart|record|mrn|member)\b", _I)
NPI_BEFORE_RE = re.compile(r"\bnpi\s*[:#]?\s*$", _I)


@dataclass(frozen=True)
class Finding:
    """One likely identifier: ``kind`` (a ``KIND_LABELS`` key or ``custom:<name>``), the span in
    the text, and ``hint``: the match with every letter and digit masked (safe to show)."""

    kind: str
    start: int
    end: int
    hint: str

    @property
    def label(self) -> str:
        if self.kind.startswith("custom:"):
            return f"text matching the rule '{self.kind[7:]}'"
        return KIND_LABELS.get(self.kind, self.kind)


def mask(value: str) -> str:
    """Every letter and digit replaced by "•" (keeps length and punctuation, never the value)."""
    return re.sub(r"\w", "•", value)


def compile_patterns(patterns: Iterable[str] | Mapping[str, str] | None) -> list[tuple[str, re.Pattern[str]]]:
    """Extra patterns from configuration as ``[(name, compiled)]``.

    Accepts ``{name: regex}`` or a list of regexes (named ``rule 1``, ``rule 2``…).

    Raises:
        ConfigurationError: a pattern that is not a valid regular expression (naming it).
    """
    if not patterns:
        return []
    items = patterns.items() if isinstance(patterns, Mapping) else (
        (f"rule {i}", p) for i, p in enumerate(patterns, start=1))
    out = []
    for name, pattern in items:
        try:
            out.append((str(name), re.compile(pattern, _I)))
        except re.error as exc:
            raise ConfigurationError(f"phi_patterns: {name!r} is not a valid regex: {exc}") from None
    return out


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < e and s < end for s, e in spans)


def find_identifiers(text: str, extra: Iterable[tuple[str, re.Pattern[str]]] = ()) -> list[Finding]:
    """Likely patient identifiers in ``text``, in order of position (see the module docstring).

    ``extra`` is the output of :func:`compile_patterns`. Never raises on any input string.
    """
    if not text:
        return []
    found: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, end: int) -> None:
        if not _overlaps(taken, start, end):
            taken.append((start, end))
            found.append(Finding(kind, start, end, mask(text[start:end])))

    for m in SSN_RE.finditer(text):
        add("ssn", m.start(), m.end())
    for m in SSN_KEYWORD_RE.finditer(text):
        add("ssn", m.start(1), m.end(1))
    for m in EMAIL_RE.finditer(text):
        add("email", m.start(), m.end())
    for m in RECORD_RE.finditer(text):
        if sum(ch.isdigit() for ch in m.group(1)) >= 4:
            add("record_number", m.start(1), m.end(1))
    for m in DATE_RE.finditer(text):
        before, after = text[max(0, m.start() - 40):m.start()], text[m.end():m.end() + 20]
        if BIRTH_BEFORE_RE.search(before) or BIRTH_AFTER_RE.search(after):
            add("date_of_birth", m.start(), m.end())
        else:
            taken.append((m.start(), m.end()))  # an ordinary date: not a digit run either
    for m in PHONE_RE.finditer(text):
        add("phone", m.start(), m.end())
    for m in DIGIT_RUN_RE.finditer(text):
        start, end, n = m.start(), m.end(), len(m.group())
        before = text[max(0, start - 40):start]
        if NPI_BEFORE_RE.search(before):
            continue
        if n == 10 and PHONE_WORD_RE.search(before):
            add("phone", start, end)
        elif n >= 9:
            add("long_number", start, end)
        elif PATIENT_WORD_RE.search(before) or PATIENT_WORD_RE.search(text[end:end + 40]):
            add("record_number", start, end)
    for name, pattern in extra:
        for m in pattern.finditer(text):
            if m.end() > m.start():
                add(f"custom:{name}", m.start(), m.end())
    return sorted(found, key=lambda f: f.start)


def check_fields(fields: Mapping[str, str | None],
                 extra: Iterable[tuple[str, re.Pattern[str]]] = ()) -> dict[str, list[Finding]]:
    """``{field name: findings}`` for every field that has at least one finding."""
    extra = list(extra)
    out = {}
    for name, value in fields.items():
        hits = find_identifiers(value or "", extra)
        if hits:
            out[name] = hits
    return out


def describe(findings: list[Finding]) -> str:
    """A short, user-safe refusal: the kinds found (each once) with masked hints, and what to do.

    Example: "Looks like a medical record number (•••••••••) and a date of birth (••/••/••••).
    Please remove patient identifiers." Never contains the found value itself.
    """
    seen: dict[str, str] = {}
    for f in findings:
        seen.setdefault(f.label, f.hint[:24])
    parts = [f"{label} ({hint})" for label, hint in seen.items()]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"Looks like {listed}. Please remove patient identifiers; Slack is not the place for them."


class IdentifiersFound(UsageError):
    """Free text with likely patient identifiers; ``fields`` maps field name → findings.

    The message (user-safe) names the kinds found, never the values.
    """

    def __init__(self, fields: dict[str, list[Finding]]):
        self.fields = fields
        super().__init__(describe([f for hits in fields.values() for f in hits]))


def ensure_clean(fields: Mapping[str, str | None],
                 extra: Iterable[tuple[str, re.Pattern[str]]] = ()) -> None:
    """Raises:
        IdentifiersFound: any field holds a likely patient identifier."""
    hits = check_fields(fields, extra)
    if hits:
        raise IdentifiersFound(hits)
