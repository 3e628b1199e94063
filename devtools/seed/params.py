"""Parameters of a generated network and the named random streams it draws from.

Reproducibility: every generator takes its own ``numpy.random.Generator`` spawned from one
``SeedSequence(seed)`` by a fixed stream name, so the same ``(clinics, days, seed, end_date)``
gives identical rows, and adding draws to one domain never shifts another domain's numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import numpy as np

STREAMS = ("network", "templates", "slots", "appointments", "patients", "claims", "remits",
           "ledger", "supply", "compliance", "audits", "surveys", "planted")


@dataclass(frozen=True)
class SeedParams:
    """What to generate.

    ``days``: days of history ending on ``end_date`` (inclusive, clinic-local dates);
    ``future_days``: how far ahead slots and ``scheduled`` appointments reach (published
    schedule). ``stopped_feed_days``: how long the planted stopped feed has been silent.
    ``plant_events``: False generates the same network as a quiet one, with no planted event
    (no denial spike, run-down, expiring lot, compliance deadline or stopped feed): the
    baseline on which every alert is a false alarm (``opsbot seed --quiet``).
    """

    clinics: int = 6
    days: int = 120
    seed: int = 1
    end_date: date = field(default_factory=date.today)
    future_days: int = 56
    spike_days: int = 14
    stopped_feed_days: int = 9
    plant_events: bool = True

    def __post_init__(self) -> None:
        if not 1 <= self.clinics <= 500:
            raise ValueError("clinics must be between 1 and 500")
        if not 30 <= self.days <= 3 * 366:
            raise ValueError("days must be between 30 and 1098")

    @property
    def start_date(self) -> date:
        return self.end_date - timedelta(days=self.days - 1)

    @property
    def now(self) -> datetime:
        """The generation instant as the data sees it: the end of ``end_date`` (naive UTC)."""
        return datetime.combine(self.end_date + timedelta(days=1), time(6, 0))

    def rng(self, stream: str) -> np.random.Generator:
        """The random stream for one domain (see :data:`STREAMS`)."""
        ix = STREAMS.index(stream)
        seq = np.random.SeedSequence([self.seed, self.clinics, ix])
        return np.random.default_rng(seq)

    @property
    def source(self) -> str:
        """The ``source`` column of generated rows (natural keys are unique per source)."""
        return "seed"


def day_number(d: date) -> int:
    """Days since 1970-01-01 (the integer form of numpy ``datetime64[D]``)."""
    return (d - date(1970, 1, 1)).days
