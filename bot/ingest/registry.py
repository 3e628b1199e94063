"""Every CSV feed the bot imports, by the name used in ``opsbot import <name>`` and in drop-folder
file names, with its importer class (formats in docs/formats/). Remittances (X12 835) are read
by ``bot.ingest.remittances`` and are not listed here.
"""

from __future__ import annotations

from importlib import import_module

from bot.ingest.base import FeedImporter

CSV_FEEDS: dict[str, tuple[str, str]] = {
    "appointments": ("appointments", "AppointmentsImporter"),
    "slots": ("slots", "SlotsImporter"),
    "claims": ("claims", "ClaimsImporter"),
    "ledger": ("ledger", "LedgerImporter"),
    "ar": ("ledger", "ArImporter"),
    "supply-items": ("supply", "SupplyItemsImporter"),
    "stock": ("supply", "StockImporter"),
    "inventory": ("supply", "InventoryImporter"),
    "lots": ("supply", "LotsImporter"),
    "coding-audits": ("coding_audits", "CodingAuditsImporter"),
    "surveys": ("surveys", "SurveysImporter"),
}
PSEUDONYMISING = {"appointments", "claims", "surveys"}  # take the pseudonym key first


def importer_class(name: str) -> type[FeedImporter]:
    module, cls = CSV_FEEDS[name]
    return getattr(import_module(f"bot.ingest.{module}"), cls)


def make_importer(name: str, *, pseudonym_key: str, timezones: dict[str, str],
                  clinic_names: dict[str, str] | None = None) -> FeedImporter:
    """A ready importer for feed ``name`` with the organisation's clinic zones."""
    make = importer_class(name)
    if name == "appointments":
        return make(pseudonym_key, timezones=timezones, clinic_names=clinic_names or {})  # type: ignore[call-arg]
    if name in PSEUDONYMISING:
        return make(pseudonym_key, timezones=timezones)  # type: ignore[call-arg]
    return make(timezones=timezones)  # type: ignore[call-arg]


def feed_of_header(header: list[str]) -> list[str]:
    """The feeds whose formats accept this header (their required columns are all present)."""
    cols = {c.strip() for c in header}
    return [name for name in CSV_FEEDS
            if any(all(c in cols for c in required) for required in importer_class(name).formats.values())]
