"""Feed importers: CSV files in, validated rows upserted, every issue reported by line.

Framework: :mod:`bot.ingest.base` (``FeedImporter``, ``run_import``, ``ImportSummary``);
appointments: :mod:`bot.ingest.appointments`.
"""

from bot.ingest.base import FeedImporter, ImportSummary, run_import
from bot.ingest.issues import ChunkIssues, Issue

__all__ = ["ChunkIssues", "FeedImporter", "ImportSummary", "Issue", "run_import"]
