"""Every CSV feed the bot imports, by the name used in ``opsbot import <name>`` and in drop-folder
file names, with its importer class (formats in docs/formats/): one explicit list that the
``opsbot import`` commands, the drop folder and header detection all read (issue 17). Remittances (X12 835) are read
by ``bot.ingest.remittances`` and are not listed here.
"""

from __future__ import annotations

from importlib import import_module
from typing import NamedTuple

from bot.ingest.base import FeedImporter
from bot.ingest.headline import ROWS, Noun
from bot.ingest.remittances import CLAIM_PAYMENTS
from bot.ingest.remittances import FEED as REMITTANCES


class Feed(NamedTuple):
    """One CSV feed: its importer (``module`` under ``bot.ingest``, class ``cls``), the
    ``opsbot import`` help line, and the options its command takes: ``zone_option`` (a
    ``--timezone`` for clinics not in the organisation file), ``has_source`` (a ``--source``
    label in its natural key), ``pseudonymising`` (the importer takes the pseudonym key first)."""

    module: str
    cls: str
    help: str
    zone_option: bool = False
    has_source: bool = True
    pseudonymising: bool = False


CSV_FEEDS: dict[str, Feed] = {
    "appointments": Feed("appointments", "AppointmentsImporter",
                         "Import appointments (canonical CSV or the Kaggle no-show export).", pseudonymising=True),
    "slots": Feed("slots", "SlotsImporter", "Import schedule slots (free/booked/blocked).", zone_option=True),
    "claims": Feed("claims", "ClaimsImporter", "Import claims (scrubber edits, manual touch, submission).",
                   pseudonymising=True),
    "ledger": Feed("ledger", "LedgerImporter", "Import ledger entries (charges, payments, refunds, adjustments)."),
    "ar": Feed("ledger", "ArImporter", "Import net A/R snapshots per clinic and day.", has_source=False),
    "supply-items": Feed("supply", "SupplyItemsImporter", "Import supply items (lead times, service level).",
                         has_source=False),
    "stock": Feed("supply", "StockImporter", "Import physical stock counts.", has_source=False),
    "inventory": Feed("supply", "InventoryImporter", "Import inventory transactions (usage, receipt, expired)."),
    "lots": Feed("supply", "LotsImporter", "Import supply lots with expiry dates.", has_source=False),
    "coding-audits": Feed("coding_audits", "CodingAuditsImporter", "Import coding-audit samples."),
    "surveys": Feed("surveys", "SurveysImporter", "Import patient-survey responses (0-10 provider rating).",
                    pseudonymising=True),
}


def importer_class(name: str) -> type[FeedImporter]:
    feed = CSV_FEEDS[name]
    return getattr(import_module(f"bot.ingest.{feed.module}"), feed.cls)


def make_importer(name: str, *, pseudonym_key: str, timezones: dict[str, str],
                  clinic_names: dict[str, str] | None = None) -> FeedImporter:
    """A ready importer for feed ``name`` with the organisation's clinic zones."""
    make = importer_class(name)
    if name == "appointments":
        return make(pseudonym_key, timezones=timezones, clinic_names=clinic_names or {})  # type: ignore[call-arg]
    if CSV_FEEDS[name].pseudonymising:
        return make(pseudonym_key, timezones=timezones)  # type: ignore[call-arg]
    return make(timezones=timezones)  # type: ignore[call-arg]


def feed_of_header(header: list[str]) -> list[str]:
    """The feeds whose formats accept this header (their required columns are all present)."""
    cols = {c.strip() for c in header}
    return [name for name in CSV_FEEDS
            if any(all(c in cols for c in required) for required in importer_class(name).formats.values())]


def noun_of_feed(feed: str) -> Noun:
    """What one stored row of ``FeedLoad.feed`` is, in words: its importer's ``noun``; plain
    rows where two importers share the feed (stock counts and inventory transactions)."""
    if feed == REMITTANCES:
        return CLAIM_PAYMENTS
    nouns = {importer_class(name).noun for name in CSV_FEEDS if importer_class(name).feed == feed}
    return nouns.pop() if len(nouns) == 1 else ROWS


def feed_names() -> set[str]:
    """Every ``FeedLoad.feed`` name a load can record: each CSV importer's, and remittances."""
    return {importer_class(name).feed for name in CSV_FEEDS} | {REMITTANCES}
