"""``python -m devtools.standin`` (README: rehearsing serve/socket by hand): with no bot connected and
no --serve URL a command is not lost silently; it says what to start."""

from __future__ import annotations

import argparse

from devtools.standin.__main__ import _deliver
from devtools.standin.server import SlackStandIn


def test_without_a_bot_it_says_what_to_start() -> None:
    args = argparse.Namespace(serve=None, secret="s", user="U0LOCAL", channel="C0LOCAL")
    with SlackStandIn() as slack:
        problem = _deliver(slack, "/kpi help", args)
    assert problem is not None and "start `opsbot socket`" in problem and "--serve" in problem
