"""Every X12 835 under ../shared/data imports claim by claim: each CLP is imported or rejected with
its reason, and the claims add up to a plain count of CLP segments made here without the reader.
SOURCES.md: the samples' good claims are kept. A trailer count that is off (SE01 declared vs
segments counted, both taken from the file here) is a warning naming both numbers, not a reason to
drop the transaction's claims."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.ingest.remittances import import_remittance_file
from storage.db import session_scope
from storage.models import FeedLoad, ImportIssue

ST_835 = re.compile(r"(?:^|[~\n])\s*ST(?P<sep>[^A-Za-z0-9\s])835(?P=sep)")


def all_835s(shared: Path) -> list[Path]:
    """Files whose text holds an ST*835 header (any element separator), whatever their name."""
    return sorted(p for p in (shared / "data").rglob("*") if p.is_file() and p.suffix.lower() in (".txt", ".835", ".x12", ".edi")
                  and ST_835.search(p.read_text(encoding="latin-1")))


def segments(text: str) -> list[list[str]]:
    """Plain split: element separator = 4th character of an ISA, else the character after ST;
    segments end at '~' when there is one, else at a newline."""
    text = text.lstrip("\ufeff").strip()
    if text.startswith("ISA"):
        element = text[3]
    else:
        match = ST_835.search(text)
        assert match
        element = match["sep"]
    terminator = "~" if "~" in text else "\n"
    return [s.strip().split(element) for s in text.split(terminator) if s.strip()]


def test_real_835s_claims_add_up(sessions: sessionmaker[Session], shared_dir: Path, tmp_path: Path) -> None:
    files = all_835s(shared_dir)
    assert len(files) >= 10  # SOURCES.md: 3 + 2 + 5 835 samples
    for path in files:
        segs = segments(path.read_text(encoding="latin-1"))
        clp = [i for i, s in enumerate(segs, 1) if s[0] == "CLP"]
        with session_scope(sessions) as s:
            summary = import_remittance_file(s, path, rejects_path=tmp_path / f"{path.name}.rejects.csv")
        stored = summary.imported + summary.updated + summary.unchanged
        assert summary.read == len(clp), path.name
        assert stored + summary.rejected == len(clp), path.name
        assert stored >= 1, f"{path.name}: no good claim kept"
        with session_scope(sessions) as s:
            issues = s.execute(select(ImportIssue.line, ImportIssue.severity, ImportIssue.code, ImportIssue.detail)
                               .join(FeedLoad).where(FeedLoad.id == summary.feed_load_id)).all()
        rejected_at = {line for line, severity, *_ in issues if severity == "reject"}
        held_at = {line for line, _, code, _ in issues if code == "x12_transaction_rejected"}
        st_at = [i for i, s in enumerate(segs, 1) if s[0] == "ST"]
        # each rejected claim has its reason at its CLP, or at its transaction's ST (held back)
        owner = {i: max((j for j in st_at if j < i), default=None) for i in clp}
        with_reason = [i for i in clp if i in rejected_at or owner[i] in held_at]
        assert summary.rejected == len(with_reason), path.name
        for st in st_at:
            se = next(j for j, s in enumerate(segs, 1) if j > st and s[0] == "SE")
            declared, counted = segs[se - 1][1], se - st + 1
            warned = [d for line, sev, code, d in issues if code == "x12_trailer_count" and line == se]
            if declared != str(counted):
                assert warned and f"SE01 '{declared}' declared, {counted} segments counted" in warned[0], path.name
            else:
                assert not warned, path.name


@pytest.mark.parametrize(("name", "declared", "counted"), [("blue_cross_nc_sample.txt", 33, 32)])
def test_the_testers_sample_is_imported_with_the_count_named(sessions: sessionmaker[Session], shared_dir: Path,
                                                            tmp_path: Path, name: str, declared: int,
                                                            counted: int) -> None:
    [path] = [p for p in all_835s(shared_dir) if p.name == name]
    with session_scope(sessions) as s:
        summary = import_remittance_file(s, path, rejects_path=tmp_path / "r.csv")
    assert (summary.imported, summary.rejected) == (1, 0)
    assert f"SE01 '{declared}' declared, {counted} segments counted" in "\n".join(summary.lines())
