"""Patient-identifier guard for free text typed by staff (ideas, PDSA notes, reasons, notes).

``find_identifiers(text, guard)`` returns every likely patient identifier as a :class:`Finding`
(kind, span, masked hint); ``check_fields({name: text}, guard)`` does the same per form field and
``ensure_clean`` raises :class:`IdentifiersFound` naming the field and the kind (never the value).
Nothing that has a finding may be stored, posted or logged.

The rules live in :mod:`bot.phi_numbers` (record/account/member/Medicaid numbers, Medicare Beneficiary Identifiers, SSNs, phones,
e-mails, dates of birth, street addresses) and :mod:`bot.phi_names` (person names, with the US
Census name lists); a :class:`Guard` adds the organisation's own ``phi_patterns`` (reported as
``custom:<name>``) and the staff names the bot knows (never flagged as names). Presidio's
pattern recognisers were weighed: its ``AnalyzerEngine`` needs a spaCy model download, and its
generic phone/e-mail regexes are the easy part; the patient-context rules are what matter here.
Measured on ``tests/data/privacy_eval.jsonl`` by ``bench/privacy_guard.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot import phi_numbers
from bot.errors import ConfigurationError, UsageError
from bot.phi_names import KnownNames, find_names

KIND_LABELS = {
    "record_number": "a medical record number",
    "long_number": "a long number that may identify a patient",
    "date_of_birth": "a date of birth",
    "phone": "a phone number",
    "email": "an e-mail address",
    "ssn": "a social security number",
    "mbi": "a Medicare Beneficiary Identifier",
    "name": "a person's name",
    "address": "a street address",
}
_NUMBER_RULES = (phi_numbers.find_ssns, phi_numbers.find_emails, phi_numbers.find_dates,
                 phi_numbers.find_record_numbers, phi_numbers.find_mbis, phi_numbers.find_phones,
                 phi_numbers.find_addresses, phi_numbers.find_long_numbers)
_SILENT = {"date", "number"}  # spans kept out of later rules, never reported

_I = re.IGNORECASE
Patterns = list[tuple[str, re.Pattern[str]]]


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


@dataclass(frozen=True)
class Guard:
    """What one organisation's guard knows: its ``phi_patterns`` (from :func:`compile_patterns`)
    and the staff/provider names it must not flag (:class:`bot.phi_names.KnownNames`)."""

    patterns: tuple[tuple[str, re.Pattern[str]], ...] = ()
    known: KnownNames = field(default_factory=KnownNames)

    @classmethod
    def build(cls, patterns: Iterable[str] | Mapping[str, str] | None = None,
              known_names: Iterable[str] = ()) -> Guard:
        """Raises ConfigurationError for an invalid pattern (see :func:`compile_patterns`)."""
        return cls(tuple(compile_patterns(patterns)), KnownNames.of(known_names))


GuardLike = Guard | Iterable[tuple[str, re.Pattern[str]]]


def _as_guard(extra: GuardLike) -> Guard:
    return extra if isinstance(extra, Guard) else Guard(tuple(extra))


def find_identifiers(text: str, extra: GuardLike = ()) -> list[Finding]:
    """Likely patient identifiers in ``text``, in order of position (see :mod:`bot.phi_numbers`
    and :mod:`bot.phi_names` for the rules). ``extra`` is a :class:`Guard` or the output of
    :func:`compile_patterns`. Never raises on any input string.
    """
    if not text:
        return []
    guard = _as_guard(extra)
    found: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, end: int) -> None:
        if end > start and not _overlaps(taken, start, end):
            taken.append((start, end))
            if kind not in _SILENT:
                found.append(Finding(kind, start, end, mask(text[start:end])))

    for name, pattern in guard.patterns:
        for m in pattern.finditer(text):
            add(f"custom:{name}", m.start(), m.end())
    for rule in _NUMBER_RULES:
        for kind, start, end in rule(text):
            add(kind, start, end)
    for kind, start, end in find_names(text, guard.known):
        add(kind, start, end)
    return sorted(found, key=lambda f: f.start)


def check_fields(fields: Mapping[str, str | None],
                 extra: GuardLike = ()) -> dict[str, list[Finding]]:
    """``{field name: findings}`` for every field that has at least one finding."""
    extra = _as_guard(extra)
    out = {}
    for name, value in fields.items():
        hits = find_identifiers(value or "", extra)
        if hits:
            out[name] = hits
    return out


def _kinds(findings: list[Finding]) -> str:
    seen: dict[str, str] = {}
    for f in findings:
        seen.setdefault(f.label, f.hint[:24])
    parts = [f"{label} ({hint})" for label, hint in seen.items()]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def field_label(name: str) -> str:
    """A form field's key as people read it: "proposed_change" → "proposed change"."""
    return name.replace("_", " ")


def describe(findings: list[Finding], field: str | None = None) -> str:
    """A short, user-safe refusal: the field (when given), the kinds found (each once) with
    masked hints, and what to do.

    Example: "Reason holds what looks like a medical record number (••••••••) and a date of
    birth (••/••/••••). Please remove patient identifiers; …" Never contains the found value.
    """
    lead = f"{field_label(field).capitalize()} holds what looks like" if field else "Looks like"
    return f"{lead} {_kinds(findings)}. Please remove patient identifiers; Slack is not the place for them."


def kinds_named(findings: list[Finding]) -> str:
    """The kinds found, each once, without hints: "a date of birth and a medical record number"."""
    labels = list(dict.fromkeys(f.label for f in findings))
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def not_echoed(findings: list[Finding], what: str, instead: str) -> str:
    """Why typed text was not repeated back (it was about to be: a prefilled form, a quote), naming
    only the kinds found: "The text after /idea holds what looks like a date of birth, so
    it was not copied into the form. Please remove patient identifiers; …". Never contains the text."""
    return (f"{what} holds what looks like {kinds_named(findings)}, so {instead}. Please remove patient "
            "identifiers; Slack is not the place for them.")


def echo_or(text: str, fallback: str, extra: GuardLike = ()) -> str:
    """``text`` when the guard finds nothing in it, else ``fallback``: for the places that quote a
    person's own words back (a late reply's "your request (`/kpi …`)")."""
    return fallback if find_identifiers(text, extra) else text


class IdentifiersFound(UsageError):
    """Free text with likely patient identifiers; ``fields`` maps field name → findings.

    The message (user-safe) names the kinds found, never the values.
    """

    def __init__(self, fields: dict[str, list[Finding]]):
        self.fields = fields
        super().__init__(" ".join(describe(hits, name) for name, hits in fields.items()))


def ensure_clean(fields: Mapping[str, str | None],
                 extra: GuardLike = ()) -> None:
    """Raises:
        IdentifiersFound: any field holds a likely patient identifier."""
    hits = check_fields(fields, extra)
    if hits:
        raise IdentifiersFound(hits)
