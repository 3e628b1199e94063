"""Echoing a user's own text back (import reasons, the reader's "I didn't understand …") without
ever repeating a patient identifier.

``echo(value)`` is the rule: a short value in which the identifier guard (:mod:`bot.phi_guard`)
finds nothing is quoted as typed (``'2016-13-45'``, ``'booked?'``); anything else is replaced by
its *shape*, never its characters: "a 23-character text holding what looks like a date of birth",
or "a 57-character text" for long free text (which the guard may not read right). In a short
value a census first name followed by a surname ("jane doe") counts as a name too: a coded cell
gives the guard no sentence to read. A value
that is only a date (digits and separators) is echoed even when the guard reads an old date as
a date of birth: alone, in a date column, it is the malformed date the admin needs to see.

``scrub(detail)`` applies the rule to a finished message: every quoted run (``'…'`` or ``"…"``,
as built by the importers and ``repr``) goes through ``echo``, and the guard masks any
identifier left in the text around them. Both are cached: an import repeats a few templates.

Values an importer writes itself from a file's structure are shown, never described, because an
operator needs them to find the fault: an ISO date (``YYYY-MM-DD``) outside the quotes, which
is a date the importer parsed and formatted (a cell's own text is always quoted), unless birth
words stand beside it; and an X12 envelope control number (ISA13/IEA02, GS06/GE02, ST02/SE02,
all numeric in practice: ASC X12.5/X12.6), quoted right after its element or envelope name
("ISA13 '000000123'", "interchange '000000123'"). Line and segment numbers are short and never
flagged. Anything from a patient field (CLP01, NM1, a member id) has no such label: it is
read with the words before it, so "member_id 'XJH448812209'" is described as a record number.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.phi_guard import KIND_LABELS, Finding, find_identifiers
from bot.phi_names import word_lists
from bot.phi_numbers import BIRTH_AFTER_RE, BIRTH_BEFORE_RE
from core.text import fold

MAX_ECHO = 40  # a longer value is free text: described, never quoted
_BARE_DATE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")
# a quoted run: a quote at a word start, closed by the same quote before a space, punctuation or the end
_QUOTED = re.compile(r"(?<![\w'\"])(['\"])(.*?)\1(?=[\s,;:.)!?]|$)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# an envelope's control number, quoted right after its name (see the module docstring)
_CONTROL_LABEL = re.compile(r"\b(?:ISA13|IEA02|GS06|GE02|ST02|SE02|interchange|group|transaction) $")
_CONTROL = re.compile(r"\d{1,9}")


def shape(value: str, labels: list[str] | None = None) -> str:
    """What ``value`` looks like, without any of its characters: its length and what the guard
    saw in it (``labels``, e.g. ``["a date of birth", "a person's name"]``)."""
    n = str(len(value))
    article = "an" if n.startswith("8") or n in ("11", "18") or (len(n) in (4, 5) and n[:2] in ("11", "18")) else "a"
    lead = f"{article} {n}-character text"
    if not labels:
        return lead
    kinds = list(dict.fromkeys(labels))
    return f"{lead} holding what looks like {' and '.join([', '.join(kinds[:-1]), kinds[-1]] if len(kinds) > 1 else kinds)}"


@lru_cache(maxsize=8192)
def safe_value(value: str) -> str | None:
    """``value`` if it may be echoed verbatim, else None (see the module docstring)."""
    if len(value) > MAX_ECHO or "\n" in value:
        return None
    if not re.search(r"\w", value):  # punctuation only: '"', '='
        return value
    if "'" in value or '"' in value:  # "O'Brien": a quote in a word is a name more often than a code
        return None
    if _BARE_DATE.fullmatch(value.strip()):
        return value
    if find_identifiers(value) or find_identifiers(value.title()) or name_pair(value):
        return None
    return value


def name_pair(value: str) -> bool:
    """A census first name followed by a census surname ("jane doe"), next to each other (a number
    between them parts them: "in 400 days"): in a short value, where no sentence gives the guard its
    context, that is taken for a person's name."""
    first, last, _ = word_lists()
    # a number between two words parts them ("in 400 days" is no "in days"); digits are no name's
    words = re.findall(r"[a-z0-9][a-z0-9'-]*", value.lower())
    return any(a in first and b in last for a, b in zip(words, words[1:], strict=False))


