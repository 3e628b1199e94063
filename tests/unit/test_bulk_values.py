"""Value conversion and hashing helpers of storage.bulk_values / bot.ingest.prepare.

Expected values come from the standard library (``str(datetime)``, dicts) or are written out.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from bot.ingest.prepare import SeenKeys
from storage.bulk_values import hex16, key_hashes, sqlite_datetime_text


def test_sqlite_datetime_text_is_what_sqlalchemy_stores() -> None:
    rng = np.random.default_rng(7)
    stamps = [datetime(1900, 1, 1) + timedelta(microseconds=int(x)) for x in rng.integers(0, 2 * 10**17, 500)]
    stamps += [datetime(1969, 12, 31, 23, 59, 59, 999_999), datetime(2016, 4, 29, 18, 38, 8), datetime(9999, 12, 31)]
    values = np.array(stamps, dtype="datetime64[us]")
    notna = np.ones(len(values), dtype=bool)
    notna[3] = False
    out = sqlite_datetime_text(values, notna)
    # SQLAlchemy's SQLite DateTime stores "%Y-%m-%d %H:%M:%S.%f", i.e. str() with microseconds
    expected = [s.strftime("%Y-%m-%d %H:%M:%S.%f") if keep else None for s, keep in zip(stamps, notna, strict=True)]
    assert out.tolist() == expected
    assert out[-2] == "2016-04-29 18:38:08.000000"


def test_hex16_is_big_endian_hex() -> None:
    assert hex16(np.array([0, 255, 2**64 - 1], dtype=np.uint64)).tolist() == [
        "0000000000000000", "00000000000000ff", "ffffffffffffffff"]


def test_key_hashes_equal_exactly_for_equal_keys() -> None:
    keys = pd.DataFrame({"source": ["k"] * 6, "external_id": ["1", "2", "1", "10", "01", "2"]})
    hashes = key_hashes(keys)
    assert hashes[0] == hashes[2] and hashes[1] == hashes[5]
    assert len({hashes[0], hashes[1], hashes[3], hashes[4]}) == 4
    other_source = key_hashes(keys.assign(source=["x"] * 6))
    assert not set(other_source) & set(hashes)


def test_seen_keys_remember_the_first_line_across_many_runs() -> None:
    rng = np.random.default_rng(3)
    seen, reference = SeenKeys(), {}
    for chunk in range(40):  # 40 runs: merged like a binary counter
        hashes = rng.integers(0, 5_000, 300).astype(np.uint64)
        lines = np.arange(chunk * 300, chunk * 300 + 300) + 2
        expected = np.array([reference.get(int(h), -1) for h in hashes])
        assert seen.lines(hashes).tolist() == expected.tolist()
        new = {}
        for h, line in zip(hashes.tolist(), lines.tolist(), strict=True):
            if h not in reference and h not in new:
                new[h] = line
        seen.add(np.array(list(new), dtype=np.uint64), np.array(list(new.values())))
        reference.update(new)
    assert len(seen._runs) <= 12
