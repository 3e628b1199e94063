"""Words in a clinic's place (after at / in / for / @ / clinic) are a clinic, never dropped
(``bot.kpi.reader.slots``): one clinic → that clinic; several → asked back with those clinics as
buttons; none → said so. Name particles ("do", "da", "de", "dos") included, though English or
Portuguese stopwords.

Expected sets are computed here from the clinic names alone (folded words, word-by-word prefix;
a phrase that is a whole clinic name means that clinic), not by the reader: on the Kaggle clinic
list (the ``Neighbourhood`` column of ``shared/data``, skipped when absent) and on a generated
300-clinic network with particle-led and particle-joined names.
"""

from __future__ import annotations

import csv
import random
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.kpi.reader import Reading, read
from bot.kpi.reader.vocab import Vocabulary, build_vocabulary
from bot.kpi.reader.words import FILLER
from core.text import fold
from tests.reader.networks import NETWORKS, vocabulary

NOW = datetime(2016, 6, 20, 15, 0, tzinfo=UTC)
TEMPLATES = ("no-show rate at {w}", "no shows @{w} last month", "what's the no-show rate for {w}",
             "no show rate in {w} in may 2016", "denial rate at the {w}", "@{w} no-show rate last week")
PARTICLES = ("do", "da", "de", "dos", "das", "del", "la", "van")


