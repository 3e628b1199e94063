"""Labelled questions for the reader's "one person" rule (:mod:`bot.kpi.reader.person`), shared by
its tests (``tests/reader/test_reader_person.py``, ``test_reader_not_a_person.py``) and
``bench/bench_person.py``, which must import without pytest. Drawn from fixed lists written for the
rule, not from the reader's own word lists."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from bot.kpi.reader.vocab import Vocabulary, build_vocabulary
from devtools.seed.reader_networks import NETWORKS, vocabulary

V, NOW = vocabulary("dev"), NETWORKS["dev"][2]

# made-up people named in questions (must be declined, no part of the name said back)
PEOPLE = ["Maria Silva", "José da Conceição", "João dos Santos", "Ana Lima", "Kwame Osei", "Siobhán O'Connor",
          "François Dubois", "Zoë Müller", "Priya Raghunathan", "Mohammed Al-Rashid", "Oluwaseun Adeyemi",
          "Chen Wei", "Grace Whitfield", "Tomás Herrera", "Ingrid Bergström", "Dmitri Volkov"]
TEMPLATES = ["how many no-shows did {n} have?", "no-show rate for {n} last month", "what is {n}'s no-show rate",
             "did {n} show up last week", "no show rate at highland for {n}", "{n} no-shows this year",
             "denial rate for {n} in september", "has {n} missed appointments at maple grove"]

# clinics of the public no-show file named like people, and a provider named like one
KAGGLE: Vocabulary = build_vocabulary([("maria-ortiz", "MARIA ORTIZ", "America/Sao_Paulo"),
                                       ("jesus-de-nazareth", "JESUS DE NAZARETH", "America/Sao_Paulo"),
                                       ("bento-ferreira", "BENTO FERREIRA", "America/Sao_Paulo"),
                                       ("jardim-da-penha", "JARDIM DA PENHA", "America/Sao_Paulo")],
                                      [("lee", "Dr Lee", "bento-ferreira")], [])
KNOW = datetime(2016, 6, 9, 12, tzinfo=UTC)

# questions naming nobody: weekdays and months (census lists hold some as given names), foreign wording
CLINICS = ("maple grove", "highland", "riverside", "lincoln park", "willow creek")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "Sunday", "Friday")
MONTHS = ("april", "June", "august", "may", "january")
FOREIGN = ("taxa de faltas em {c} no mês passado", "tasa de inasistencia en {c}", "taxa de faltas na {c} em {m}",
           "tasa de ausencias en {c} el {d}", "indice de faltas {c} hoje", "porcentaje de citas perdidas en {c}",
           "taux d'absence à {c} {d}")
ENGLISH = ("expected no-shows on {d} at {c}", "no-show rate {d} at {c}", "no shows at {c} on {d} in {m}",
           "denials at {c} for {m}", "what was the no-show rate on {d}s at {c}")
# surnames that, alone after "for", may be a patient
SURNAMES = ("Smith", "Silva", "Johnson", "Brown", "Garcia", "Miller", "Davis", "Rodriguez", "Wilson", "Taylor",
            "Thompson", "Harris", "Clark", "Lewis", "Walker", "Pereira", "Oliveira", "Souza", "Martinez", "Anderson")


def cases(n: int = 80) -> list[str]:
    """``n`` questions naming nobody, drawn with a fixed seed from the lists above."""
    rng = random.Random(2026)
    return [rng.choice(FOREIGN + ENGLISH).format(c=rng.choice(CLINICS), d=rng.choice(DAYS), m=rng.choice(MONTHS))
            for _ in range(n)]


def configured() -> set[str]:
    """Every word of the dev network's clinic, provider and payer names."""
    return {w for table in (V.index, V.weak, V.prefixes, V.parts) for k in table for w in k.split()}
