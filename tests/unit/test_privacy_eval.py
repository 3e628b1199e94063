"""Issue 15: the identifier guard on the labelled staff texts (tests/data/privacy_eval.jsonl,
labels by hand against HIPAA Safe Harbor's identifier list): at least 200 texts, about half with
identifiers, recall ≥ 95 % and false positives ≤ 5 % overall and on each held-out part.
``bench/bench_privacy.py`` prints the same figures."""

from __future__ import annotations

import json
from pathlib import Path

from bot.phi_guard import Guard, find_identifiers

DATA = Path(__file__).resolve().parents[1] / "data"
ROWS = [json.loads(line) for line in (DATA / "privacy_eval.jsonl").read_text().splitlines() if line.strip()]
STAFF = json.loads((DATA / "privacy_eval_staff.json").read_text())
GUARD = Guard.build(known_names=[*STAFF["providers"], *STAFF["members"]])


def _rates(rows: list[dict]) -> tuple[float, float]:
    pos = [r for r in rows if r["phi"]]
    neg = [r for r in rows if not r["phi"]]
    recall = sum(bool(find_identifiers(r["text"], GUARD)) for r in pos) / len(pos)
    fpr = sum(bool(find_identifiers(r["text"], GUARD)) for r in neg) / len(neg)
    return recall, fpr


def test_the_set_is_large_and_balanced() -> None:
    assert len(ROWS) >= 200 and len({r["text"] for r in ROWS}) == len(ROWS)
    share = sum(r["phi"] for r in ROWS) / len(ROWS)
    assert 0.4 <= share <= 0.6


def test_recall_and_false_positives_meet_the_bars_overall_and_held_out() -> None:
    for part in ("all", "holdout", "holdout2"):
        rows = ROWS if part == "all" else [r for r in ROWS if r["split"] == part]
        recall, fpr = _rates(rows)
        assert recall >= 0.95 and fpr <= 0.05, (part, recall, fpr)
