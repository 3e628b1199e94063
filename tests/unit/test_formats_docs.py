"""docs/formats says what the importers do: every issue code an importer can raise (read from the
source: the second argument of each ``issues.reject``/``issues.warn`` call, or a module constant
given there) is named on that feed's page or in the shared rules (README.md), and the pages no
longer promise that an unknown clinic key simply creates a clinic (it is matched, and rejected
when the organisation file lists clinics: bot/ingest/clinic_keys.py)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
INGEST, FORMATS = REPO / "bot" / "ingest", REPO / "docs" / "formats"
SHARED = ("prepare.py", "clinic_keys.py", "patient_ids.py", "feed_fields.py")  # every CSV feed runs these
PAGES = {  # page(s) -> the modules of that feed (the four supply feeds share one module)
    ("appointments.md",): ("appointments.py", "appointments_canonical.py", "appointments_kaggle.py",
                        "appointment_columns.py"),
    ("claims.md",): ("claims.py",),
    ("ledger.md",): ("ledger.py",),
    ("slots.md",): ("slots.py",),
    ("coding-audits.md",): ("coding_audits.py",),
    ("supply-items.md", "lots.md", "stock.md", "inventory.md"): ("supply.py",),
    ("surveys.md",): ("surveys.py",),
}


def issue_codes(module: Path) -> set[str]:
    """Literal codes given to ``<x>.reject(mask, code, …)`` / ``<x>.warn(mask, code, …)``."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    constants = {t.id: n.value.value for n in ast.walk(tree) if isinstance(n, ast.Assign)
                 and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)
                 for t in n.targets if isinstance(t, ast.Name)}
    codes = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("reject", "warn") and len(node.args) >= 2):
            code = node.args[1]
            if isinstance(code, ast.Constant) and isinstance(code.value, str):
                codes.add(code.value)
            elif isinstance(code, ast.Name) and code.id in constants:
                codes.add(constants[code.id])
    return codes


def documented(pages: tuple[str, ...]) -> set[str]:
    text = "".join((FORMATS / page).read_text(encoding="utf-8") for page in (*pages, "README.md"))
    return set(re.findall(r"`([a-z_0-9]+)`", text))


def test_the_reader_finds_codes() -> None:
    assert {"unknown_clinic", "new_clinic"} <= issue_codes(INGEST / "clinic_keys.py")  # via UNKNOWN / NEW
    assert {"duplicate_id", "bad_field_count"} <= issue_codes(INGEST / "prepare.py")


@pytest.mark.parametrize("pages", sorted(PAGES))
def test_every_issue_code_is_documented(pages: tuple[str, ...]) -> None:
    raised = set().union(*(issue_codes(INGEST / m) for m in PAGES[pages] + SHARED))
    assert raised - documented(pages) == set()


def test_no_page_says_an_unknown_clinic_is_simply_created() -> None:
    for page in FORMATS.glob("*.md"):
        text = " ".join(page.read_text(encoding="utf-8").split())
        assert not re.search(r"unknown (?:clinic )?keys? creates? a clinic|unknown ones are created", text), page.name


def remit_issue_codes(module: Path) -> set[str]:
    """Codes of an 835 importer module: the third argument of each ``RemitIssue(…)``: a literal, a
    constant of the module or of clinic_keys.py, or a local ``code = "a" if … else "b"``."""
    def constants(tree: ast.AST) -> dict[str, str]:
        return {t.id: n.value.value for n in ast.walk(tree) if isinstance(n, ast.Assign)
                and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)
                for t in n.targets if isinstance(t, ast.Name)}

    tree = ast.parse(module.read_text(encoding="utf-8"))
    named = {k: {v} for k, v in {**constants(ast.parse((INGEST / "clinic_keys.py").read_text(encoding="utf-8"))),
                                 **constants(tree)}.items()}
    named |= {t.id: {b.value for b in (n.value.body, n.value.orelse) if isinstance(b, ast.Constant)}
              for n in ast.walk(tree) if isinstance(n, ast.Assign) and isinstance(n.value, ast.IfExp)
              for t in n.targets if isinstance(t, ast.Name)}
    codes: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "RemitIssue":
            code = node.args[2]
            if isinstance(code, ast.Constant) and isinstance(code.value, str):
                codes.add(code.value)
            elif isinstance(code, ast.Name):
                codes |= named.get(code.id, set())
            elif isinstance(code, ast.BoolOp):  # ``problem.code or code``: the reader's own code first
                codes |= {c for v in code.values if isinstance(v, ast.Name) for c in named.get(v.id, set())}
    return codes


def reader_issue_codes() -> set[str]:
    """Codes the X12 reader gives its own segment problems (``*_CODE`` constants of bot/x12)."""
    return {n.value.value for path in (INGEST.parent / "x12").glob("*.py")
            for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(n, ast.Assign)
            and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)
            for t in n.targets if isinstance(t, ast.Name) and t.id.endswith("_CODE")}


def test_every_remittance_issue_code_is_documented() -> None:
    raised = (remit_issue_codes(INGEST / "remittance_rows.py") | remit_issue_codes(INGEST / "remittance_clinic.py")
              | reader_issue_codes())
    assert {"x12_segment", "x12_repaired", "no_remit_date", "new_clinic", "x12_trailer_count"} <= raised
    assert raised - documented(("remittances.md",)) == set()
