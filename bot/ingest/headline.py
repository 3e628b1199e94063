"""The first line of an import report: what the run did, in words, from its counts.

Shared by the printed report (``ImportSummary.lines``: CLI, drop folder, its ``.error.txt``) and
the feed lines of ``/opsbot status``. Examples::

    Imported 1,204 appointments from noshow.csv; 3 rows rejected (see rejects/noshow….rejects.csv)
    Nothing new in noshow.csv: all 1,204 appointments were already imported
    Nothing imported from claims.csv: all 12 rows were rejected (see rejects/claims….rejects.csv)
"""

from __future__ import annotations

Noun = tuple[str, str]  # (singular, plural): ("appointment", "appointments")
ROWS: Noun = ("row", "rows")


def said(n: int, noun: Noun) -> str:
    """``n`` with the noun's singular or plural: "1 row", "1,204 rows"."""
    return f"{n:,} {noun[0] if n == 1 else noun[1]}"


def headline(name: str, *, read: int, imported: int, updated: int, unchanged: int, rejected: int,
             warned: int = 0, noun: Noun = ROWS, rows: Noun = ROWS, where: str | None = None) -> str:
    """One sentence for one file's import. ``name``: the file; counts as in ``ImportSummary``
    (``read`` = stored + rejected); ``noun``: what a stored row is; ``rows``: what read and
    rejected count (rows of a CSV, claim payments of an 835); ``where``: where to read about the
    rejected ones ("see rejects/x.rejects.csv", "reasons below"; None: not said)."""
    see = f" ({where})" if where else ""
    stored = imported + updated + unchanged
    if read == 0:
        return f"Nothing to import: {name} holds no {noun[1]}"
    if stored == 0:
        every = f"its only {rows[0]} was" if read == 1 else f"all {said(read, rows)} were"
        return f"Nothing imported from {name}: {every} rejected{see}"
    if imported == 0 and updated == 0:
        if rejected:
            text = f"Nothing new in {name}: {said(unchanged, noun)} already imported"
        else:
            every = f"its only {noun[0]} was" if unchanged == 1 else f"all {said(unchanged, noun)} were"
            return f"Nothing new in {name}: {every} already imported"
    else:
        done = [f"imported {said(imported, noun)}"] if imported else []
        done += [f"updated {updated:,}" if imported else f"updated {said(updated, noun)}"] if updated else []
        text = " and ".join(done) + f" from {name}" + (f" ({unchanged:,} already imported)" if unchanged else "")
    if rejected:
        text += f"; {said(rejected, rows)} rejected{see}"
    if warned:
        text += f"; {warned:,} loaded with warnings"
    return text[0].upper() + text[1:]
