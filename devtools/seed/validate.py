"""Check generated data with the importers' own validation (the rules imported files must pass).

Each feed's rows are rendered as the canonical CSV text the importer reads (docs/formats/*.md)
and run through that importer's ``validate_frame`` (pure parsers; appointments go through
``AppointmentsImporter.validate``, which needs a session to resolve clinics). The result is the
importers' issue table per feed; the seed must produce zero rejects.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from devtools.seed.generate import Network
from devtools.seed.network import APPOINTMENT_TYPES
from devtools.seed.rows import ext_ids
from devtools.seed.timeutil import days_to_dates, local_minutes_to_utc


def _date(days: np.ndarray) -> pd.Series:
    out = days_to_dates(np.maximum(days, 0)).dt.strftime("%Y-%m-%d").astype(object)
    out[np.asarray(days) < 0] = None
    return out


def _instant(minutes: np.ndarray, zones: np.ndarray) -> pd.Series:
    return local_minutes_to_utc(minutes, zones).dt.strftime("%Y-%m-%dT%H:%M:%SZ").astype(object).where(
        ~np.isnan(np.asarray(minutes, dtype=float)), None)


def _money(cents: np.ndarray) -> pd.Series:
    c = np.asarray(cents, dtype="int64")
    sign = np.where(c < 0, "-", "")
    return pd.Series(sign + (np.abs(c) // 100).astype(str) + "." + pd.Series(np.abs(c) % 100).astype(str).str.zfill(2).to_numpy())


def _flag(values: np.ndarray) -> pd.Series:
    return pd.Series(np.where(np.asarray(values, dtype=bool), "true", "false"), dtype=object)


def _text(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.astype(object).where(frame.notna(), None)
    out.index = np.arange(2, len(out) + 2)  # physical line numbers (header = 1)
    return out


def canonical_frames(net: Network, mrn: np.ndarray, limit: int | None = None) -> dict[str, pd.DataFrame]:
    """Canonical CSV text per feed (first ``limit`` rows of each when given)."""
    f = net.frames
    ck = f["clinics"]["key"].to_numpy(dtype=object)
    zones = f["clinics"]["timezone"].to_numpy(dtype=object)
    pk = f["providers"]["key"].to_numpy(dtype=object)
    yk = np.append(f["payers"]["key"].to_numpy(dtype=object), None)  # type: ignore[call-overload]  # object array: None allowed
    head = (lambda x: x.head(limit)) if limit else (lambda x: x)
    out: dict[str, pd.DataFrame] = {}

    a = head(f["appointments"])
    tz = zones[a["clinic_ix"].to_numpy()]
    auth = np.where(a["authorization_required"].to_numpy(),  # type: ignore[call-overload]  # object result: None allowed
                    np.where(a["authorized"].to_numpy(), "true", "false"), None)
    out["appointments"] = pd.DataFrame({
        "appointment_id": ext_ids("A", a["appt_ix"].to_numpy()), "clinic": ck[a["clinic_ix"].to_numpy()],
        "provider": pk[a["provider_ix"].to_numpy()], "patient_id": mrn[a["patient_ix"].to_numpy()],
        "booked_at": _instant(a["booked_min"].to_numpy(), tz), "appointment_at": _instant(a["start_min"].to_numpy(), tz),
        "status": a["status"].to_numpy(),
        "appointment_type": np.asarray(APPOINTMENT_TYPES, dtype=object)[a["type_ix"].to_numpy()],
        "insurance_verified": _flag(a["insurance_verified"]), "authorization_required": _flag(a["authorization_required"]),
        "authorized": auth})
    s = head(f["slots"])
    tz = zones[s["clinic_ix"].to_numpy()]
    out["slots"] = pd.DataFrame({
        "slot_id": ext_ids("S", s["slot_ix"].to_numpy()), "clinic": ck[s["clinic_ix"].to_numpy()],
        "provider": pk[s["provider_ix"].to_numpy()], "start_at": _instant(s["start_min"].to_numpy(), tz),
        "duration_minutes": s["duration"].astype(str).to_numpy(),
        "appointment_type": np.asarray(APPOINTMENT_TYPES, dtype=object)[s["type_ix"].to_numpy()],
        "state": np.where(s["blocked"], "blocked", np.where(s["booked_min"].notna(), "booked", "free")),
        "created_at": _instant(s["created_min"].to_numpy(), tz), "booked_at": _instant(s["booked_min"].to_numpy(), tz)})
    c = head(f["claims"])
    out["claims"] = pd.DataFrame({
        "claim_id": ext_ids("C", c["claim_ix"].to_numpy()), "clinic": ck[c["clinic_ix"].to_numpy()],
        "provider": pk[c["provider_ix"].to_numpy()], "payer": yk[c["payer_ix"].to_numpy()],
        "patient_id": mrn[c["patient_ix"].to_numpy()], "service_date": _date(c["service_day"].to_numpy()),
        "created_date": _date(c["created_day"].to_numpy()), "submitted_date": _date(c["submitted_day"].to_numpy()),
        "charge": _money(c["charge_cents"]), "scrubber_edits": c["scrubber_edits"].astype(str).to_numpy(),
        "manually_touched": _flag(c["manually_touched"])})
    j = head(f["ledger"])
    out["ledger"] = pd.DataFrame({
        "entry_id": ext_ids("J", np.arange(len(j))), "clinic": ck[j["clinic_ix"].to_numpy()],
        "payer": yk[j["payer_ix"].to_numpy()], "posted_date": _date(j["day"].to_numpy()), "kind": j["kind"].to_numpy(),
        "amount": _money(j["amount"]), "at_service": j["at_service"].map({True: "true", False: "false"}).to_numpy()})
    ar = head(f["ar"])
    out["ar"] = pd.DataFrame({"clinic": ck[ar["clinic_ix"].to_numpy()], "as_of_date": _date(ar["day"].to_numpy()),
                              "net_ar": _money(ar["net_ar_cents"])})
    sv = head(f["surveys"])
    out["surveys"] = pd.DataFrame({
        "response_id": ext_ids("SV", sv["appt_ix"].to_numpy()), "clinic": ck[sv["clinic_ix"].to_numpy()],
        "provider": pk[sv["provider_ix"].to_numpy()], "response_date": _date(sv["day"].to_numpy()),
        "provider_rating": sv["rating"].astype(str).to_numpy(), "patient_id": mrn[sv["patient_ix"].to_numpy()]})
    au = head(f["coding_audits"])
    out["coding_audits"] = pd.DataFrame({
        "audit_id": ext_ids("CA", np.arange(len(au))), "clinic": ck[au["clinic_ix"].to_numpy()],
        "provider": pk[au["provider_ix"].to_numpy()], "audit_date": _date(au["day"].to_numpy()),
        "codes_audited": au["codes_audited"].astype(str).to_numpy(), "codes_matched": au["codes_matched"].astype(str).to_numpy()})
    it = f["supply_items"]
    ick, isku = ck[it["clinic_ix"].to_numpy()], it["sku"].to_numpy(dtype=object)
    out["supply_items"] = pd.DataFrame({
        "clinic": ick, "sku": isku, "name": it["name"].to_numpy(), "unit": it["unit"].to_numpy(),
        "unit_cost": _money(it["unit_cost_cents"]), "lead_time_days": it["lead_time_days"].astype(str).to_numpy(),
        "lead_time_sd_days": it["lead_time_sd_days"].astype(str).to_numpy(),
        "service_level": it["service_level"].astype(str).to_numpy(), "par_level": it["par_level"].round(1).astype(str).to_numpy(),
        "critical": _flag(it["critical"])})
    lots = head(f["lots"])
    out["lots"] = pd.DataFrame({
        "clinic": ick[lots["item_ix"].to_numpy()], "sku": isku[lots["item_ix"].to_numpy()],
        "lot_number": lots["lot_number"].to_numpy(), "expiry_date": _date(lots["expiry_day"].to_numpy()),
        "quantity_on_hand": lots["quantity_on_hand"].astype(str).to_numpy(),
        "received_date": _date(lots["received_day"].to_numpy())})
    st = head(f["stock_counts"])
    out["stock"] = pd.DataFrame({"clinic": ick[st["item_ix"].to_numpy()], "sku": isku[st["item_ix"].to_numpy()],
                                 "count_date": _date(st["day"].to_numpy()), "on_hand": st["on_hand"].astype(str).to_numpy()})
    tx = head(f["inventory"])
    lot_numbers = f["lots"]["lot_number"].to_numpy(dtype=object)
    out["inventory"] = pd.DataFrame({
        "tx_id": ext_ids("I", np.arange(len(tx))), "clinic": ick[tx["item_ix"].to_numpy()],
        "sku": isku[tx["item_ix"].to_numpy()], "lot_number": lot_numbers[tx["lot_ix"].to_numpy()],
        "tx_date": _date(tx["day"].to_numpy()), "kind": tx["kind"].to_numpy(), "quantity": tx["quantity"].astype(str).to_numpy()})
    return {k: _text(v) for k, v in out.items()}


def validate_network(net: Network, mrn: np.ndarray, *, session: Session | None = None, pseudonym_key: str = "",
                     limit: int | None = None) -> dict[str, pd.DataFrame]:
    """The importers' issue table (line, severity, code, detail) per feed.

    Appointments are checked only with a ``session`` (their validator resolves clinics there;
    run it after the network is loaded so nothing new is created).
    """
    from bot.ingest import claims, coding_audits, ledger, slots, supply, surveys
    from bot.ingest.feed_fields import validate_frame_with

    frames = canonical_frames(net, mrn, limit)
    checks = {
        "claims": claims.validate_frame, "ledger": ledger.validate_frame, "surveys": surveys.validate_frame,
        "coding_audits": coding_audits.validate_frame, "slots": slots.validate_frame,
        "ar": lambda fr: validate_frame_with(ledger.parse_ar, fr),
        "supply_items": lambda fr: validate_frame_with(supply.parse_items, fr),
        "lots": lambda fr: validate_frame_with(supply.parse_lots, fr),
        "stock": lambda fr: validate_frame_with(supply.parse_stock, fr),
        "inventory": lambda fr: validate_frame_with(supply.parse_inventory, fr),
    }
    issues = {feed: check(frames[feed])[1] for feed, check in checks.items()}
    if session is not None:
        from bot.ingest.appointments import AppointmentsImporter
        from bot.ingest.issues import ChunkIssues

        zones = dict(zip(net["clinics"]["key"], net["clinics"]["timezone"], strict=True))
        importer = AppointmentsImporter(pseudonym_key or "validation", timezones=zones, source="seed")
        importer.file_format = "canonical"
        chunk = frames["appointments"]
        found = ChunkIssues(chunk.index)
        importer.validate(chunk, found, session)
        issues["appointments"] = found.frame()
    return issues
