"""Report the import cycles of the product packages and the imports inside functions (issue 17).

    .venv/bin/python scripts/import_cycles.py [-v]

A cycle is a strongly connected component (more than one module) of the graph of every
first-party import, those inside functions included (grimp, as import-linter builds it): an
import moved into a function hides a cycle from Python at import time, not from the design.
Printed: the cycles (module count each, with ``-v`` their modules), the imports inside
functions, and how many of those join two modules of one cycle (the ones that dodge it).
Exit status 0 always: the gates are ``lint-imports`` (the layer rules) and
``tests/unit/test_import_layers.py``, which holds both cycle counts at zero.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "bot", "handlers", "jobs", "storage")


@dataclass(frozen=True)
class LocalImport:
    """A first-party import statement inside a function body."""

    importer: str
    imported: str
    line: int


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _targets(node: ast.Import | ast.ImportFrom, importer: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    base = node.module or ""
    if node.level:  # relative: resolve against the importing package
        package = importer.split(".") if is_package else importer.split(".")[:-1]
        package = package[: len(package) - node.level + 1]
        base = ".".join([*package, base] if base else package)
    return [f"{base}.{a.name}" for a in node.names] + [base]


def local_imports(packages: Iterable[str] = PACKAGES) -> Iterator[LocalImport]:
    """Every import of a first-party module written inside a function (any depth), once."""
    seen: set[tuple[str, int]] = set()
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            importer = _module_name(path)
            for func in ast.walk(tree):
                if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for node in ast.walk(func):
                    if not isinstance(node, ast.Import | ast.ImportFrom):
                        continue
                    if (importer, node.lineno) in seen:  # a nested function's, met again
                        continue
                    seen.add((importer, node.lineno))
                    for target in _targets(node, importer, path.name == "__init__.py"):
                        if target.split(".")[0] in packages:
                            yield LocalImport(importer, target, node.lineno)
                            break


def cycles(graph: grimp.ImportGraph) -> list[set[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[set[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = []
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work.append((root, iter(sorted(graph.find_modules_directly_imported_by(root)))))
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component: set[str] = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        out.append(component)
    return sorted(out, key=len, reverse=True)


def _resolve(name: str, modules: set[str]) -> str | None:
    """The module ``name`` refers to (``pkg.mod.attr`` → ``pkg.mod``)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def report(verbose: bool = False) -> dict[str, int]:
    """Print the figures and return them (``cycles``, ``modules_in_cycles``, ``local_imports``,
    ``local_imports_in_cycles``)."""
    sys.path.insert(0, str(ROOT))
    packages = [p for p in PACKAGES if (ROOT / p).is_dir()]
    graph = grimp.build_graph(*packages, cache_dir=None)
    found = cycles(graph)
    member = {m: i for i, c in enumerate(found) for m in c}
    modules = set(graph.modules)
    local = list(local_imports(packages))
    dodging = [li for li in local
               if (t := _resolve(li.imported, modules)) is not None and li.importer in member
               and member.get(t) == member[li.importer]]
    for i, component in enumerate(found, 1):
        print(f"cycle {i}: {len(component)} modules")
        if verbose:
            for m in sorted(component):
                print(f"    {m}")
    figures = {"cycles": len(found), "modules_in_cycles": sum(len(c) for c in found),
               "local_imports": len(local), "local_imports_in_cycles": len(dodging)}
    if verbose:
        for li in dodging:
            print(f"  inside a function, within a cycle: {li.importer}:{li.line} -> {li.imported}")
    print(", ".join(f"{k}={v}" for k, v in figures.items()))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list the modules and imports")
    report(parser.parse_args().verbose)


if __name__ == "__main__":
    main()
