"""Words of another language that no list holds are not taken for a person's name when they are
inflected as Portuguese, Spanish or French verbs or participles ("foram perdidas", "reclamos
rechazados", "se perdieron"), nor is a patient word ("pacientes"); people named in such questions
are still declined, as written and lower-cased. Questions written here from grammar books' forms,
not from the reader's lists."""

from __future__ import annotations

import itertools

import pytest

from bot.kpi.reader import read
from tests.reader.networks import NETWORKS, vocabulary
from tests.reader.test_reader_person import PEOPLE, _assert_declined_without_echo

V, NOW = vocabulary("dev"), NETWORKS["dev"][2]


@pytest.mark.parametrize("q", [
    "quantas consultas foram perdidas em willow creek na semana passada",
    "cuántas citas se perdieron en lincoln park la semana pasada",
    "mostrar la tasa de reclamos rechazados en willow creek",
    "quantos pacientes faltaram em riverside ontem",
    "consultas canceladas por pacientes em highland",
    "citas perdidas en maple grove",
])
def test_inflected_foreign_words_are_not_a_person(q: str) -> None:
    r = read(q, V, NOW)
    assert not (r.status == "refuse" and "individual patient" in r.message), (q, r.message)


FORMS = ("taxa de faltas de {n} em highland", "cuántas citas perdió {n} en highland",
         "consultas perdidas de {n} em riverside", "citas canceladas de {n} en maple grove")


@pytest.mark.parametrize(("form", "name"), list(itertools.product(FORMS, PEOPLE)))
def test_a_person_in_a_foreign_question_is_still_declined(form: str, name: str) -> None:
    for written in (name, name.lower()):
        q = form.format(n=written)
        r = read(q, V, NOW)
        _assert_declined_without_echo(q, written, r.status, r.message)
