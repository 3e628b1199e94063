"""Patient ids that a spreadsheet would run as a formula (OWASP "CSV Injection").

A patient id is pseudonymised before storage, so a formula in it never reaches an export; but it
is no patient's id either: an id starting with ``=`` or ``@`` (even alone), or with ``+``/``-`` followed by
anything but a plain number (``-A1+B2``, ``+cmd|' /C calc'!A0``), is a formula that an export or
a spreadsheet put there, and hashing it would invent a patient. Such rows are rejected
(``invalid_patient_id``; the rejects file makes the cell inert with a ``'`` prefix). A sign before
a plain number (``-12345``, ``+0042``, ``-9.3E+05``) is what a spreadsheet reads as a number, not a formula: the
row is loaded with a warning (``signed_patient_id``), since the sign or leading zeros may have been
changed by the spreadsheet and the visits then not link. Reasons never repeat the id.
"""

from __future__ import annotations

import pandas as pd

from bot.ingest.issues import ChunkIssues

_NUMBER = r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"  # what a spreadsheet reads as a number
_FORMULA = rf"^(?:[=@].*|[+-](?!{_NUMBER}$).+)$"
_SIGNED_NUMBER = rf"^[+-]{_NUMBER}$"


def check_patient_ids(values: pd.Series, issues: ChunkIssues) -> None:
    """Reject formula-like patient ids and warn on signed numbers (see the module); ``values``
    is text (NaN = empty; surrounding space is ignored) with the chunk's index."""
    text = values.where(values.notna(), "").astype(str).str.strip()
    formula = text.str.match(_FORMULA)
    issues.reject(formula, "invalid_patient_id", text[formula].str[0].map(
        lambda c: f"patient id starts with '{c}', which a spreadsheet runs as a formula (CSV injection); "
                  "not a patient id: fix the export"))
    signed = text.str.match(_SIGNED_NUMBER)
    issues.warn(signed, "signed_patient_id", text[signed].str[0].map(
        lambda c: f"patient id is a number starting with '{c}', as a spreadsheet reads it (the sign or "
                  "leading zeros may have been changed); its visits may not link"))
