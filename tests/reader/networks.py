"""The generated networks the reader's labelled sets are written for: moved to
:mod:`devtools.seed.reader_networks` (``bench/bench_reader.py`` uses them without pytest)."""

from __future__ import annotations

from devtools.seed.reader_networks import NETWORKS, network_rows, vocabulary

__all__ = ["NETWORKS", "network_rows", "vocabulary"]
