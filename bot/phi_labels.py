"""The identifier guard for names and labels that arrive in data, not typed in Slack: the display
fields of the feeds (a provider's, clinic's or payer's name, an appointment type, a supply item's
name, an 835 payer's name) and the names of files.

A label is checked for what marks it as a patient's: the identifier guard's numbers, dates of
birth, contact details and the organisation's ``phi_patterns``
(:func:`bot.phi_guard.find_identifiers`), and any run of six or more digits (a person's, place's
or payer's name has no account number in it; the typed-text guard lets a bare number pass
without a patient word beside it, a label gives it none). Person names are *not* flagged in a
label: a provider's name is a person's name by definition ("Maria Silva"), and clinics and payers
are named after people and places (the Kaggle file's neighbourhood "MARIA ORTIZ"); nor are street
addresses: a site is named by its own (Synthea's organisation "160 MAIN STREET OPERATOR LLC").
Codes (SKU, lot number) are not labels: a GTIN has 14 digits. Measured by
``bench/bench_label_guard.py`` on the real names in ``../shared/data``.

A file name is read with its separators as spaces, names included (a file is not a person's
label: "appointments-for-Maria-Silva-MRN12345678.csv"), staff names known to the guard excepted,
and shown with each finding replaced by its kind: "appointments-for-[name]-MRN[record number].csv".

A reference key shown where its name is empty (``dr-a``, ``0005364682``) is read as a key
(:func:`key_findings`): only the kinds with a marker of their own count, a bare number is an id;
a whole 8-digit run that is a YYYYMMDD date from 1900 to last year is a date of birth
("jsmith-19610412"), while a 10-digit NPI holding such a run is not.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from bot.orgconfig import OrgConfig
from bot.phi_echo import name_pair
from bot.phi_guard import Finding, Guard, find_identifiers, kinds_named, mask
from bot.phi_numbers import BIRTH_AFTER_RE, BIRTH_BEFORE_RE, NPI_BEFORE_RE

_NOT_IN_LABELS = {"name", "address"}  # what a label legitimately holds (see the module docstring)
_DIGIT_RUN = re.compile(r"\d{6,}")
_EIGHT_DIGITS = re.compile(r"(?<!\d)\d{8}(?!\d)")  # a whole run: never 8 digits inside an NPI
# a separator not inside a number or date ("2026-12-06", "20260302.835" keep theirs)
_SEPARATORS = re.compile(r"(?<!\d)[-_.+]|[-_.+](?!\d)")
#: The short kind shown in place of a finding in a file name.
FILE_KINDS = {"record_number": "record number", "long_number": "number", "date_of_birth": "date of birth",
              "phone": "phone", "email": "e-mail", "ssn": "SSN", "mbi": "MBI", "name": "name",
              "address": "address"}


def guard_of(org: OrgConfig) -> Guard:
    """The organisation's guard without the provider table: its ``phi_patterns`` and
    ``phi_known_names`` (labels never flag names, so that is all an import needs).

    Raises:
        ConfigurationError: an invalid ``phi_patterns`` regex."""
    return Guard.build(org.phi_patterns, org.phi_known_names)


def _overlaps(found: list[Finding], start: int, end: int) -> bool:
    return any(start < f.end and f.start < end for f in found)


def _file_date(digits: str, today: date) -> bool:
    """``digits`` is a YYYYMMDD date from two years back to next year: a file's own date
    ("remit_20260302.835"), not an identifier (an older one may be a date of birth)."""
    try:
        day = datetime.strptime(digits, "%Y%m%d").date()
    except ValueError:
        return False
    return len(digits) == 8 and today.year - 2 <= day.year <= today.year + 1


def label_findings(value: str, guard: Guard, today: date | None = None) -> list[Finding]:
    """What marks ``value`` (a name or label from a feed) as a patient's: see the module
    docstring. ``today``: for the age of a compact date (default: today). Never raises."""
    found = [f for f in find_identifiers(value, guard) if f.kind not in _NOT_IN_LABELS]
    for m in _DIGIT_RUN.finditer(value):
        if not _overlaps(found, m.start(), m.end()) and not _file_date(m.group(), today or date.today()) \
                and not NPI_BEFORE_RE.search(value[max(0, m.start() - 20):m.start()]):
            found.append(Finding("long_number", m.start(), m.end(), mask(m.group())))
    return sorted(found, key=lambda f: f.start)


def _compact_births(value: str, today: date) -> list[Finding]:
    """Each whole 8-digit run of ``value`` that is a valid YYYYMMDD date from 1900 to last year,
    as a ``date_of_birth`` ("jsmith-19610412"); a run of 9+ digits (an NPI) holds none."""
    found = []
    for m in _EIGHT_DIGITS.finditer(value):
        try:
            year = datetime.strptime(m.group(), "%Y%m%d").year
        except ValueError:
            continue
        if 1900 <= year <= today.year - 1:
            found.append(Finding("date_of_birth", m.start(), m.end(), mask(m.group())))
    return found


def key_findings(value: str, guard: Guard, today: date | None = None) -> list[Finding]:
    """What marks a reference key (``dr-a``, ``0005364682``; shown where its name is empty) as a
    patient's: the kinds with a marker of their own (a record keyword, an SSN's or phone's shape, an
    e-mail, a date of birth, an MBI, the organisation's patterns) and a compact date of birth
    (YYYYMMDD from 1900 to last year: "selfpay-19610412"; ``today`` defaults to today). A bare
    number is not one: providers and payers are keyed by numbers (an NPI; the claims-analysis
    file's 10-digit provider ids). Never raises."""
    found = [f for f in find_identifiers(value, guard) if f.kind not in _NOT_IN_LABELS | {"long_number"}]
    found += [f for f in _compact_births(value, today or date.today()) if not _overlaps(found, f.start, f.end)]
    return sorted(found, key=lambda f: f.start)


def _birth_words(text: str, f: Finding) -> bool:
    return bool(BIRTH_BEFORE_RE.search(text[max(0, f.start - 40):f.start]) or BIRTH_AFTER_RE.search(text[f.end:]))


def file_findings(name: str, guard: Guard) -> list[Finding]:
    """Identifiers in a file name (spans index ``name``), names included (see the module docstring)."""
    spaced = _SEPARATORS.sub(" ", name)
    # a full date in a file name is the export's date unless birth words stand beside it
    # (read as written too, same spans: an e-mail keeps its dots)
    found: list[Finding] = []
    for f in label_findings(name, guard) + label_findings(spaced, guard):
        if (f.kind != "date_of_birth" or _birth_words(spaced, f)) and not _overlaps(found, f.start, f.end):
            found.append(f)
    found += [f for f in find_identifiers(spaced, guard) if f.kind in _NOT_IN_LABELS and not _overlaps(found, f.start, f.end)]
    words = [(m.start(), m.end()) for m in re.finditer(r"[A-Za-z]+", spaced)]
    for (s1, _), (_, e2) in zip(words, words[1:], strict=False):  # "maria silva": a census first name + surname
        pair = spaced[s1:e2]
        if name_pair(pair) and " ".join(pair.lower().split()) not in guard.known.full and not _overlaps(found, s1, e2):
            found.append(Finding("name", s1, e2, mask(pair)))
    return sorted(found, key=lambda f: f.start)


@lru_cache(maxsize=1024)
def _shown_file_name(name: str, guard: Guard) -> str:
    for f in reversed(file_findings(name, guard)):
        name = name[:f.start] + f"[{FILE_KINDS.get(f.kind, 'identifier')}]" + name[f.end:]
    return name


def shown_file_name(name: str, guard: Guard | None = None) -> str:
    """``name`` (a file's name, no folder) as Slack may show it: each identifier replaced by its
    kind in brackets ("appointments-for-[name]-[record number].csv"); unchanged when clean. The
    one function every Slack-bound file name goes through."""
    return _shown_file_name(name, guard or Guard())


def file_names_shown(text: str, name: str, guard: Guard | None = None) -> str:
    """``text`` (a message about the file ``name``: its import headline, a failure, paths derived
    from it such as ``done/<stamp>-<stem>.rejects.csv``) with every occurrence of the file's stem
    passed through :func:`shown_file_name`."""
    stem = Path(name).stem or name
    shown = shown_file_name(stem, guard)
    return text if shown == stem else text.replace(stem, shown)


@lru_cache(maxsize=8192)
def withheld_kinds(label: str, is_key: bool = False) -> str | None:
    """The kinds of identifier the built-in rules find in a stored ``label`` about to be shown
    ("a medical record number"), None when clean: the last check of a breakdown's names, for a
    name stored before the import checked display fields (defence in depth). ``is_key``: the
    stored name is its key (no name was given), read by :func:`key_findings`."""
    found = key_findings(label, Guard()) if is_key else label_findings(label, Guard())
    return kinds_named(found) if found else None
