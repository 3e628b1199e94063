"""A generic word (filler: "center", "practice", "group", "hospital") standing alone in a clinic's
place and occurring inside a clinic's name is asked back with the clinics that have it, never
dropped to an all-clinics answer ("no-show rate at center" with Canyon Health Center); followed by
a real name ("at clinic seaside") the name is read. Expected clinic sets come from the names here.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, date, datetime

import pytest

from bot.kpi.reader import read
from bot.kpi.reader.vocab import build_vocabulary
from bot.kpi.reader.words import FILLER

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
GENERIC = ("center", "centre", "practice", "group", "hospital", "clinic", "office", "facility")
PLACES = ("Juniper", "Harbor", "Aspen", "Brookfield", "Quarry", "Lakeview", "Tamarack", "Fernwood", "Osprey")
MIDDLE = ("Health", "Family", "Medical", "Community", "Primary Care")


def network(rng: random.Random) -> dict[str, str]:
    names = {}
    for place in rng.sample(PLACES, 6):
        names[place.lower()] = f"{place} {rng.choice(MIDDLE)} {rng.choice(GENERIC).title()}"
    return names


def cases(n: int = 80) -> list[tuple[dict[str, str], str, set[str]]]:
    rng = random.Random(612)
    out = []
    while len(out) < n:
        names = network(rng)
        w = rng.choice(GENERIC)
        assert w in FILLER or w == "centre"
        have = {k for k, name in names.items() if w in re.findall(r"[a-z]+", name.lower())}
        q = rng.choice(("no-show rate at {w}", "what's the denial rate at the {w}", "no shows for {w} last month",
                        "clean claim rate in {w}")).format(w=w)
        out.append((names, q, have))
    return out


@pytest.mark.parametrize("names, q, have", cases())
def test_a_generic_word_inside_a_clinic_name_is_never_dropped(names: dict[str, str], q: str, have: set[str]) -> None:
    v = build_vocabulary([(k, n, "UTC") for k, n in names.items()], [], [], data_start=date(2026, 1, 1),
                         data_end=date(2026, 12, 5))
    r = read(q, v, NOW)
    assert r.clinic is None or r.status != "answer", (q, r)
    if have:
        assert r.status == "clarify", (q, r.status, r.message)
        assert {o.patch.get("clinic") for o in r.options} >= have, (q, r.options)
    else:
        assert r.status == "answer" and r.clinic is None, (q, r.status, r.message)


def test_a_name_after_a_generic_word_is_read() -> None:
    v = build_vocabulary([("juniper", "Juniper Health Center", "UTC"), ("aspen", "Aspen Family Clinic", "UTC")], [], [],
                         data_start=date(2026, 1, 1), data_end=date(2026, 12, 5))
    assert read("no-show rate at clinic aspen", v, NOW).clinic == "aspen"
    assert read("no-show rate at the center juniper", v, NOW).clinic == "juniper"
