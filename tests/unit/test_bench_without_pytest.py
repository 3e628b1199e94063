"""Benchmarks are developer tools, not tests: every ``bench/`` module imports with pytest absent
(issue 17: a bench failed without pytest installed because it imported test fixtures)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Blocks pytest (an import of it raises ImportError), then imports every bench module and names the
# ones that reach for pytest or for the tests package.
PROBE = """
import importlib, sys
sys.modules["pytest"] = None
sys.modules["_pytest"] = None
sys.path.insert(0, ".")
bad = []
for name in sys.argv[1:]:
    try:
        importlib.import_module("bench." + name)
    except ImportError as exc:
        bad.append(f"{name}: {exc}")
leaked = sorted(m for m in sys.modules if m == "tests" or m.startswith("tests."))
print("\\n".join(bad + [f"imports {m}" for m in leaked]))
"""


def test_every_bench_module_imports_without_pytest_or_tests() -> None:
    names = sorted(p.stem for p in (REPO / "bench").glob("*.py") if p.stem != "__init__")
    assert len(names) >= 10  # the probe really looks at the benchmarks
    out = subprocess.run([sys.executable, "-c", PROBE, *names], cwd=REPO, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", out.stdout
