"""PNG rendering of SPC charts: valid PNG, plotted data carry the signals, thread use."""

from __future__ import annotations

import io
import struct
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from matplotlib.image import imread
from matplotlib.lines import Line2D

from bot.spc import i_chart, p_chart, run_chart
from bot.views.chart_png import COLORS, build_figure, render_chart_png

DENIED = [42, 38, 51, 45, 40, 47, 39, 44, 50, 43, 41, 88, 46, 40, 45, 42]
CLAIMS = [610, 580, 640, 600, 590, 620, 560, 605, 650, 615, 600, 630, 612, 575, 598, 603]
LABELS = [f"2024-W{w:02d}" for w in range(1, 17)]
SHIFT = [5, 7, 6, 5, 8, 9, 5, 4, 6, 5, 7, 12, 13, 14, 12, 15, 13, 14, 16, 12, 13, 14]


def _line(fig, gid: str) -> Line2D:  # type: ignore[no-untyped-def]
    lines = [a for a in fig.axes[0].get_lines() if a.get_gid() == gid]
    assert len(lines) == 1, gid
    return lines[0]


def test_png_is_valid_and_decodes() -> None:
    data = render_chart_png(p_chart(DENIED, CLAIMS), title="Denial rate", labels=LABELS, unit="Denied (%)")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # IHDR
    pixels = imread(io.BytesIO(data), format="png")
    assert pixels.shape[:2] == (height, width) and width >= 800 and height >= 400
    assert pixels[..., :3].std() > 0.05  # not a blank canvas


def test_sigma_signal_point_is_plotted_in_red_and_limits_are_stepped() -> None:
    chart = p_chart(DENIED, CLAIMS)
    fig = build_figure(chart, title="Denial rate", labels=LABELS, unit="Denied (%)", target=0.07)
    signals = _line(fig, "sigma-signals")
    assert list(signals.get_xdata()) == [11]
    assert list(signals.get_ydata()) == pytest.approx([88 / 630])
    assert signals.get_color() == COLORS["signal"]
    ucl = _line(fig, "ucl")
    assert ucl.get_drawstyle() == "steps-mid"
    np.testing.assert_array_equal(ucl.get_ydata(), chart.ucl)
    assert len(set(np.round(ucl.get_ydata(), 12))) > 1  # per-point limits, not one line
    assert list(_line(fig, "target").get_ydata()) == [0.07, 0.07]


def test_runs_signal_colours_the_centre_line_and_is_named() -> None:
    fig = build_figure(run_chart(SHIFT), title="TNAA", labels=[str(i) for i in range(22)], unit="days")
    centre = _line(fig, "centre-line")
    assert centre.get_color() == COLORS["shift"] and centre.get_linestyle() == "--"
    assert "unusually long run (11 > 7)" in fig.axes[0].get_title()
    assert not [a for a in fig.axes[0].get_lines() if a.get_gid() in ("ucl", "lcl")]  # run chart


def test_marks_and_excluded_points_are_drawn() -> None:
    chart = i_chart([10, 12, 11, 30, 13, 12, 11, 12], exclude=[3])
    fig = build_figure(chart, title="I", labels=list("abcdefgh"), unit="days",
                       marks=[(2, "PDSA 1 start"), (6, "PDSA 1 end")])
    ax = fig.axes[0]
    assert {t.get_text() for t in ax.texts} >= {"PDSA 1 start", "PDSA 1 end"}
    vertical = [ln for ln in ax.get_lines() if list(ln.get_xdata()) in ([2, 2], [6, 6])]
    assert len(vertical) == 2
    assert list(_line(fig, "excluded").get_xdata()) == [3]
    assert list(_line(fig, "sigma-signals").get_xdata()) == [3]  # excluded yet a signal


def test_path_receives_the_same_bytes(tmp_path: Path) -> None:
    target = tmp_path / "chart.png"
    data = render_chart_png(run_chart(SHIFT), title="t", labels=[str(i) for i in range(22)],
                            unit="days", path=target)
    assert target.read_bytes() == data


def test_label_count_must_match_points() -> None:
    with pytest.raises(ValueError, match="3 labels for 16 points"):
        render_chart_png(p_chart(DENIED, CLAIMS), title="t", labels=["a", "b", "c"], unit="%")


def test_concurrent_renders_all_succeed() -> None:
    chart = p_chart(DENIED, CLAIMS)

    def render(i: int) -> bytes:
        return render_chart_png(chart, title=f"chart {i}", labels=LABELS, unit="%")

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(render, range(8)))
    shapes = {imread(io.BytesIO(r), format="png").shape for r in results}
    assert len(shapes) == 1 and all(r[:8] == b"\x89PNG\r\n\x1a\n" for r in results)
