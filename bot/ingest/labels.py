"""Display fields of the CSV feeds: every name or label an importer stores that Slack shows,
checked for patient identifiers before anything is stored (:func:`bot.phi_labels.label_findings`).

The fields, enumerated from the importers' ``validate`` output (docs/formats/):

* ``clinic_name`` (all feeds; Kaggle: ``Neighbourhood``), ``provider_name`` (appointments,
  slots, claims, coding audits, surveys), ``payer_name`` (claims, ledger): the name shown in KPI
  answers, breakdowns and digests; where it is empty the stored name is the key (``clinic``,
  ``provider``, ``payer``; appointments: ``clinic_key``, ``provider_key``), so the key is checked;
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

import pandas as pd

from bot.ingest.issues import ChunkIssues
from bot.phi_guard import Guard, kinds_named
from bot.phi_labels import label_findings

#: label column -> the key column whose value is shown when the label is empty (None: no key)
LABEL_COLUMNS: dict[str, str | None] = {
    "clinic_name": "clinic", "provider_name": "provider", "payer_name": "payer",
    "appointment_type": None, "name": None, "unit": None,
}
_APPOINTMENT_KEYS = {"clinic_name": "clinic_key", "provider_name": "provider_key"}


def _shown(frame: pd.DataFrame, label: str, key: str | None) -> pd.Series | None:
    """The text Slack would show for ``label`` per row (the key where the label is empty)."""
    key = _APPOINTMENT_KEYS[label] if label in _APPOINTMENT_KEYS and _APPOINTMENT_KEYS[label] in frame else key
    value = frame[label] if label in frame else None
    if key is not None and key in frame:
        value = frame[key] if value is None else value.where(value.notna(), frame[key])
    return value


def reject_identifiers(frame: pd.DataFrame, issues: ChunkIssues, guard: Guard) -> None:
    """Reject every row of ``frame`` (``validate``'s output) whose display field holds a likely
    patient identifier: code ``identifier_in_<field>``, detail naming the field and the kinds
    found ("provider_name holds what looks like a medical record number; …"), never the value.
    Each distinct value is read once."""
    for label, key in LABEL_COLUMNS.items():
        shown = _shown(frame, label, key)
        if shown is None or not shown.notna().any():
            continue
        text = shown.where(shown.notna(), "").astype(str)
        reasons = {v: kinds_named(hits) for v in text.unique() if v and (hits := label_findings(v, guard))}
        if not reasons:
            continue
        kinds = text.map(reasons)
        hit = kinds.notna()
        issues.reject(hit, f"identifier_in_{label}",
                      f"{label} holds what looks like " + kinds[hit]
                      + "; a name shown in Slack may not carry patient identifiers: correct it and import the row again")
