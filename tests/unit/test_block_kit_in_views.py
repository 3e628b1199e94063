"""Block Kit is built only in bot/views (issue 17): no block literal and no slack_sdk Block Kit model
anywhere else in the product packages."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PRODUCT = ("bot", "handlers", "jobs", "storage", "core")
# a block or view literal: {"type": "section" | "context" | "actions" | "header" | "divider" | "input" | "modal" …}
LITERAL = re.compile(r"""["']type["']\s*:\s*["'](section|context|actions|header|divider|input|image|modal|home)["']""")
MODELS = re.compile(r"^\s*(from|import) slack_sdk\.models", re.M)


def test_block_kit_only_in_views() -> None:
    found = []
    for package in PRODUCT:
        for path in sorted((REPO / package).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            if rel.startswith("bot/views/") or "/migrations/" in rel:
                continue
            text = path.read_text(encoding="utf-8")
            code = re.sub(r'"""[\s\S]*?"""', "", text)  # docstrings may describe shapes
            if LITERAL.search(code) or MODELS.search(code):
                found.append(rel)
    assert found == []
