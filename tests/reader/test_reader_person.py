"""Questions about one person are declined without repeating any part of the name (outside
tester: "how many no-shows did Maria Silva have?" answered "I didn't understand “silva”").

The expectations come from the rule (the bot answers about clinics, providers, payers and teams
in aggregate, never about a patient; nothing that may be part of a name is said back), not from
running the reader: the names below are made up, in several languages and spellings, none of
them a clinic or provider of the networks; the configured clinics and providers come from the
generated development network and from clinics named like people (the Kaggle no-show data's
neighbourhoods, e.g. "MARIA ORTIZ")."""

from __future__ import annotations

import itertools
import re

import pytest

from bot.kpi.reader import read
from bot.kpi.reader.vocab import norm
from devtools.seed.person_labels import KAGGLE, KNOW, NOW, PEOPLE, TEMPLATES, V


def _tokens(text: str) -> set[str]:
    return {t for t in norm(text).split() if len(t) > 1}


def _assert_declined_without_echo(q: str, name: str, reply_status: str, message: str) -> None:
    assert reply_status == "refuse", (q, message)
    assert "individual patient" in message and "aggregate" in message
    said = set(norm(message).split())
    leaked = _tokens(name) & said
    assert not leaked, (q, leaked, message)
    assert not re.search(r"\b(" + "|".join(map(re.escape, _tokens(name))) + r")\b", norm(message)), (q, message)


@pytest.mark.parametrize(("template", "name"), list(itertools.product(TEMPLATES, PEOPLE)))
def test_a_named_person_is_declined_and_no_part_of_the_name_is_said(template, name):
    for written in (name, name.lower()):
        q = template.format(n=written)
        r = read(q, V, NOW)
        _assert_declined_without_echo(q, written, r.status, r.message)


@pytest.mark.parametrize("q, name", [
    ("no-show rate for John", "John"), ("John's no-shows", "John"), ("did maria show up", "maria"),
    ("no shows for patient Reyes", "Reyes"), ("patient Tomas Reyes no-show history", "Tomas Reyes"),
    ("mrs whitfield no-shows", "whitfield"), ("did Mr. Okonkwo come in", "Okonkwo"),
    ("Sra. Lima no-show rate", "Lima"), ("no show rate for patient 12345678", "12345678"),
    ("no-show rate for 00451182 last month", "00451182"), ("no-shows for mrn 0045 1182", "0045 1182"),
    ("no show rate for the patient born 1980-01-02", "1980"), ("no-shows dob 02/01/1980", "1980"),
    ("no show rate for pt. gonzalez at highland", "gonzalez"), ("Gonzalez's denial rate", "Gonzalez"),
    ("no shows for member A12345678", "A12345678"), ("did 555-867-5309 no show", "5309"),
])
def test_titles_possessives_numbers_and_dates_of_birth_are_declined(q, name):
    r = read(q, V, NOW)
    _assert_declined_without_echo(q, name, r.status, r.message)


def test_a_person_named_in_a_follow_up_is_declined():
    first = read("no-show rate at highland last month", V, NOW)
    assert first.status == "answer"
    r = read("and for Maria Silva?", V, NOW, context=first)
    _assert_declined_without_echo("and for Maria Silva?", "Maria Silva", r.status, r.message)


@pytest.mark.parametrize("q", [
    "no show rate for bloop flarg", "no-show rate at Oyelaran", "no-show rate at springfield",
    "no show rate at highland for zorbly",
])
def test_an_unexplained_word_is_said_back_only_when_it_cannot_be_a_name(q):
    r = read(q, V, NOW)
    assert r.status in ("clarify", "refuse")
    names = {"bloop", "flarg", "oyelaran", "springfield", "zorbly"}  # not English words: may be names
    assert not names & set(norm(r.message).split()), r.message


def test_an_english_word_that_is_no_name_is_still_said_back():
    assert read("no-show rate at downtown", V, NOW).message.startswith("I don't know a clinic called downtown")
    assert "“patients”" in read("no-show rate for new patients at highland", V, NOW).message


def test_configured_providers_named_like_people_still_answer():
    key = {e.name: e.key for e in V.providers.values()}  # names as the generated network has them
    for q, provider in [("no-show rate for Kwame Santos last month", "Dr. Kwame Santos"),
                        ("no show rate for dr yuki silva", "Dr. Yuki Silva"),
                        ("what's Samuel Mendoza's no-show rate", "Samuel Mendoza, NP")]:
        r = read(q, V, NOW)
        assert (r.status, r.provider) == ("answer", key[provider]), (q, r.message)
    assert read("no-show rate for dr walker", V, NOW).status == "clarify"  # three Walkers: asked, not declined




@pytest.mark.parametrize("q, clinic", [
    ("no-show rate clinic maria ortiz 2016-05", "maria-ortiz"),  # the README's example, read in plain words
    ("no-show rate at Maria Ortiz in may 2016", "maria-ortiz"),
    ("how is Bento Ferreira doing in may 2016", "bento-ferreira"),
    ("no shows jesus de nazareth 2016-05", "jesus-de-nazareth"),
])
def test_a_clinic_named_like_a_person_still_answers(q, clinic):
    got = read(q, KAGGLE, KNOW).to_json(KAGGLE, KNOW)
    assert (got["status"], got["clinic"]) == ("answer", clinic), got
    if "2016-05" in q or "may 2016" in q:
        assert (got["start"], got["end"]) == ("2016-05-01", "2016-05-31")


def test_a_provider_named_dr_lee_still_answers():
    r = read("no-show rate for dr lee", KAGGLE, KNOW)
    assert (r.status, r.provider) == ("answer", "lee")


@pytest.mark.parametrize("q, name", [
    ("how many no-shows did Maria Silva have?", "Maria Silva"),  # "maria" is a word of a clinic here
    ("no-show rate at maria ortiz for Maria Silva", "Silva"),
    ("did bento souza show up", "souza"),
    ("no-show rate for patient Lee", "Lee"),
])
def test_a_person_beside_a_clinic_named_like_one_is_declined(q, name):
    r = read(q, KAGGLE, KNOW)
    _assert_declined_without_echo(q, name, r.status, r.message)
