"""False positives of the display-field and file-name guard (bot.phi_labels) on real names.

    .venv/bin/python bench/bench_label_guard.py [--data ../shared/data] [--show]

Every name below is a real clinic, provider, payer or file name that holds no patient
identifier, so every finding is a false positive: the Kaggle no-show file's neighbourhoods
(its clinic names), Synthea's provider, organisation and payer names, the payer (N1*PR) and payee
(N1*PE) names of every 835 in the data folder, and the name of every file in the data folder;
and, as keys (shown where a name is empty), the claims-analysis file's provider ids and
insurance types. Labels are read by ``label_findings`` and keys by ``key_findings`` (what the
importers reject on), file names by ``shown_file_name`` (changed = a finding). Prints counts and rates; never fails on them.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.phi_guard import Guard  # noqa: E402
from bot.phi_labels import key_findings, label_findings, shown_file_name  # noqa: E402
from bot.x12 import read_835  # noqa: E402

X12 = (".txt", ".835", ".x12", ".edi")


def _column(path: Path, name: str) -> set[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return {row[name].strip() for row in csv.DictReader(fh) if row.get(name, "").strip()}


def labels(data: Path) -> Iterator[tuple[str, set[str]]]:
    """(source, distinct names) per real source."""
    kaggle = data / "rmartins__DataMining/KaggleV2-May-2016.csv"
    if kaggle.exists():
        yield "Kaggle neighbourhoods (clinic_name)", _column(kaggle, "Neighbourhood")
    synthea = data / "jijones12__synthea/output/csv"
    for file, what in (("providers.csv", "provider_name"), ("organizations.csv", "clinic_name"),
                       ("payers.csv", "payer_name")):
        if (synthea / file).exists():
            yield f"Synthea {file} NAME ({what})", _column(synthea / file, "NAME")
    payers: set[str] = set()
    payees: set[str] = set()
    for path in sorted(p for p in data.rglob("*") if p.is_file() and p.suffix.lower() in X12):
        try:
            result = read_835(path.read_bytes())
        except Exception:  # noqa: BLE001 - a file that is no 835 has no names to measure
            continue
        for tx in result.transactions:
            payers |= {tx.payer.name} if tx.payer is not None and tx.payer.name else set()
            payees |= {tx.payee.name} if tx.payee is not None and tx.payee.name else set()
    yield "835 payer names (N1*PR)", payers
    yield "835 payee names (N1*PE)", payees


def keys(data: Path) -> Iterator[tuple[str, set[str]]]:
    claims = data / "stalcup-dev__healthcare-claims-analysis/claim_data.csv"
    if claims.exists():
        yield "claims-analysis Provider ID (provider key)", _column(claims, "Provider ID")
        yield "claims-analysis Insurance Type (payer key)", _column(claims, "Insurance Type")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data")
    parser.add_argument("--show", action="store_true", help="list the false positives")
    args = parser.parse_args()
    guard = Guard()
    total = flagged = 0
    checks = [(source, names, label_findings) for source, names in labels(args.data)]
    checks += [(source, names, key_findings) for source, names in keys(args.data)]
    for source, names, find in checks:
        hits = sorted(n for n in names if find(n, guard))
        total, flagged = total + len(names), flagged + len(hits)
        print(f"{source}: {len(hits)} of {len(names)} flagged")
        if args.show:
            print("".join(f"  {n!r}\n" for n in hits), end="")
    files = sorted({p.name for p in args.data.rglob("*") if p.is_file()})
    changed = [(n, shown_file_name(n, guard)) for n in files if shown_file_name(n, guard) != n]
    print(f"file names in the data folder: {len(changed)} of {len(files)} changed")
    if args.show:
        print("".join(f"  {a!r} -> {b!r}\n" for a, b in changed), end="")
    print(f"labels and keys: {flagged} of {total} flagged ({100 * flagged / max(total, 1):.2f} % false positives)")


if __name__ == "__main__":
    main()
