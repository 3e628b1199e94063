"""Chart render time: mean and p99 over 50 PNG renders of a 52-week p chart (prints figures only).

Run: .venv/bin/python bench/bench_chart.py
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from bot.spc import p_chart
from bot.views.chart_png import render_chart_png

RENDERS = 50


def main() -> None:
    rng = np.random.default_rng(1)
    claims = rng.integers(500, 700, size=52)
    denied = rng.binomial(claims, 0.075)
    denied[40] += 40
    chart = p_chart(denied, claims, baseline=slice(0, 26))
    labels = [f"2024-W{w:02d}" for w in range(1, 53)]
    render_chart_png(chart, title="warm-up", labels=labels, unit="%")
    times, sizes = [], []
    for i in range(RENDERS):
        start = time.perf_counter()
        data = render_chart_png(chart, title=f"Denial rate {i}", labels=labels, unit="Denied (%)",
                                marks=[(30, "PDSA 1 start"), (38, "PDSA 1 end")], target=0.07)
        times.append((time.perf_counter() - start) * 1000)
        sizes.append(len(data))
    times.sort()
    p99 = times[min(len(times) - 1, int(round(0.99 * (len(times) - 1))))]
    print(f"chart render (52-point p chart, {RENDERS} renders): mean {statistics.mean(times):.1f} ms, "
          f"p99 {p99:.1f} ms, max {times[-1]:.1f} ms, PNG {statistics.mean(sizes) / 1024:.0f} KiB")
    start = time.perf_counter()
    for _ in range(RENDERS):
        p_chart(denied, claims, baseline=slice(0, 26))
    print(f"p chart computation: mean {(time.perf_counter() - start) / RENDERS * 1e6:.0f} µs")


if __name__ == "__main__":
    main()
