"""Dependencies point one way (issue 17, docs/architecture.md "Layers").

Read from the source with ``ast``, independently of import-linter (the CI gate): storage and core
import nothing above them, wherever the import is written (a function body included). The cycle
counts of ``scripts/import_cycles.py`` are zero: a new cycle, or an import written inside a
function to dodge one, fails here with its modules listed.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
ABOVE = {"storage": {"bot", "handlers", "jobs", "devtools"}, "core": {"bot", "handlers", "jobs", "storage", "devtools"}}
PRODUCT = ("bot", "handlers", "jobs", "storage", "core")
# the only product modules that reach developer tooling: the commands that expose it
DEVTOOLS_COMMANDS = {"bot/cli/seed.py": "devtools.seed", "bot/cli/demo.py": "devtools.demo.tour",
                     "bot/cli/ask.py": "devtools.asking"}

# no cycle, and so no import inside a function that dodges one (issue 17: 4 cycles → 0)
MAX_CYCLES = 0
MAX_IMPORTS_INSIDE_FUNCTIONS_WITHIN_A_CYCLE = 0


def _imported(tree: ast.AST) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.append((node.lineno, node.module))
    return out


@pytest.mark.parametrize("package", sorted(ABOVE))
def test_a_lower_layer_imports_nothing_above_it(package: str) -> None:
    found = [f"{path.relative_to(REPO)}:{line} imports {name}"
             for path in sorted((REPO / package).rglob("*.py"))
             for line, name in _imported(ast.parse(path.read_text(encoding="utf-8")))
             if name.split(".")[0] in ABOVE[package]]
    assert found == []


def test_listeners_run_no_sql() -> None:
    """Listeners translate, services decide: a query lives in bot/services or storage."""
    found = [f"{path.relative_to(REPO)}:{line} imports {name}"
             for path in sorted((REPO / "handlers").rglob("*.py"))
             for line, name in _imported(ast.parse(path.read_text(encoding="utf-8")))
             if name.split(".")[0] == "sqlalchemy"]
    assert found == []


def test_product_code_imports_developer_tooling_only_in_its_three_commands() -> None:
    """devtools/ (generator, stand-in, tour) is never imported by product code, except by
    ``opsbot seed``, ``opsbot demo`` and ``opsbot ask``, each inside its command function."""
    found = []
    for package in PRODUCT:
        for path in sorted((REPO / package).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            tree = ast.parse(path.read_text(encoding="utf-8"))
            top_level = {id(node) for node in tree.body}
            for node in ast.walk(tree):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                         [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
                         else [])
                for name in names:
                    if name.split(".")[0] != "devtools":
                        continue
                    if DEVTOOLS_COMMANDS.get(rel) == name and id(node) not in top_level:
                        continue
                    found.append(f"{rel}:{node.lineno} imports {name}")
    assert found == []


def test_the_devtools_commands_exist_and_import_what_they_are_allowed() -> None:
    """The exceptions above name real imports (a stale exception would hide nothing)."""
    for rel, name in DEVTOOLS_COMMANDS.items():
        assert name in {n for _, n in _imported(ast.parse((REPO / rel).read_text(encoding="utf-8")))}, rel


def test_the_probe_sees_an_import_inside_a_function() -> None:
    tree = ast.parse("def f():\n    from bot.kpi import engine\n")
    assert _imported(tree) == [(2, "bot.kpi")]


def _cycles_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("import_cycles", REPO / "scripts" / "import_cycles.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["import_cycles"] = module
    spec.loader.exec_module(module)
    return module


def test_tarjan_finds_a_cycle_and_leaves_a_chain_alone() -> None:
    grimp = pytest.importorskip("grimp")
    graph = grimp.ImportGraph()
    for m in ("a", "b", "c", "d"):
        graph.add_module(m)
    graph.add_import(importer="a", imported="b")
    graph.add_import(importer="b", imported="c")
    graph.add_import(importer="c", imported="a")
    graph.add_import(importer="c", imported="d")
    assert _cycles_module().cycles(graph) == [{"a", "b", "c"}]


def test_no_import_cycle(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("grimp")
    figures = _cycles_module().report(verbose=True)
    listing = capsys.readouterr().out  # the cycles' modules and the imports that dodge them
    assert figures["cycles"] <= MAX_CYCLES, listing
    assert figures["local_imports_in_cycles"] <= MAX_IMPORTS_INSIDE_FUNCTIONS_WITHIN_A_CYCLE, listing