def safe_words(words: str) -> str | None:
    """``words`` from a question, if they may be repeated where a name goes ("I don't know a
    clinic called …"): :func:`safe_value` and no word that is only a person's name (a census
    first name or surname that is not an English word: "whitfield", "nguyen"). Else None."""
    first, last, english = word_lists()
    if safe_value(words) is None:
        return None
    tokens = re.findall(r"[a-z][a-z'-]*", words.lower())
    return None if any((t in first or t in last) and t not in english for t in tokens) else words


def name_free(words: str) -> bool:
    """Whether ``words`` typed where a name goes ("Unknown clinic '…'", "I don't know the KPI …")
    may be repeated: :func:`safe_value`, and no word is a census given name or surname, even one
    that is also an English word ("silva", "rose"): a patient's name typed in a clinic's place is
    never said back. Typos and places ("junipr", "nowhere") still are."""
    first, last, _ = word_lists()
    if safe_value(words) is None:
        return False
    return not any(t in first or t in last for t in re.findall(r"[a-z]+", fold(words)))


@lru_cache(maxsize=8192)
def echo(value: str) -> str:
    """``'value'`` when safe to repeat, else ``(shape)`` (see :func:`shape`)."""
    if safe_value(value) is not None:
        return f"'{value}'"
    labels = [f.label for f in find_identifiers(value)] or [f.label for f in find_identifiers(value.title())] or (
        [KIND_LABELS["name"]] if name_pair(value) else [])
    return f"({shape(value, labels)})"


def _own_date(text: str, f: Finding) -> bool:
    """``f`` is an ISO date the importer wrote (not quoted) with no birth words beside it."""
    return f.kind == "date_of_birth" and _ISO_DATE.fullmatch(text[f.start:f.end]) is not None \
        and not BIRTH_BEFORE_RE.search(text[:f.start]) and not BIRTH_AFTER_RE.match(text[f.end:])


@lru_cache(maxsize=8192)
def _outside(text: str) -> str:
    """``text`` with every identifier the guard finds replaced by its shape, except the dates
    the importer formatted itself (see the module docstring)."""
    for f in reversed(find_identifiers(text)):
        if not _own_date(text, f):
            text = text[:f.start] + f"({shape(text[f.start:f.end], [f.label])})" + text[f.end:]
    return text


def _labelled_identifier(before: str, value: str) -> str:
    """What the guard sees in ``value`` read after its label ("member_id 'XJH448812209'",
    "patient id '123456789'"), or "" (a bare date counts only after birth words)."""
    context = re.sub(r"[_'\"]", " ", before[-40:])
    for f in find_identifiers(context + value):
        if f.end > len(context) and (not _BARE_DATE.fullmatch(value.strip()) or BIRTH_BEFORE_RE.search(context)):
            return f.label
    return ""


@lru_cache(maxsize=8192)
def scrub(detail: str) -> str:
    """``detail`` with every quoted value passed through :func:`echo` and any identifier left
    outside the quotes replaced by its shape. Idempotent."""
    parts, at = [], 0
    for m in _QUOTED.finditer(detail):
        value, before = m.group(2), detail[at:m.start()]
        if _CONTROL_LABEL.search(before) and _CONTROL.fullmatch(value):
            shown = f"'{value}'"
        elif label := _labelled_identifier(before, value):
            shown = f"({shape(value, [label])})"
        else:
            shown = echo(value)
        parts += [_outside(before), shown]
        at = m.end()
    parts.append(_outside(detail[at:]))
    return "".join(parts)
