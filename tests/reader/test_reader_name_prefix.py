"""The start (three letters or more) of a clinic name's first word in a clinic's place resolves as
/kpi's resolver does (bot.names: a prefix of the name): one clinic → that clinic ("at pine" →
Pinecrest), several → asked back with them. Expected sets computed here from the names."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import pytest

from bot.kpi.reader import read
from bot.kpi.reader.dates import MONTHS
from bot.kpi.reader.vocab import build_vocabulary
from bot.kpi.reader.words import FILLER

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
FIRST = ("Pinecrest", "Pinewood", "Seaside", "Clearwater", "Saguaro", "Sagebrush", "Cedarbrook", "Brambleton",
         "Thornbury", "Marigold", "Maplehurst", "Quillfield")
REST = ("Primary Care", "Internal Medicine", "Family Health", "Pediatrics")


def cases(n: int = 120) -> list[tuple[dict[str, str], str, set[str]]]:
    rng = random.Random(1206)
    out = []
    while len(out) < n:
        names = {f.lower(): f"{f} {rng.choice(REST)}" for f in rng.sample(FIRST, 7)}
        first = rng.choice(list(names))
        cut = first[:rng.randint(3, len(first) - 1)]
        if cut in FILLER or cut in MONTHS or any(cut in n.lower().split() for n in names.values()):
            continue
        have = {k for k in names if k.startswith(cut)}
        q = rng.choice(("no-show rate at {p}", "denial rate for {p} last month", "no shows in {p}",
                        "what is the clean claim rate at the {p}")).format(p=cut)
        out.append((names, q, have))
    return out


@pytest.mark.parametrize("names, q, have", cases())
def test_a_prefix_of_a_clinic_name_resolves_like_the_command_form(names: dict[str, str], q: str,
                                                                 have: set[str]) -> None:
    v = build_vocabulary([(k, n, "UTC") for k, n in names.items()], [], [], data_start=date(2026, 1, 1),
                         data_end=date(2026, 12, 5))
    r = read(q, v, NOW)
    if len(have) == 1:
        assert (r.status, r.clinic) == ("answer", next(iter(have))), (q, r.status, r.message)
    else:
        assert r.status == "clarify" and {o.patch.get("clinic") for o in r.options} == have, (q, r.message)


def test_two_letters_are_not_a_name() -> None:
    v = build_vocabulary([("pinecrest", "Pinecrest Primary Care", "UTC")], [], [], data_start=date(2026, 1, 1),
                         data_end=date(2026, 12, 5))
    assert read("no-show rate at pi", v, NOW).clinic is None
