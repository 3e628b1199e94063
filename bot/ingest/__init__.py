"""Feed importers: CSV files in, validated rows upserted, every issue reported by line.

Framework: :mod:`bot.ingest.base` (``FeedImporter``, ``ImportSummary``) and
:mod:`bot.ingest.runner` (``run_import``); appointments: :mod:`bot.ingest.appointments`.
"""

from bot.ingest.base import FeedImporter, ImportSummary
from bot.ingest.issues import ChunkIssues, Issue
from bot.ingest.runner import run_import

__all__ = ["ChunkIssues", "FeedImporter", "ImportSummary", "Issue", "run_import"]
