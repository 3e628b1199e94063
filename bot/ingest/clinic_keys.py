"""The clinic key of every feed row, matched to the clinics already known (issue: typo clinics).

A feed's ``clinic`` cell names a clinic the way an operator typed it. :class:`ClinicKeys` maps
each distinct cell to a known clinic's key by the one clinic resolver
(:func:`bot.clinic_names.same_clinic`: key, or key/name ignoring case and accents), so
``SEASIDE`` and ``Seaside`` load into ``seaside``. A cell that matches no clinic:

* when the organisation file lists clinics: rejected (``unknown_clinic``, with "did you mean");
* otherwise, when it is a near miss of a clinic known before this import
  (:func:`bot.clinic_names.near_misses`): rejected the same way (``seasidee`` next to ``seaside``);
* otherwise a new clinic: kept, and :meth:`ClinicKeys.warn_new` flags the first line that
  creates it (``new_clinic``), so no clinic appears silently.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from rapidfuzz.distance import OSA
from sqlalchemy.orm import Session

from bot.clinic_names import KnownClinic, digits_of, import_candidates, near_misses, same_clinic
from bot.ingest.issues import ChunkIssues
from core.text import fold

UNKNOWN = "unknown_clinic"
NEW = "new_clinic"


class ClinicKeys:
    """Resolves the clinic keys of one import run (state spans its chunks).

    Args:
        zones: the organisation file's clinics, key -> IANA zone ({} when it lists none).
        names: their display names, key -> name.
        fix: what a refusal with "did you mean" asks to correct ("fix the row").
    """

    def __init__(self, zones: Mapping[str, str], names: Mapping[str, str] | None = None,
                 fix: str = "fix the row") -> None:
        self.configured = dict(zones)
        self.fix = fix  # how a refusal tells the operator to correct the input
        self.names = dict(names or {})
        self._known: list[KnownClinic] | None = None
        self._before: list[KnownClinic] = []
        self._new: set[str] = set()
        self._reported: set[str] = set()
        self._answers: dict[str, tuple[str, str]] = {}
        self._close: dict[str, list[str]] = {}  # new key -> keys new in this run it is a slip away from

    def load(self, session: Session | None) -> None:
        """Read the stored clinics (call once per run, before the first chunk)."""
        self._known = import_candidates(session, self.configured, self.names)
        self._before = list(self._known)
        self._new, self._reported = set(), set()
        self._answers = {}
        self._close = {}

    def resolve(self, keys: pd.Series, issues: ChunkIssues, session: Session | None = None) -> pd.Series:
        """The known clinic key per row (NA where empty or rejected); rejects unknown keys.

        ``session`` is used on the first call only, when :meth:`load` was not called."""
        if self._known is None:
            self.load(session)
        assert self._known is not None
        mapping: dict[str, str] = {}
        refused: dict[str, str] = {}
        for text in keys.dropna().unique():
            if text not in self._answers:
                self._answers[text] = self.answer(str(text))
            key, refusal = self._answers[text]
            if refusal:
                refused[text] = refusal
            else:
                mapping[text] = key
        if refused:
            bad = keys.isin(list(refused))
            issues.reject(bad, UNKNOWN, keys[bad].map(refused))
        return keys.map(mapping).astype(object).where(keys.isin(list(mapping)), None)

    def apply(self, parsed: pd.DataFrame, issues: ChunkIssues, session: Session | None) -> pd.DataFrame:
        """``parsed`` with its ``clinic`` column resolved (:meth:`resolve`). The rows that create a
        clinic are flagged later, among the rows kept (:meth:`warn_new`, called by
        :meth:`bot.ingest.keyed.ClinicFeedImporter.create_references`)."""
        return parsed.assign(clinic=self.resolve(parsed["clinic"], issues, session))

    def answer(self, text: str) -> tuple[str, str]:
        """(known key, "") or ("", why it is refused) for one distinct cell or option value; a
        key this run creates is answered as itself (:meth:`is_new`). Call :meth:`load` first."""
        assert self._known is not None
        hit = same_clinic(text, self._known)
        if hit is not None:
            return hit.key, ""
        near = near_misses(text, self._before)
        if self.configured or near:
            return "", self._refusal(text, near)
        twins = [c.key for c in near_misses(text, self._known[len(self._before):])]
        twins += [k for k in self._new if k not in twins and _one_slip(text, k)]
        if twins:
            self._close[text] = twins
        self._new.add(text)
        self._known.append(KnownClinic(text, text, "", None))
        return text, ""

    def is_new(self, key: str) -> bool:
        """True when ``key`` (an answer of :meth:`answer`) names no clinic known before this run."""
        return key in self._new

    def warn_new(self, keys: pd.Series, issues: ChunkIssues, kept: pd.Series | None = None) -> None:
        """Flag the first (kept) row of each clinic this import creates: "new clinic 'x' created
        from line N". ``keys``: resolved keys (index = line)."""
        rows = keys if kept is None else keys[kept.to_numpy(dtype=bool)]
        fresh = rows[rows.isin(list(self._new - self._reported))]
        if fresh.empty:
            return
        first = fresh[~fresh.duplicated()]
        self._reported |= set(first)
        detail = pd.Series([new_clinic_detail(k, f"line {line}", self._close.get(k, []))
                            for line, k in first.items()], index=first.index)
        issues.warn(pd.Series(keys.index.isin(first.index), index=keys.index), NEW, detail.reindex(keys.index))

    def _refusal(self, text: str, near: list[KnownClinic]) -> str:
        """Why ``text`` is refused; "did you mean" only for the near misses (a typo of a key or
        name, :func:`bot.clinic_names.near_misses`), never for whatever happens to rank first."""
        where = "not in the organisation file (OPSBOT_CONFIG)" if self.configured else "not a known clinic"
        hint = near
        if not hint:
            return f"unknown clinic '{text}' — {where}"
        names = " or ".join(f"'{c.key}'" for c in hint[:3])
        return f"unknown clinic '{text}' — did you mean {names}? ({where}; {self.fix} or add the clinic there)"


def new_clinic_detail(key: str, where: str, close: list[str] | None = None) -> str:
    """The ``new_clinic`` warning: "new clinic 'x' created from <where> (…how to fix)"; with
    ``close``, the clinics also new in this import that ``key`` is one slip away from (a typo of
    one of them would otherwise pass unnoticed: ``nroth`` after ``north``)."""
    twin = (f"; close to {' and '.join(repr(k) for k in close[:3])}, also new in this import — if it is a typo, "
            "fix the rows and delete the extra clinic" if close else "")
    return (f"new clinic '{key}' created from {where}{twin} (not in the organisation file: add it there to give it "
            "a name and a time zone)")


def _one_slip(a: str, b: str) -> bool:
    """One edit apart (an insertion, deletion, substitution or swap of neighbours; Damerau's
    optimal string alignment), keys of at least 4 letters; a different number is never a slip
    (``site-1`` and ``site-2`` are two sites)."""
    fa, fb = fold(a), fold(b)
    if min(len(fa), len(fb)) < 4 or digits_of(fa) != digits_of(fb):
        return False
    return bool(OSA.distance(fa, fb) <= 1)
