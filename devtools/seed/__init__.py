"""A realistic synthetic clinic network, generated reproducibly from a seed and written through
the importers' storage layer (``opsbot seed``).

``seed_database(session, SeedParams(clinics=6, days=120, seed=1), pseudonym_key=...)`` generates
(:mod:`devtools.seed.generate`), writes (:mod:`devtools.seed.load`), refreshes the KPI roll-ups and
returns a :class:`SeedReport` with row counts, the time taken and the planted events
(:mod:`devtools.seed.planted`) that every alert type should find near the end date.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session
from tqdm import tqdm

from devtools.seed.generate import Network, generate
from devtools.seed.params import SeedParams
from devtools.seed.planted import PlantedEvent, SeedReport

__all__ = ["Network", "PlantedEvent", "SeedParams", "SeedReport", "generate", "patient_mrns", "patient_pseudonyms",
           "seed_database"]

_FRAME = {"stock": "stock_counts"}
_WRITTEN = ("templates", "slots", "appointments", "claims", "remits", "service_lines", "adjustments", "ledger",
            "ar", "supply_items", "lots", "inventory", "stock_counts", "compliance", "coding_audits", "surveys")


def patient_pseudonyms(net: Network, key: str) -> np.ndarray:
    """Keyed pseudonym (``bot.privacy``) of each generated patient's medical record number."""
    from bot.privacy import pseudonymise

    return pseudonymise(pd.Series(patient_mrns(net)), key).to_numpy(dtype=object)


def patient_mrns(net: Network) -> np.ndarray:
    """The generated patients' medical record numbers (raw ids; only their pseudonyms are stored)."""
    pts = net["patients"]
    return ("MRN-" + pd.Series(net["clinics"]["key"].to_numpy(dtype=object)[pts["clinic_ix"].to_numpy()])
            + "-" + pts["patient_ix"].astype(str)).to_numpy(dtype=object)


def seed_database(session: Session, params: SeedParams, *, pseudonym_key: str, progress: bool = False,
                  refresh_rollups: bool = True, validate_rows: int | None = 10_000) -> SeedReport:
    """Generate and write a network in ``session`` (the caller commits).

    ``validate_rows``: run the importers' validation on the first that many rows of every feed
    (None = all rows, 0 = skip) after loading; any reject raises.

    Returns:
        ``SeedReport``: rows written per table, seconds, planted events.
    Raises:
        ValueError: invalid parameters (see :class:`SeedParams`), or generated rows the
            importers would reject (a generator bug).
    """
    from devtools.seed.load import Loader

    started = time.perf_counter()
    stages = tqdm(total=8, desc="generating", unit="stage", disable=not progress, leave=False)

    def step(name: str) -> None:
        stages.set_postfix_str(name)
        stages.update(1)

    net = generate(params, step=step)
    stages.close()
    total = sum(len(net[name]) for name in _WRITTEN)
    bar = tqdm(total=total, desc="writing", unit="row", unit_scale=True, disable=not progress, leave=False)

    def tick(name: str, n: int) -> None:
        bar.set_postfix_str(name)
        bar.update(n)

    counts = Loader(session, net, patient_pseudonyms(net, pseudonym_key), tick).run()
    bar.close()
    if refresh_rollups:
        from bot.kpi.rollup_refresh import refresh_all_rollups

        refresh_all_rollups(session)  # every KPI roll-up, all dates (bot.kpi.rollup_refresh)
    report = SeedReport(params, counts, time.perf_counter() - started, net.planted)
    if validate_rows != 0:
        from devtools.seed.validate import validate_network

        issues = validate_network(net, patient_mrns(net), session=session, pseudonym_key=pseudonym_key,
                                  limit=validate_rows)
        rejects = {feed: int((f["severity"] == "reject").sum()) for feed, f in issues.items() if len(f)}
        if any(rejects.values()):
            raise ValueError(f"generated rows fail the importers' validation: {rejects}")
        report.validated = {feed: int(min(len(net[_FRAME.get(feed, feed)]), validate_rows or 10**12))
                            for feed in issues}
    report.seconds = time.perf_counter() - started
    return report
