"""Weekday and month names (census lists hold "Sunday", "April", "June" as given names), foreign
prepositions and foreign KPI phrasing never make a question "about one patient": such questions
are read or said not understood, never refused as a person. A surname alone after "for" that is
no configured name ("for Smith", "for Silva") is declined as a possible patient either way, and
never echoed. Cases drawn here from fixed lists, not from the reader's own word lists."""

from __future__ import annotations

import random

import pytest

from bot.kpi.reader import read
from tests.reader.networks import NETWORKS, vocabulary

V, NOW = vocabulary("dev"), NETWORKS["dev"][2]
CLINICS = ("maple grove", "highland", "riverside", "lincoln park", "willow creek")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "Sunday", "Friday")
MONTHS = ("april", "June", "august", "may", "january")
FOREIGN = ("taxa de faltas em {c} no mês passado", "tasa de inasistencia en {c}", "taxa de faltas na {c} em {m}",
           "tasa de ausencias en {c} el {d}", "indice de faltas {c} hoje", "porcentaje de citas perdidas en {c}",
           "taux d'absence à {c} {d}")
ENGLISH = ("expected no-shows on {d} at {c}", "no-show rate {d} at {c}", "no shows at {c} on {d} in {m}",
           "denials at {c} for {m}", "what was the no-show rate on {d}s at {c}")
SURNAMES = ("Smith", "Silva", "Johnson", "Brown", "Garcia", "Miller", "Davis", "Rodriguez", "Wilson", "Taylor",
            "Thompson", "Harris", "Clark", "Lewis", "Walker", "Pereira", "Oliveira", "Souza", "Martinez", "Anderson")


def cases(n: int = 80) -> list[str]:
    rng = random.Random(2026)
    return [rng.choice(FOREIGN + ENGLISH).format(c=rng.choice(CLINICS), d=rng.choice(DAYS), m=rng.choice(MONTHS))
            for _ in range(n)]


@pytest.mark.parametrize("q", cases())
def test_days_months_and_foreign_words_are_not_a_person(q: str) -> None:
    r = read(q, V, NOW)
    assert r.status != "refuse" or "individual patient" not in r.message, (q, r.message)


def _configured() -> set[str]:
    return {w for table in (V.index, V.weak, V.prefixes, V.parts) for k in table for w in k.split()}


@pytest.mark.parametrize("name", [s for s in SURNAMES if s.lower() not in _configured()])
@pytest.mark.parametrize("form", ["no show rate for {s}", "no-show rate for {s} last month", "denials for {s}"])
def test_a_surname_alone_after_for_is_declined_without_echo(name: str, form: str) -> None:
    r = read(form.format(s=name), V, NOW)
    assert r.status == "refuse" and "individual patient" in r.message, (name, r.status, r.message)
    assert name.lower() not in r.message.lower()
