"""Number-, date- and address-shaped patient identifiers (HIPAA Safe Harbor §164.514(b)(2)(i)).

Each ``find_*`` function yields ``(kind, start, end)`` spans for :mod:`bot.phi_guard`; they never
raise. What is flagged and what is left alone (and why):

* ``record_number`` — an id after a record keyword: MRN, medical record, chart, record, patient
  id, account/acct, member, Medicaid, Medicare, insurance/subscriber id, policy. The id may be
  split by spaces or hyphens ("MRN 0045 1182", "Medicaid # 1123 4456 78") or carry letters
  ("member id XJH448812209"); it needs 4+ digits. A bare run of 6–8 digits near a patient word
  counts too. "room 12", "order #88123", CPT codes (5 digits) and counts are left alone.
* ``long_number`` — 9+ digits in one run or in groups split by single spaces/hyphens
  ("2987249 9824296"), not a phone, date or provider NPI.
* ``ssn`` — ###-##-#### in issued ranges, or 4–9 digits within a few words after SSN /
  social security / SS#.
* ``phone`` — NANP numbers; a bare 10-digit run after a phone word. Toll-free numbers
  (800/833/844/855/866/877/888: suppliers, payers) and a clinic's own line ("our main line",
  "ext 4417") are left alone.
* ``date_of_birth`` — a date with birth words near it (DOB, born, birthday, bday, birthdate), or a
  full date whose year lies more than two years back: staff write dates of events (this week's
  huddle, next year's deadline), while an old full date in a note is almost always a birth date.
* ``mbi`` — a Medicare Beneficiary Identifier with no keyword beside it, by CMS's format (CMS,
  "Understanding the Medicare Beneficiary Identifier (MBI) Format"): 11 characters, optionally
  dashed 4-3-4; position 1 a digit 1–9; 2, 5, 8, 9 a letter A–Z except S, L, O, I, B, Z; 3 and 6
  such a letter or a digit; 4, 7, 10, 11 a digit. CMS prints it in upper case, but people type
  it in lower case too, so case is ignored (no English word has a digit in positions 1, 4, 7,
  10 and 11). Bounded by anything but a letter or digit ("appointments_1EG4TE5MK73.csv").
* ``address`` — a house number, 1–3 street-name words and a USPS street suffix (Pub. 28:
  Street/St, Avenue/Ave, Road/Rd, Drive/Dr, Lane, Court, Highway…), or a state code followed by a
  ZIP code. "Suite 210", "room 4", "the Foster Street entrance" have no house number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

Span = tuple[str, int, int]
_I = re.IGNORECASE

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
    r"|\d{4}[/.-]\d{1,2}[/.-]\d{1,2}"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+\d{{4}})"
)
DATE_RE = re.compile(rf"(?<![\w/.-]){_DATE}(?![\w/]|-\d)", _I)
_BIRTH = r"(?:\bd\.?o\.?b\b\.?|\bborn\b|\bbirth\w*|\bb-?days?\b)"
BIRTH_BEFORE_RE = re.compile(rf"{_BIRTH}[^.\n]{{0,30}}$", _I)
BIRTH_AFTER_RE = re.compile(rf"^[\s)(,]*(?:\w+\s+){{0,2}}?{_BIRTH}", _I)
YEAR_RE = re.compile(r"(\d{4}|\d{2})$|^(\d{4})")

_ID = r"((?-i:[A-Z]{0,4}[ -]?\d[\dA-Z]*(?:[ -][A-Z]{0,2}\d[\dA-Z]*)*))"
RECORD_RE = re.compile(
    r"\b(?:mrn|m\.r\.n\.?|medical\s+record(?:\s+(?:number|no\.?|num\.?|#))?"
    r"|(?:record|chart|patient|pt|acct|account|member|medicaid|medicare|mbi|insurance|subscriber"
    r"|policy|id\s+card|ins)\s*(?:#|no\.?(?=\s|\d|$)|num(?:ber)?\b|id\b|ids\b)?"
    r")\s*(?:#|no\.?|number|id)?\s*[:#=-]?\s*" + _ID,
    _I,
)
SSN_RE = re.compile(r"(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])")
SSN_WORD_RE = re.compile(r"\b(?:ssn|ss\s?#|social\s+security(?:\s+(?:number|no\.?|#))?)", _I)
SSN_DIGITS_RE = re.compile(r"\d[\d -]{2,10}\d")
PHONE_RE = re.compile(
    r"(?<![\d-])(?:\+?1[\s.-]?)?(?:\((\d{3})\)\s?|(\d{3})[\s.-])\d{3}[\s.-]\d{4}(?![\d-])")
TOLL_FREE = {"800", "833", "844", "855", "866", "877", "888"}
PHONE_WORD_RE = re.compile(r"\b(?:call|phone|ph|tel|telephone|cell|mobile|fax|text|number|#)\W[^\n]{0,20}$", _I)
OWN_LINE_RE = re.compile(r"\b(?:our|main|office|clinic'?s?|ext\.?|extension)\b[^.\n]{0,25}$", _I)
GROUPED_DIGITS_RE = re.compile(r"(?<![\w.,/:$#-])\d{2,}(?:[ -]\d{2,})+(?![\d%]|[.,/:]\d)")
DIGIT_RUN_RE = re.compile(r"(?<![\w.,/:$#-])\d{6,}(?![\d%]|[.,/:-]\d)")
PATIENT_WORD_RE = re.compile(r"\b(?:patient|patients|pt|pts|chart|record|mrn|member|acct|account)\b", _I)
NPI_BEFORE_RE = re.compile(r"\b(?:npi|tax\s+id|tin|ein|order|po|invoice|batch|claim|ref)\s*(?:#|no\.?)?\s*[:#]?\s*$", _I)

_MBI_L = "[AC-HJKMNP-RT-Y]"  # A-Z without S, L, O, I, B, Z
_MBI_LD = "[AC-HJKMNP-RT-Y0-9]"
MBI_RE = re.compile(rf"(?<![A-Za-z0-9])[1-9]{_MBI_L}{_MBI_LD}\d(-?){_MBI_L}{_MBI_LD}\d\1{_MBI_L}{_MBI_L}\d\d"
                    r"(?![A-Za-z0-9])", _I)

_SUFFIX = (r"street|st|avenue|ave|av|road|rd|drive|dr|lane|ln|court|ct|boulevard|blvd|way|place|pl|"
           r"circle|cir|highway|hwy|parkway|pkwy|terrace|ter|trail|trl|pike|loop|row|alley")
ADDRESS_RE = re.compile(
    rf"(?<![\w#/.-])(\d{{1,6}}[A-Z]?)\s+((?:(?:[NSEW]\.?|north|south|east|west)\s+)?"
    rf"(?:[A-Za-z][A-Za-z'.]*\s+){{0,2}}[A-Za-z][A-Za-z'.]*)\s+({_SUFFIX})\b\.?"
    r"(?:,?\s*(?:apt|apartment|unit|#|lot|suite|ste)\.?\s*#?\s*[\dA-Z-]+)?",
    _I,
)
NOT_HOUSE_BEFORE_RE = re.compile(r"\b(?:room|rm|suite|ste|exam|unit|bed|bay|floor|door|line|ext)\.?\s*#?\s*$", _I)
STATE_ZIP_RE = re.compile(
    r"\b(?:A[LKZR]|C[AOT]|D[EC]|FL|GA|HI|I[DLNA]|K[SY]|LA|M[EDAINSOT]|N[EVHJMYCD]|O[HKR]|PA|RI|S[CD]|"
    r"T[NX]|UT|V[TA]|W[AVIY])\s+\d{5}(?:-\d{4})?\b")
_AMBIGUOUS_SUFFIX = {"dr", "st", "ct", "pl", "way", "row", "loop", "ter"}
_NOT_STREET_WORD = {"pts", "patients", "patient", "pt", "with", "and", "the", "to", "for", "of", "in", "at",
                    "on", "by", "from", "our", "new", "more", "same", "per", "a", "an", "or", "saw", "see",
                    "min", "mins", "minutes", "hours", "days", "weeks", "times", "x"}


def find_record_numbers(text: str) -> Iterator[Span]:
    for m in RECORD_RE.finditer(text):
        value = m.group(1).rstrip(" -")
        if sum(ch.isdigit() for ch in value) >= 4:
            yield "record_number", m.start(1), m.start(1) + len(value)


def find_mbis(text: str) -> Iterator[Span]:
    for m in MBI_RE.finditer(text):
        yield "mbi", m.start(), m.end()


def find_ssns(text: str) -> Iterator[Span]:
    for m in SSN_RE.finditer(text):
        yield "ssn", m.start(), m.end()
    for w in SSN_WORD_RE.finditer(text):
        window = text[w.end():w.end() + 40]
        for d in SSN_DIGITS_RE.finditer(window):
            if sum(ch.isdigit() for ch in d.group()) >= 4:
                yield "ssn", w.end() + d.start(), w.end() + d.end()


def find_emails(text: str) -> Iterator[Span]:
    for m in re.finditer(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", text):
        yield "email", m.start(), m.end()


def _year(value: str) -> int | None:
    digits = re.findall(r"\d+", value)
    if not digits:
        return None
    first, last = digits[0], digits[-1]
    if len(first) == 4:
        return int(first)
    if len(last) == 4:
        return int(last)
    if len(last) == 2 and len(digits) == 3:
        y = int(last)
        return 2000 + y if y <= date.today().year % 100 else 1900 + y
    return None


def find_dates(text: str, today: date | None = None) -> Iterator[Span]:
    """Dates of birth as ``("date_of_birth", …)``; every other date as ``("date", …)`` (kept out
    of the number rules, never reported)."""
    this_year = (today or date.today()).year
    for m in DATE_RE.finditer(text):
        before, after = text[max(0, m.start() - 40):m.start()], text[m.end():m.end() + 25]
        year = _year(m.group())
        old = year is not None and 1900 <= year < this_year - 2
        birth = BIRTH_BEFORE_RE.search(before) or BIRTH_AFTER_RE.search(after)
        yield ("date_of_birth" if birth or old else "date"), m.start(), m.end()


def find_phones(text: str) -> Iterator[Span]:
    """Phones as ``("phone", …)``; toll-free and own lines as ``("number", …)`` (never reported)."""
    for m in PHONE_RE.finditer(text):
        area = m.group(1) or m.group(2)
        before = text[max(0, m.start() - 30):m.start()]
        own = area in TOLL_FREE or OWN_LINE_RE.search(before)
        yield ("number" if own else "phone"), m.start(), m.end()


def find_long_numbers(text: str) -> Iterator[Span]:
    for m in GROUPED_DIGITS_RE.finditer(text):
        digits = sum(ch.isdigit() for ch in m.group())
        if digits >= 9 and not NPI_BEFORE_RE.search(text[max(0, m.start() - 20):m.start()]):
            yield "long_number", m.start(), m.end()
    for m in DIGIT_RUN_RE.finditer(text):
        start, end, n = m.start(), m.end(), len(m.group())
        before = text[max(0, start - 40):start]
        if NPI_BEFORE_RE.search(before[-20:]):
            continue
        if n in (6, 8) and BIRTH_BEFORE_RE.search(before[-20:]):
            yield "date_of_birth", start, end
        elif n == 10 and PHONE_WORD_RE.search(before):
            yield "phone", start, end
        elif n >= 9:
            yield "long_number", start, end
        elif PATIENT_WORD_RE.search(before) or PATIENT_WORD_RE.search(text[end:end + 40]):
            yield "record_number", start, end


def find_addresses(text: str) -> Iterator[Span]:
    for m in ADDRESS_RE.finditer(text):
        if NOT_HOUSE_BEFORE_RE.search(text[max(0, m.start() - 12):m.start()]):
            continue
        words = m.group(2).split()
        if any(w.lower().strip(".") in _NOT_STREET_WORD for w in words):
            continue
        if m.group(3).lower() in _AMBIGUOUS_SUFFIX and not all(w[0].isupper() or len(w) <= 2 for w in words):
            continue
        yield "address", m.start(), m.end()
    for m in STATE_ZIP_RE.finditer(text):
        yield "address", m.start(), m.end()
