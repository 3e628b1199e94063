"""Pseudonyms must equal the standard HMAC-SHA256 (computed here with the stdlib ``hmac``)."""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd
import pytest

from bot.privacy import pseudonym, pseudonymise


def reference(value: str, key: str) -> str:
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]


def test_single_value_is_truncated_hmac_sha256() -> None:
    assert pseudonym("29872499824296", "secret") == reference("29872499824296", "secret")
    assert len(pseudonym("1", "secret")) == 32


def test_series_matches_reference_keeps_nulls_and_repeats() -> None:
    ids = pd.Series(["29872499824296", "558997776694438", None, "29872499824296", " 42 "], index=[5, 6, 7, 8, 9])
    out = pseudonymise(ids, "secret")
    assert out.index.tolist() == [5, 6, 7, 8, 9]
    assert out[5] == out[8] == reference("29872499824296", "secret")
    assert out[6] == reference("558997776694438", "secret")
    assert out[7] is None
    assert out[9] == reference("42", "secret")  # surrounding whitespace is not part of the id


def test_long_key_follows_rfc2104() -> None:
    key = "k" * 100  # longer than the SHA-256 block: hashed first
    assert pseudonymise(pd.Series(["7"]), key)[0] == reference("7", key)


def test_key_matters_and_raw_id_never_appears() -> None:
    ids = pd.Series(["123456789012"])
    a, b = pseudonymise(ids, "key-a")[0], pseudonymise(ids, "key-b")[0]
    assert a != b
    assert "123456789012" not in a


def test_empty_key_is_refused() -> None:
    with pytest.raises(ValueError, match="OPSBOT_PSEUDONYM_KEY"):
        pseudonymise(pd.Series(["1"]), "")


def test_pseudonymiser_remembers_and_forgets_without_changing_results() -> None:
    from bot.privacy import Pseudonymiser

    many = Pseudonymiser("secret", cache_size=5)  # forgets every few calls
    batches = [[" 1", "2", "3"], ["3", "4 ", "5", "6"], ["1", "1", "7"], [str(n) for n in range(20)]]
    for batch in batches:
        assert many.many(batch) == [reference(v.strip(), "secret") for v in batch]
    assert many.many(["8", "9"], stripped=True) == [reference("8", "secret"), reference("9", "secret")]
