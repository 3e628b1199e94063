"""``/digest`` command parsing."""

from __future__ import annotations

from datetime import time

import pytest

from bot.digest.commands import parse_digest
from bot.errors import UsageError


def test_subscribe_with_everything() -> None:
    req = parse_digest("subscribe north, south at 7:30 daily always")
    assert (req.verb, req.clinics, req.at, req.days, req.skip_when_empty) == (
        "subscribe", ["north", "south"], time(7, 30), "daily", False)


def test_subscribe_defaults_left_unset() -> None:
    req = parse_digest("subscribe North Family Practice")
    assert req.clinics == ["North", "Family", "Practice"] and req.at is None and req.days is None
    assert req.skip_when_empty is None


@pytest.mark.parametrize("text,verb", [("", "help"), ("help", "help"), ("list", "list"), ("preview", "preview"),
                                       ("preview north", "preview"), ("unsubscribe south", "unsubscribe"),
                                       ("stop", "unsubscribe")])
def test_verbs(text: str, verb: str) -> None:
    assert parse_digest(text).verb == verb


@pytest.mark.parametrize("text", ["publish", "list north", "preview at 07:30", "unsubscribe daily",
                                  "subscribe north at 25:99"])
def test_refuses(text: str) -> None:
    with pytest.raises(UsageError):
        parse_digest(text)
