"""Recall and false-positive rate of the patient-identifier guard on the labelled staff texts.

    .venv/bin/python bench/privacy_guard.py [--data tests/data/privacy_eval.jsonl] [--show]

A text labelled ``phi`` counts as caught when the guard finds anything in it; a clean text counts
as a false positive when it finds anything. Known staff (the provider table and workspace members
a deployment would pass) come from ``privacy_eval_staff.json`` beside the data. Prints figures per
split ("dev": the texts the rules were tuned on, "holdout": written before any tuning) and in
all; it never fails on its figures (bars: recall ≥ 95 %, false positives ≤ 5 %).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.phi_guard import Guard, find_identifiers  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "tests/data/privacy_eval.jsonl")
    parser.add_argument("--show", action="store_true", help="list the misses and false positives")
    parser.add_argument("--cli", action="store_true",
                        help="check through `opsbot privacy check --json -` (as an evaluator would) instead of in-process")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.data.read_text().splitlines() if line.strip()]
    staff_file = args.data.with_name("privacy_eval_staff.json")
    staff = json.loads(staff_file.read_text()) if staff_file.exists() else {}
    guard = Guard.build(known_names=[*staff.get("providers", []), *staff.get("members", [])])
    splits: dict[str, list[tuple[bool, bool, str, list[str]]]] = {}
    via_cli = _through_cli(rows, staff) if args.cli else None
    for number, row in enumerate(rows, start=1):
        if via_cli is not None:
            found = via_cli.get(number, [])
            hits: list = found
        else:
            hits = find_identifiers(row["text"], guard)
            found = [f"{f.kind}:{row['text'][f.start:f.end]}" for f in hits]
        entry = (bool(row["phi"]), bool(hits), row["text"], found)
        splits.setdefault(row.get("split", "all"), []).append(entry)
        splits.setdefault("all", []).append(entry) if row.get("split") else None
    print(f"{'split':<8} {'texts':>5} {'with ids':>8} {'recall':>8} {'false pos':>10}")
    for name in sorted(splits, key=lambda n: (n == "all", n)):
        items = splits[name]
        pos = [e for e in items if e[0]]
        neg = [e for e in items if not e[0]]
        recall = sum(e[1] for e in pos) / len(pos) if pos else float("nan")
        fpr = sum(e[1] for e in neg) / len(neg) if neg else float("nan")
        print(f"{name:<8} {len(items):>5} {len(pos):>8} {recall:>7.1%} {fpr:>10.1%}"
              f"   (missed {sum(not e[1] for e in pos)}, false pos {sum(e[1] for e in neg)})")
    if args.show:
        for name, items in splits.items():
            if name == "all":
                continue
            for phi, hit, text, found in items:
                if phi != hit:
                    print(f"[{name}] {'MISS' if phi else 'FP  '} {text!r} {found}")


def _through_cli(rows: list[dict], staff: dict) -> dict[int, list[str]]:
    """``{line number: ["kind:value", …]}`` from ``opsbot privacy check --json -`` (one text a line),
    with the staff names passed as the organisation file's ``phi_known_names``."""
    import os
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        org = Path(tmp) / "org.yml"
        org.write_text(json.dumps({"phi_known_names": [*staff.get("providers", []), *staff.get("members", [])]}))
        env = {**os.environ, "OPSBOT_CONFIG": str(org), "PYTHONPATH": str(ROOT)}
        texts = "\n".join(r["text"].replace("\n", " ") for r in rows) + "\n"
        done = subprocess.run([sys.executable, "-c", "from bot.cli import main; main()", "privacy", "check", "--json", "--no-providers", "-"],
                              input=texts, capture_output=True, text=True, env=env, cwd=tmp, check=True)
    out: dict[int, list[str]] = {}
    for line in done.stdout.splitlines():
        hit = json.loads(line)
        text = rows[hit["line"] - 1]["text"]
        out.setdefault(hit["line"], []).append(f"{hit['kind']}:{text[hit['start']:hit['end']]}")
    return out


if __name__ == "__main__":
    main()
