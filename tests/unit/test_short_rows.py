"""Records with fewer fields than the header are found with their line and field count, in plain
and quoted files; entirely empty lines/rows are counted, not reported as short. Lines and counts
are read off the files written here (header = line 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.ingest.short_rows import short_records

HEADER = ",".join(f"c{i}" for i in range(1, 12))  # 11 columns
FULL = ",".join(str(i) for i in range(1, 12))
NINE = ",".join(str(i) for i in range(1, 10))
THIRTEEN = ",".join(str(i) for i in range(1, 14))


@pytest.mark.parametrize("quoted", [False, True])
def test_short_records_by_line(tmp_path: Path, quoted: bool) -> None:
    first = '"1",2,3,4,5,6,7,8,9,10,11' if quoted else FULL
    lines = [HEADER, first, NINE, "", FULL, ",,,,", THIRTEEN, "1,2,,,,,,,,,", "x"]
    path = tmp_path / "f.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = short_records(path, 11, quoted)
    # line 3: 9 fields; line 9: 1 field; line 8 has 11 (empty ones); line 7: too long (not short)
    assert found.short == {3: 9, 9: 1}
    assert found.blank == 2  # line 5 (nothing) and line 6 (commas only)


def test_crlf_and_no_final_newline(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(("\r\n".join([HEADER, FULL, "", NINE])).encode())
    found = short_records(path, 11, False)
    assert (found.short, found.blank) == ({4: 9}, 1)


def test_small_blocks_give_the_same_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.ingest.short_rows as short_rows

    path = tmp_path / "f.csv"
    path.write_text("\n".join([HEADER, FULL, NINE, FULL, "", NINE, FULL]) + "\n", encoding="utf-8")
    monkeypatch.setattr(short_rows, "BLOCK", 7)  # lines cut across blocks
    found = short_records(path, 11, False)
    assert (found.short, found.blank) == ({3: 9, 6: 9}, 1)
