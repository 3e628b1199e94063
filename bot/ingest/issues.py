"""Row issues found while importing: rejects (row not loaded) and warnings (row loaded, flagged).

Validators mark whole columns at once: ``issues.reject(mask, code, detail)`` where ``mask`` is a
boolean Series aligned with the chunk (its index is the physical line number in the file) and
``detail`` is a string or a per-row Series. Details are stored in the ``import_issues`` table,
printed, written to the rejects file's reason column and shown in Slack status reports, so every
detail passes :func:`bot.phi_echo.scrub` here, the one place they are collected: a quoted cell
value is repeated only when short and free of anything the identifier guard flags, else it is
replaced by its shape ("a 23-character text holding what looks like a date of birth").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from bot.phi_echo import scrub

REJECT = "reject"
WARNING = "warning"
_DETAIL_MAX = 500


@dataclass(frozen=True)
class Issue:
    """One finding: physical ``line`` in the file (header = 1), severity, stable ``code``, detail."""

    line: int
    severity: str
    code: str
    detail: str
    where: str = "line"  # what ``line`` counts: a line of a CSV, a "segment" of an X12 file

    def __str__(self) -> str:
        return f"{self.where} {self.line}: {self.severity} {self.code}: {self.detail}"


class ChunkIssues:
    """Collects the issues of one chunk, vectorised (one DataFrame per rule that fired)."""

    def __init__(self, index: pd.Index) -> None:
        self.index = index
        self._parts: list[pd.DataFrame] = []
        self._rejected = np.zeros(len(index), dtype=bool)

    def reject(self, mask: pd.Series | np.ndarray, code: str, detail: str | pd.Series) -> None:
        """Mark rows that cannot be loaded (they go to the rejects file)."""
        hit = self._add(mask, REJECT, code, detail)
        if hit is not None:
            self._rejected |= hit

    def warn(self, mask: pd.Series | np.ndarray, code: str, detail: str | pd.Series) -> None:
        """Flag rows that are loaded but look wrong (data-quality warnings)."""
        self._add(mask, WARNING, code, detail)

    @property
    def rejected(self) -> np.ndarray:
        """Boolean array, one per chunk row: True where any reject rule fired."""
        return self._rejected

    def frame(self) -> pd.DataFrame:
        """All issues: columns line, severity, code, detail; sorted by line."""
        if not self._parts:
            return pd.DataFrame({"line": pd.Series(dtype="int64"), "severity": pd.Series(dtype=object),
                                 "code": pd.Series(dtype=object), "detail": pd.Series(dtype=object)})
        return pd.concat(self._parts, ignore_index=True).sort_values("line", kind="stable")

    def _add(self, mask: pd.Series | np.ndarray, severity: str, code: str, detail: str | pd.Series) -> np.ndarray | None:
        if isinstance(mask, pd.Series) and mask.dtype == bool and mask.index.equals(self.index):
            hit = mask.to_numpy()  # the usual case: a mask computed from the chunk's own columns
        elif isinstance(mask, np.ndarray) and mask.dtype == bool:
            hit = mask
        else:
            hit = np.asarray(pd.Series(mask, index=self.index).fillna(False), dtype=bool)
        if not hit.any():
            return None
        if isinstance(detail, pd.Series):
            details = detail.reindex(self.index)[hit].astype(str).map(_safe_detail).to_numpy()
        else:
            details = np.full(int(hit.sum()), _safe_detail(detail), dtype=object)
        self._parts.append(pd.DataFrame({"line": np.asarray(self.index[hit], dtype="int64"),
                                         "severity": severity, "code": code, "detail": details}))
        return hit


def _safe_detail(detail: str) -> str:
    """The detail as stored and shown: scrubbed of identifiers (see the module docstring), clipped."""
    return scrub(detail)[:_DETAIL_MAX]


def reasons_by_line(issues: pd.DataFrame) -> pd.Series:
    """``"code: detail; code: detail"`` of the reject issues, indexed by line."""
    rejects = issues[issues["severity"] == REJECT]
    text = rejects["code"] + ": " + rejects["detail"]
    return text.groupby(rejects["line"].to_numpy()).agg("; ".join)