def words(name: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[a-z0-9]+", fold(name)))


def expected(phrase: tuple[str, ...], names: dict[str, str]) -> tuple[str, set[str]]:
    """("exact" | "prefix" | "inside" | "none", clinic keys) for ``phrase`` typed in a clinic's place."""
    whole = {k for k, n in names.items() if words(n) == phrase or words(k.replace("-", " ")) == phrase}
    if whole:
        return "exact", whole
    starts = {k for k, n in names.items() if words(n)[:len(phrase)] == phrase}
    if starts:
        return "prefix", starts
    inside = {k for k, n in names.items()
              if any(words(n)[i:i + len(phrase)] == phrase for i in range(1, len(words(n))))}
    return ("inside", inside) if inside else ("none", set())


def check(r: Reading, kind: str, keys: set[str], q: str) -> None:
    if kind == "exact" or (kind == "prefix" and len(keys) == 1):
        assert (r.status, r.clinic) == ("answer", next(iter(keys))), (q, r.status, r.message)
        return
    if r.status == "refuse" and kind in ("inside", "none"):  # a surname-like word: declined as a person
        assert "individual patient" in r.message, (q, r.message)
        return
    assert r.status == "clarify", (q, r.status, r.clinic)  # never an answer for the network
    got = {o.patch.get("clinic") for o in r.options}
    if kind == "none":  # said unknown (or, for "dos", asked which KPI: days of supply is "dos")
        assert got <= {None} and ("know" in r.message or "KPI" in r.message), (q, r.message)
        return
    if kind == "inside" and not got and len(q.split()) > 4:  # a whole name, then words no clinic has after it
        assert "understand" in r.message or "know" in r.message, (q, r.message)
        return
    assert got <= keys and len(got) == min(5, len(keys)), (q, got, keys)


def kaggle_names(shared: Path) -> dict[str, str]:
    path = shared / "data" / "rmartins__DataMining" / "KaggleV2-May-2016.csv"
    if not path.exists():
        pytest.skip(f"{path} is absent: the Kaggle clinic list comes from it")
    with path.open(encoding="utf-8", newline="") as f:
        names = {row["Neighbourhood"].strip() for row in csv.DictReader(f)} - {""}
    return {"-".join(words(n)): n for n in names}


def vocab_of(names: dict[str, str]) -> Vocabulary:
    return build_vocabulary([(k, n, "America/Sao_Paulo") for k, n in names.items()], [], [],
                            default_zone="America/Sao_Paulo", data_start=date(2016, 4, 29), data_end=date(2016, 6, 8))


def phrases(names: dict[str, str]) -> set[tuple[str, ...]]:
    """Every word-prefix and every inner run (up to three words) of every name, and particles no
    name may have."""
    out: set[tuple[str, ...]] = {(p,) for p in PARTICLES}
    for n in names.values():
        w = words(n)
        out |= {w[a:b] for a in range(len(w)) for b in range(a + 1, min(len(w), a + 3) + 1)
                if a == 0 or not set(w[a:b]) <= FILLER}  # "center" inside a name is read as a filler word
    return {p for p in out if not all(x.isdigit() for x in p)}


def run_all(names: dict[str, str], v: Vocabulary) -> int:
    asked = 0
    for i, p in enumerate(sorted(phrases(names))):
        kind, keys = expected(p, names)
        for t in (TEMPLATES[i % len(TEMPLATES)], TEMPLATES[(i + 3) % len(TEMPLATES)]):
            q = t.format(w=" ".join(p))
            r = read(q, v, NOW)
            check(r, kind, keys, q)
            asked += r.status == "clarify"
    return asked


def test_kaggle_clinic_words(shared_dir: Path) -> None:
    names = kaggle_names(shared_dir)
    assert len(names) == 81  # SOURCES.md: 81 neighbourhoods
    v = vocab_of(names)
    for q, keys in (("no-show rate at do", {"do-cabral", "do-moscoso", "do-quadro"}),
                    ("no shows for dos", set())):
        r = read(q, v, NOW)
        assert r.status == "clarify" and {o.patch.get("clinic") for o in r.options} <= keys | {None}
    assert read("no-show rate at da", v, NOW).clinic == "da-penha"
    assert run_all(names, v) > 50


def generated_network(n: int = 300, seed: int = 11) -> dict[str, str]:
    rng = random.Random(seed)
    stems = ("Moscoso", "Quadro", "Cabral", "Penha", "Lourdes", "Rosario", "Carmo", "Gloria", "Lago", "Monte",
             "Sol", "Mare", "Prado", "Bosque", "Vale", "Campo", "Rio", "Pilar", "Paz", "Luz", "Norte", "Sul")
    heads = ("Jardim", "Ilha", "Praia", "Vila", "Parque", "Alto", "Porto", "Santa", "Sao", "Nova")
    kinds = ("", " Clinic", " Health Center", " Family Practice")
    names: dict[str, str] = {}
    while len(names) < n:
        shape = rng.random()
        p, s, h = rng.choice(PARTICLES[:6]).title(), rng.choice(stems), rng.choice(heads)
        base = f"{p} {s}" if shape < 0.35 else f"{h} {p} {s}" if shape < 0.7 else f"{h} {s}"
        name = base + rng.choice(kinds)
        key = "-".join(words(base))
        if key not in names and all(words(x)[:len(words(base))] != words(base) for x in names.values()):
            names[key] = name
    return names


def test_generated_300_clinic_network() -> None:
    names = generated_network()
    v = vocab_of(names)
    assert len(v.clinics) == 300
    assert run_all(names, v) > 100


@pytest.mark.parametrize("q", ["no-show rate at do", "no shows @de last month", "denials for da",
                               "no-show rate at the del", "clinic do no-show rate"])
def test_a_particle_no_clinic_has_is_said_unknown(q: str) -> None:
    v, now = vocabulary("dev"), NETWORKS["dev"][2]
    r = read(q, v, now)
    assert r.status == "clarify" and r.clinic is None and not r.options, (q, r.status, r.message)
    assert "know" in r.message


@pytest.mark.parametrize("q, clinic", [
    ("how do clinics compare on no shows last month", None),  # "do" not in a clinic's place: a verb
    ("what do we have for no shows at highland", "highland"),
    ("no shows @highland last month", "highland"),
    ("no-show rate at maple", "maple-grove"),
])
def test_english_questions_still_read(q: str, clinic: str | None) -> None:
    v, now = vocabulary("dev"), NETWORKS["dev"][2]
    r = read(q, v, now)
    assert r.status in ("answer", "clarify") and r.clinic == clinic
    if clinic:
        assert r.status == "answer", (q, r.message)
