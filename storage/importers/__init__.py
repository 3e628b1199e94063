"""Feed importers: CSV files in, validated rows upserted, every issue reported by line.

Framework: :mod:`storage.importers.base` (``FeedImporter``, ``run_import``, ``ImportSummary``);
appointments: :mod:`storage.importers.appointments`.
"""

from storage.importers.base import FeedImporter, ImportSummary, run_import
from storage.importers.issues import ChunkIssues, Issue

__all__ = ["ChunkIssues", "FeedImporter", "ImportSummary", "Issue", "run_import"]
