"""Vectorised column parsers shared by the canonical CSV feeds (claims, ledger, slots, supply,
coding audits, surveys), and the ``validate_frame`` wrapper the seed generator calls.

Input columns may be raw CSV text (NaN = empty cell) or already-typed values (numbers, dates,
booleans, as the seed generator produces); both give the same result. Every parser marks bad
rows on the :class:`ChunkIssues` (reject or warn, by line) and returns a typed Series:

- money: ``123.45``, ``-5``, ``$1,234.50`` → integer cents (exact, no float rounding for text);
- dates: ISO ``YYYY-MM-DD`` → datetime64 (date part);
- flags: true/false, yes/no, y/n, 1/0, t/f (any case) → nullable boolean;
- codes: case-folded, spaces and hyphens → ``_``;
- keys (``clinic``): at most 64 characters, no control characters, not starting with a
  spreadsheet formula character (=, + , -, @; OWASP "CSV Injection"): see :func:`check_keys`;
- ``patient_id``: formula-like ids rejected, signed numbers warned (:mod:`bot.ingest.patient_ids`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from bot.ingest.csvfile import FORMULA_CHARACTERS
from bot.ingest.issues import ChunkIssues
from bot.ingest.patient_ids import check_patient_ids

_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}
_MONEY = r"^(-?)(\d+)(?:\.(\d{0,2}))?$"
#: Columns holding a key that names a clinic in commands, reports and exports (one rule for all feeds).
KEY_COLUMNS = frozenset({"clinic"})
KEY_MAX = 64
_CONTROL = r"[\x00-\x1f\x7f-\x9f]"  # Unicode category Cc: C0, DEL, C1


def _shown(value: str) -> str:
    """``value`` with control characters escaped, cut at 200 characters (whether it is repeated is
    decided by :class:`~bot.ingest.issues.ChunkIssues`)."""
    return re.sub(_CONTROL, lambda m: f"\\x{ord(m.group()):02x}", value)[:200]


def check_keys(values: pd.Series, name: str, issues: ChunkIssues) -> None:
    """Reject rows whose key ``name`` is longer than :data:`KEY_MAX` characters, holds a control
    character, or starts with =, +, - or @ (a spreadsheet would run it as a formula when the key
    is exported: OWASP "CSV Injection"). One reason per row, the first rule that applies; the
    issue's line is the row's line. Empty values are left to the ``missing_`` rule."""
    text = values.where(values.notna(), "").astype(str)
    length = text.str.len()
    long = length.gt(KEY_MAX)
    issues.reject(long, f"invalid_{name}", f"{name} is " + length[long].astype(str)
                  + f" characters long, the limit is {KEY_MAX}")
    control = text.str.contains(_CONTROL, regex=True) & ~long
    issues.reject(control, f"invalid_{name}", text[control].map(
        lambda v: f"{name} '{_shown(v)}' contains a control character "
                  f"(U+{ord(re.search(_CONTROL, v).group()):04X}); keys are printable text"))  # type: ignore[union-attr]
    formula = text.str.startswith(FORMULA_CHARACTERS) & ~long & ~control
    issues.reject(formula, f"invalid_{name}", text[formula].map(
        lambda v: f"{name} '{_shown(v)}' starts with '{v[0]}', which a spreadsheet runs as a formula "
                  "(CSV injection); start the key with a letter or digit"))


def quoted(raw: pd.Series, mask: pd.Series, text: str, prefix: str = "") -> pd.Series:
    """Per-row detail ``prefix 'value' text`` (value up to 200 characters; whether it is repeated
    or only described is decided where issues are collected, :class:`~bot.ingest.issues.ChunkIssues`)."""
    return (prefix + " '" + raw[mask].astype(str).str.slice(0, 200) + "' " + text).str.strip()


class Fields:
    """Typed access to the columns of one chunk; missing optional columns read as all-empty."""

    def __init__(self, frame: pd.DataFrame, issues: ChunkIssues) -> None:
        self.frame, self.issues = frame, issues

    def raw(self, name: str) -> pd.Series:
        if name not in self.frame:
            return pd.Series(np.nan, index=self.frame.index, dtype=object)
        col = self.frame[name]
        if col.dtype == object or pd.api.types.is_string_dtype(col):
            text = col.astype(object).where(col.notna(), np.nan)
            return text.map(lambda v: v.strip() if isinstance(v, str) else v).replace("", np.nan)
        return col

    def text(self, name: str, max_len: int = 64, *, required: bool = False) -> pd.Series:
        value = self.raw(name)
        value = value.where(value.isna(), value.astype(str))
        if required:
            self.issues.reject(value.isna(), f"missing_{name}", f"{name} is empty")
        if name in KEY_COLUMNS:
            check_keys(value, name, self.issues)
            return value
        if name == "patient_id":
            check_patient_ids(value, self.issues)
        too_long = value.str.len().gt(max_len).fillna(False)
        self.issues.reject(too_long, f"invalid_{name}", f"{name} is longer than {max_len} characters")
        return value

    def code(self, name: str, choices: set[str], *, required: bool = True, default: str | None = None) -> pd.Series:
        raw = self.raw(name)
        value = raw.astype(object).where(raw.isna(), raw.astype(str).str.lower().str.replace(r"[\s-]+", "_", regex=True))
        if default is not None:
            value = value.fillna(default)
        bad = value.notna() & ~value.isin(choices)
        self.issues.reject(bad, f"invalid_{name}", quoted(raw, bad, "is not one of " + ", ".join(sorted(choices)), name))
        if required:
            self.issues.reject(value.isna(), f"missing_{name}", f"{name} is empty")
        return value

    def money_cents(self, name: str, *, required: bool = True, allow_negative: bool = False) -> pd.Series:
        raw = self.raw(name)
        if is_numeric_dtype(raw) and not is_bool_dtype(raw):
            cents = (pd.to_numeric(raw) * 100).round().astype("Int64")
            bad = pd.Series(False, index=raw.index)
        else:
            parts = raw.astype(str).str.replace(r"[$,\s]", "", regex=True).str.extract(_MONEY)
            whole = pd.to_numeric(parts[1], errors="coerce")
            frac = pd.to_numeric(parts[2].fillna("").str.ljust(2, "0"), errors="coerce")
            cents = ((whole * 100 + frac) * np.where(parts[0] == "-", -1, 1)).astype("Int64")
            bad = raw.notna() & cents.isna()
        self.issues.reject(bad, f"invalid_{name}", quoted(raw, bad, "is not an amount (e.g. 123.45)", name))
        if not allow_negative:
            neg = cents.lt(0).fillna(False).astype(bool)
            self.issues.reject(neg, f"invalid_{name}", quoted(raw, neg, "is negative; the kind gives the sign", name))
        if required:
            self.issues.reject(raw.isna(), f"missing_{name}", f"{name} is empty")
        return cents

    def number(self, name: str, *, required: bool = True, minimum: float | None = None,
               maximum: float | None = None, integer: bool = False) -> pd.Series:
        raw = self.raw(name)
        value = pd.to_numeric(raw, errors="coerce")
        bad = raw.notna() & value.isna()
        if integer:
            bad |= value.notna() & (value % 1 != 0)
        if minimum is not None:
            bad |= value.lt(minimum).fillna(False)
        if maximum is not None:
            bad |= value.gt(maximum).fillna(False)
        bounds = f" between {minimum:g} and {maximum:g}" if minimum is not None and maximum is not None else (
            f" of at least {minimum:g}" if minimum is not None else "")
        kind = "a whole number" if integer else "a number"
        self.issues.reject(bad, f"invalid_{name}", quoted(raw, bad, f"is not {kind}{bounds}", name))
        if required:
            self.issues.reject(raw.isna(), f"missing_{name}", f"{name} is empty")
        value = value.where(~bad)
        return value.round().astype("Int64") if integer else value.astype("float64")

    def date(self, name: str, *, required: bool = True) -> pd.Series:
        raw = self.raw(name)
        if pd.api.types.is_datetime64_any_dtype(raw):
            value = raw.dt.tz_localize(None).dt.normalize() if getattr(raw.dt, "tz", None) else raw.dt.normalize()
        else:
            text = raw.where(raw.isna(), raw.astype(str).str.slice(0, 10))
            iso = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}", na=False)
            value = pd.to_datetime(text.where(iso), format="%Y-%m-%d", errors="coerce")
        bad = raw.notna() & value.isna()
        self.issues.reject(bad, f"invalid_{name}", quoted(raw, bad, "is not a date (YYYY-MM-DD)", name))
        if required:
            self.issues.reject(raw.isna(), f"missing_{name}", f"{name} is empty")
        return value

    def flag(self, name: str, default: bool | None = None) -> pd.Series:
        raw = self.raw(name)
        value = pd.Series(pd.NA, index=raw.index, dtype="boolean")
        if is_bool_dtype(raw):
            value = raw.astype("boolean")
        else:
            text = raw.astype(str).str.lower()
            value[text.isin(_TRUE)] = True
            value[text.isin(_FALSE)] = False
            odd = raw.notna() & value.isna()
            self.issues.reject(odd, f"invalid_{name}", quoted(raw, odd, "is not true/false", name))
        return value.fillna(default) if default is not None else value


def validate_frame_with(parse: Callable[[pd.DataFrame, ChunkIssues], pd.DataFrame],
                        frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run a feed's pure ``parse`` on ``frame`` (index = line numbers or any unique ids).

    Returns ``(good, issues)``: the parsed rows that no rule rejected, and every issue (columns
    line, severity, code, detail; ``line`` is the frame's index value).
    """
    issues = ChunkIssues(frame.index)
    parsed = parse(frame, issues)
    return parsed[~issues.rejected], issues.frame()
