"""``opsbot demo`` end to end, as a user runs it: a subprocess on a fresh temp database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.e2e
def test_demo_runs_the_tour_and_prints_real_kpi_answers(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    opsbot = Path(sys.executable).parent / "opsbot"
    proc = subprocess.run([str(opsbot), "demo", "--database", str(db), "--clinics", "3", "--days", "60"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={"PATH": str(Path(sys.executable).parent), "HOME": str(tmp_path)})
    out = proc.stdout
    assert proc.returncode == 0, out[-3000:] + proc.stderr[-3000:]
    assert "Planted events:" in out and "[denial_spike]" in out
    assert "NO-SHOW RATE" in out and "DENIAL RATE" in out  # KPI answers rendered from Block Kit
    assert "appointments)" in out  # N and D shown with the value
    assert "steps ran without error" in out and "failed" not in out.split("Tour finished")[-1]
    chart = next(line for line in out.splitlines() if "saved:" in line).rsplit("saved: ", 1)[1].strip()
    assert Path(chart).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert db.exists()
