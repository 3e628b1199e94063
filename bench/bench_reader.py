"""Reader benchmark (issue 18): score on the development set and on the reader's own labelled
set (right / asked back / WRONG), and the reader's latency (p50/p99, target ≤ 5 ms at p99).

    .venv/bin/python bench/bench_reader.py [--misses]

No database: vocabularies are built from the generated networks' frames (``devtools/seed/reader_networks``).
Prints figures; never fails on timing.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.kpi.reader import read  # noqa: E402
from bot.kpi.reader.devset import Score, load, score  # noqa: E402
from devtools.seed.reader_networks import NETWORKS, vocabulary  # noqa: E402

DEV = ROOT.parent / "shared" / "spec" / "questions" / "dev_questions.jsonl"
OWN = ROOT / "tests" / "reader" / "questions.jsonl"
HAND = ROOT / "tests" / "reader" / "handwritten.jsonl"


def run(show_misses: bool) -> None:
    sets: list[tuple[str, Score]] = []
    if DEV.exists():
        v, now = vocabulary("dev"), NETWORKS["dev"][2]
        sets.append(("development set", score(load(DEV.open()), v, now, lambda q, c: read(q, v, now, context=c))))
    by_net: dict[str, list[str]] = defaultdict(list)
    for line in OWN.open():
        by_net[json.loads(line)["network"]].append(line)
    v12, now12 = vocabulary("n12"), NETWORKS["n12"][2]
    sets.append(("hand-written set · n12", score(load(HAND.open()), v12, now12,
                                                   lambda q, c: read(q, v12, now12, context=c))))
    total = Score()
    for net, lines in by_net.items():
        v, now = vocabulary(net), NETWORKS[net][2]
        s = score(load(lines), v, now, lambda q, c, v=v, now=now: read(q, v, now, context=c))
        sets.append((f"own set · {net} ({len(v.clinics)} clinics)", s))
        for f in ("right", "asked", "rightly_asked", "wrong"):
            setattr(total, f, getattr(total, f) + getattr(s, f))
        total.misses += s.misses
    sets.append(("own set · all networks", total))
    for name, s in sets:
        print(s.line(name))
        if show_misses:
            for verdict, q, expect, got in s.misses:
                print(f"   {verdict}: {q!r}\n      want {expect}\n      got  {got}")
    questions = [json.loads(line).get("q") or "" for line in OWN.open()]
    for net in ("dev", "n300"):
        v, now = vocabulary(net), NETWORKS[net][2]
        for clock, what in ((time.perf_counter, "wall"), (time.thread_time, "CPU")):
            times = []
            for q in questions * 2:
                t0 = clock()
                read(q, v, now)
                times.append((clock() - t0) * 1000)
            times.sort()
            print(f"reader latency ({what} time), {net} ({len(v.clinics)} clinics), {len(times)} reads: p50 "
                  f"{statistics.median(times):.2f} ms · p99 {times[int(0.99 * len(times))]:.2f} ms · "
                  f"max {times[-1]:.2f} ms")
    print(f"(machine load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs; "
          "wall time includes waiting for a CPU, CPU time is the reader's own cost)")


if __name__ == "__main__":
    run("--misses" in sys.argv)
