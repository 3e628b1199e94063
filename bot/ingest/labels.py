"""Display fields of the CSV feeds: every name or label an importer stores that Slack shows,
checked for patient identifiers before anything is stored (:func:`bot.phi_labels.label_findings`).

The fields, enumerated from the importers' ``validate`` output (docs/formats/):

* ``clinic_name`` (all feeds; Kaggle: ``Neighbourhood``), ``provider_name`` (appointments,
  slots, claims, coding audits, surveys), ``payer_name`` (claims, ledger): the name shown in KPI
  answers, breakdowns and digests; where it is empty the stored name is the key (``clinic``,
  ``provider``, ``payer``; appointments: ``clinic_key``, ``provider_key``), so the key is checked,
  as a key (a bare number passes: providers are keyed by NPI);
* ``appointment_type`` (appointments, slots), ``name`` and ``unit`` (supply items: the item's
  name and unit in inventory alerts, "On hand 3 box").

Codes are not labels (SKU, lot number, claim id): see :mod:`bot.phi_labels`. Remittances (835)
check their payer's name (N1*PR) in :mod:`bot.ingest.remittance_rows`.

The rule is rejection, not masking: a row whose display field holds an identifier is rejected
(``identifier_in_<field>``), its reason naming the field and the kind, never the value; the raw
row goes to the rejects file, readable by the admin only, to be fixed and imported again. A
masked name would be stored as a new provider, clinic or payer ("[record number] Smith") that
every later answer shows and no re-import renames, and its rows would count under it.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from bot.ingest.issues import ChunkIssues
from bot.phi_guard import Finding, Guard, kinds_named
from bot.phi_labels import key_findings, label_findings

#: label column -> the key column whose value is shown when the label is empty (None: no key)
LABEL_COLUMNS: dict[str, str | None] = {
    "clinic_name": "clinic", "provider_name": "provider", "payer_name": "payer",
    "appointment_type": None, "name": None, "unit": None,
}
_APPOINTMENT_KEYS = {"clinic_name": "clinic_key", "provider_name": "provider_key"}


def _shown(frame: pd.DataFrame, label: str, key: str | None) -> tuple[pd.Series, pd.Series, str | None]:
    """(the text of ``label`` per row, "" where empty; the key shown in its place where it is empty,
    "" where none; the key column's name)."""
    key = _APPOINTMENT_KEYS.get(label, key) if _APPOINTMENT_KEYS.get(label) in frame else key
    empty = pd.Series("", index=frame.index, dtype=object)
    name = frame[label].where(frame[label].notna(), "").astype(str) if label in frame else empty
    if key is None or key not in frame:
        return name, empty, None
    keys = frame[key].where(frame[key].notna(), "").astype(str)
    return name, keys.where(name.eq(""), ""), key


def _kinds(values: pd.Series, find: Callable[[str, Guard], list[Finding]], guard: Guard) -> pd.Series:
    """The kinds found per row (NaN where none); each distinct value read once."""
    reasons = {v: kinds_named(hits) for v in values.unique() if v and (hits := find(v, guard))}
    return values.map(reasons)


def reject_identifiers(frame: pd.DataFrame, issues: ChunkIssues, guard: Guard) -> None:
    """Reject every row of ``frame`` (``validate``'s output) whose display field holds a likely
    patient identifier: code ``identifier_in_<field>``, detail naming the field and the kinds
    found ("provider_name holds what looks like a medical record number; …"), never the value.
    A name is read as a label (:func:`bot.phi_labels.label_findings`), a key shown in its place
    as a key (:func:`bot.phi_labels.key_findings`: numeric ids pass)."""
    for label, key in LABEL_COLUMNS.items():
        names, keys, key = _shown(frame, label, key)
        for field, values, find in ((label, names, label_findings), (key, keys, key_findings)):
            if field is None or not values.ne("").any():
                continue
            kinds = _kinds(values, find, guard)
            hit = kinds.notna()
            if hit.any():
                issues.reject(hit, f"identifier_in_{field}", f"{field} holds what looks like " + kinds[hit]
                              + "; a name shown in Slack may not carry patient identifiers: correct it and "
                              "import the row again")
