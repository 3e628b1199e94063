"""Pseudonymisation of patient identifiers (keyed hash) before anything is stored.

Why a *keyed* hash (HMAC-SHA256 with ``OPSBOT_PSEUDONYM_KEY``) and not a plain SHA-256: patient
identifiers come from a small, guessable space (medical record numbers, 12–15 digit ids). Anyone
holding the database could hash every candidate id and match the results, so a plain hash is
only a lookup table away from the raw id. With a secret key that attack needs the key, which
lives in the deployment's settings, not in the database. The same key always gives the same
pseudonym, so visits of one patient still link across loads; changing the key breaks that
linkage (treat the key as long-lived, like a database credential).

Pseudonyms are the first 32 hex digits (128 bits) of the HMAC: collisions are negligible at any
clinic scale and the value fits ``patient_pseudonym`` (String(32)).
"""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pandas as pd

PSEUDONYM_LENGTH = 32


def _key_bytes(key: str | bytes) -> bytes:
    if not key:
        raise ValueError("the pseudonym key is empty; set OPSBOT_PSEUDONYM_KEY")
    return key.encode("utf-8") if isinstance(key, str) else key


def pseudonym(identifier: str, key: str | bytes) -> str:
    """32-hex-digit keyed pseudonym of one identifier (surrounding whitespace ignored)."""
    return hmac.digest(_key_bytes(key), identifier.strip().encode("utf-8"), hashlib.sha256).hex()[:PSEUDONYM_LENGTH]


def key_fingerprint(key: str | bytes) -> str:
    """64 hex digits that identify the pseudonym ``key`` without revealing it (HMAC-SHA256 of a
    fixed label under the key, RFC 2104): stored to notice an import under another key."""
    return hmac.digest(_key_bytes(key), b"opsbot/pseudonym-key-check/v1", hashlib.sha256).hex()


def pseudonymise(identifiers: pd.Series, key: str | bytes) -> pd.Series:
    """Pseudonym per value of ``identifiers`` (text); nulls stay null. Same index as the input.

    Each distinct identifier is hashed once (patients repeat across appointments;
    ``pandas.factorize`` maps the results back); see :class:`Pseudonymiser`.
    """
    codes, uniques = pd.factorize(identifiers.astype(object).where(identifiers.notna(), None))
    table = np.array(Pseudonymiser(key).many([str(v) for v in uniques]) + [None], dtype=object)
    return pd.Series(table[codes], index=identifiers.index, dtype=object)


class Pseudonymiser:
    """Keyed pseudonyms for many identifiers, fast: same result as :func:`pseudonym`.

    The HMAC's inner and outer SHA-256 states are keyed once and copied per value (RFC 2104;
    about twice as fast as ``hmac.digest`` per call), digests are turned into hex in one call,
    and results are remembered (at most ``cache_size`` identifiers, then the memory is dropped
    and refilled: an import of any size keeps a flat memory) so a patient seen in an earlier
    chunk of a file is not hashed again.

    Raises:
        ValueError: empty key.
    """

    CACHE_SIZE = 200_000

    def __init__(self, key: str | bytes, cache_size: int = CACHE_SIZE) -> None:
        self._inner, self._outer = _keyed_states(_key_bytes(key))
        self._cache: dict[str, str] = {}
        self._cache_size = cache_size

    def many(self, identifiers: list[str], *, stripped: bool = False) -> list[str]:
        """Pseudonym per identifier (surrounding whitespace ignored), in order; ``stripped``:
        the caller has already stripped them (saves a pass)."""
        keys = identifiers if stripped else [v.strip() for v in identifiers]
        cache = self._cache
        todo = list(dict.fromkeys([k for k in keys if k not in cache] if cache else keys))
        if todo and len(cache) + len(todo) > self._cache_size:
            cache.clear()
            todo = list(dict.fromkeys(keys))
        if todo:
            inner, outer = self._inner.copy, self._outer.copy
            digests: list[bytes] = []
            append = digests.append
            for value in todo:
                state = inner()
                state.update(value.encode("utf-8"))
                final = outer()
                final.update(state.digest())
                append(final.digest()[:PSEUDONYM_LENGTH // 2])
            text = b"".join(digests).hex()
            cache.update(zip(todo, [text[i:i + PSEUDONYM_LENGTH] for i in range(0, len(text), PSEUDONYM_LENGTH)], strict=True))
        return list(map(cache.__getitem__, keys))


def _keyed_states(key: bytes) -> tuple[hashlib._Hash, hashlib._Hash]:
    block = 64  # SHA-256 block size
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    return inner, outer
