"""The reader on labelled questions (issue 18): the development set of shared/spec/questions and
the reader's own set (tests/reader/questions.jsonl, four generated networks up to 300 clinics).

A wrong reading is worse than a question: both sets must have none; the development set must be
read right or rightly asked back at least 95 % of the time (README scoring)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from bot.kpi.reader import read
from bot.kpi.reader.devset import Score, load, score
from tests.reader.networks import NETWORKS, vocabulary

DEV = Path(__file__).resolve().parents[3] / "shared" / "spec" / "questions" / "dev_questions.jsonl"
OWN = Path(__file__).with_name("questions.jsonl")
HAND = Path(__file__).with_name("handwritten.jsonl")


def _score(net: str, lines: list[str]) -> Score:
    v, now = vocabulary(net), NETWORKS[net][2]
    return score(load(lines), v, now, lambda q, c: read(q, v, now, context=c))


@pytest.mark.skipif(not DEV.exists(), reason="shared/spec/questions not present")
def test_development_set_has_no_wrong_reading_and_95_percent_right():
    s = _score("dev", DEV.read_text(encoding="utf-8").splitlines())
    assert s.total == 40
    assert s.wrong == 0, s.misses
    assert (s.right + s.rightly_asked) / s.total >= 0.95, s.misses


def test_own_set_is_large_and_has_no_wrong_reading():
    by_net: dict[str, list[str]] = defaultdict(list)
    for line in OWN.read_text(encoding="utf-8").splitlines():
        by_net[json.loads(line)["network"]].append(line)
    assert set(by_net) == {"dev", "n12", "n30", "n300"}
    totals = [_score(net, lines) for net, lines in by_net.items()]
    assert sum(s.total for s in totals) >= 600
    assert sum(s.wrong for s in totals) == 0, [m for s in totals for m in s.misses if m[0] == "wrong"]
    assert sum(s.right + s.rightly_asked for s in totals) / sum(s.total for s in totals) >= 0.95


def test_hand_written_set_has_no_wrong_reading():
    s = _score("n12", HAND.read_text(encoding="utf-8").splitlines())
    assert s.total >= 70 and s.wrong == 0, [m for m in s.misses if m[0] == "wrong"]
    assert (s.right + s.rightly_asked) / s.total >= 0.9
