"""The generated networks the reader's labelled sets are written for (``devtools.seed`` frames, no
database): the development network of ``shared/spec/questions`` and three others. Read by the
reader's tests and by ``bench/bench_reader.py`` (so it lives outside ``tests/``)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.kpi.reader.vocab import Vocabulary, build_vocabulary
from devtools.seed.network import clinics_frame, payers_frame, providers_frame
from devtools.seed.params import SeedParams

# name: (clinics, seed, now)
NETWORKS = {
    "dev": (5, 7, datetime(2026, 10, 14, 16, 0, tzinfo=UTC)),
    "n12": (12, 3, datetime(2027, 2, 3, 15, 0, tzinfo=UTC)),
    "n30": (30, 11, datetime(2026, 6, 1, 12, 0, tzinfo=UTC)),
    "n300": (300, 5, datetime(2026, 11, 18, 17, 30, tzinfo=UTC)),
}


def network_rows(name: str) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]], list[tuple[str, str]]]:
    clinics, seed, now = NETWORKS[name]
    p = SeedParams(clinics=clinics, days=60, seed=seed, end_date=now.date())
    c = clinics_frame(p)
    pr = providers_frame(p, c)
    pa = payers_frame()
    key_of = dict(zip(c.clinic_ix, c.key, strict=True))
    return (list(zip(c.key, c.name, c.timezone, strict=True)), [(k, n, key_of[i]) for k, n, i in zip(pr.key, pr.name, pr.clinic_ix, strict=True)],
            list(zip(pa.key, pa.name, strict=True)))


_CACHE: dict[str, Vocabulary] = {}


def vocabulary(name: str) -> Vocabulary:
    if name not in _CACHE:
        clinics, providers, payers = network_rows(name)
        _CACHE[name] = build_vocabulary(clinics, providers, payers, default_zone="America/New_York",
                                        data_start=date(2026, 1, 1), data_end=NETWORKS[name][2].date())
    return _CACHE[name]
