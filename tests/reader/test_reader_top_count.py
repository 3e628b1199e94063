""""top 3 clinics", "bottom 2 payers", "top 0", "top -3": a breakdown ranks every clinic, provider
or payer and is never cut to N, so the count is never dropped silently: the reader asks back,
saying so and offering the whole ranking; a count below 1 is refused as asking for nothing."""

from __future__ import annotations

import pytest

from bot.kpi.reader import read
from tests.reader.networks import NETWORKS, vocabulary

V, NOW = vocabulary("dev"), NETWORKS["dev"][2]


@pytest.mark.parametrize("q, word, count, dim", [("no-show rate top 3 clinics last month", "top", 3, "clinic"),
                                                 ("denial rate bottom 2 payers", "bottom", 2, "payer")])
def test_a_count_is_said_not_dropped(q: str, word: str, count: int, dim: str) -> None:
    r = read(q, V, NOW)
    assert r.status == "clarify" and f"the {word} {count}: a breakdown lists every {dim}" in r.message, r.message
    assert [(o.label, o.patch["by"]) for o in r.options] == [(f"Every {dim}, ranked", dim)]


@pytest.mark.parametrize("typed", ["top 0", "top -3"])
def test_a_count_below_one_is_refused(typed: str) -> None:
    r = read(f"no-show rate {typed} clinics last month", V, NOW)
    assert r.status == "clarify" and r.message.startswith(f"“{typed}” asks for no clinics: a top count is 1 or more")


def test_a_ranking_without_a_count_is_answered() -> None:
    r = read("no-show rate by clinic last month", V, NOW)
    assert r.status == "answer" and r.by == "clinic"
