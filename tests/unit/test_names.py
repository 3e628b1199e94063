"""The one name resolver (issue 17, ``bot.names``): its tiers, its ambiguity and unknown answers.
Expected rows follow from the names by reading them, as a person would."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.names import AmbiguousName, UnknownName, matches, pick


@dataclass(frozen=True)
class Row:
    key: str
    name: str


ROWS = [Row("juniper", "Juniper Family Health"), Row("north", "North Family Practice"),
        Row("south", "South Pediatrics"), Row("junction", "Junction Clinic"), Row("res", "RESISTÊNCIA")]


@pytest.mark.parametrize(("query", "key"), [
    ("juniper", "juniper"),                 # the key
    ("JUNIPER FAMILY HEALTH", "juniper"),   # the name, another case
    ("  juniper   family health ", "juniper"),  # spacing
    ("junip", "juniper"),                   # a unique prefix
    ("Juniper", "juniper"),
    ("pediatrics", "south"),                # a word of the name
    ("ily Hea", "juniper"),                 # anywhere in the name
    ("resistencia", "res"),                 # accents folded
])
def test_a_name_resolves_to_the_one_clinic_it_means(query: str, key: str) -> None:
    assert pick("clinic", query, ROWS).key == key


def test_the_first_tier_with_a_match_decides() -> None:
    rows = [Row("a", "Oak"), Row("b", "Oak Park"), Row("c", "Oakland")]
    assert pick("clinic", "oak", rows).key == "a"           # the full name beats the names it starts
    assert [r.key for r in matches("oak p", rows)] == ["b"]


def test_several_matches_are_listed_and_asked_about() -> None:
    with pytest.raises(AmbiguousName) as err:
        pick("clinic", "family", ROWS)
    assert err.value.user_message == ("'family' matches 2 clinics: Juniper Family Health (juniper); "
                                      "North Family Practice (north). Which one? Type more of the name, or its key.")
    assert {r.key for r in err.value.candidates} == {"juniper", "north"}


def test_an_unknown_name_gets_did_you_mean() -> None:
    with pytest.raises(UnknownName) as err:
        pick("clinic", "junipr", ROWS)
    assert err.value.user_message.startswith("Unknown clinic 'junipr' — did you mean `Juniper Family Health` (juniper)")
    with pytest.raises(UnknownName, match="none is known yet"):
        pick("payer", "aetna", [])


@pytest.mark.parametrize("query", ["maria silva", "Kwame Osei", "silva", "rose whitfield", "josé da conceição"])
def test_an_unknown_name_that_may_be_a_person_is_not_repeated(query: str) -> None:
    """A patient's name typed where a clinic goes (``/kpi no-show-rate clinic maria silva``)."""
    for rows in (ROWS, []):
        with pytest.raises(UnknownName) as err:
            pick("clinic", query, rows)
        message = err.value.user_message.lower()
        assert message.startswith("unknown clinic")
        assert not any(word in message for word in ("maria", "silva", "kwame", "osei", "rose", "whitfield",
                                                     "jose", "josé", "conceicao", "conceição"))


def test_300_names_sharing_prefixes() -> None:
    rows = [Row(f"{s.lower()}-{i}", f"{s} {i}") for s in ("Juniper", "Junction", "North", "Northgate",
                                                           "Northfield", "South") for i in range(1, 51)]
    assert len(rows) == 300
    assert pick("clinic", "juniper 1", rows).key == "juniper-1"      # not Juniper 10…19
    assert pick("clinic", "north-1", rows).key == "north-1"          # the key, not north-10…19
    assert pick("clinic", "northgate 50", rows).key == "northgate-50"
    assert len(matches("north", rows)) == 150                         # North*, Northgate*, Northfield*
    assert len(matches("northf", rows)) == 50
    with pytest.raises(AmbiguousName, match=r"^'jun' matches 100 clinics: "):
        pick("clinic", "jun", rows)


# ---- "did you mean" only for a genuinely close name (tester's report) -------------------------
def _typos(word: str) -> list[str]:
    """One slip each, made by hand: a letter dropped, doubled, swapped with its neighbour, replaced."""
    mid = len(word) // 2
    return [word[:mid] + word[mid + 1:], word[:mid] + word[mid] + word[mid:],
            word[:mid] + word[mid + 1] + word[mid] + word[mid + 2:], word[:mid] + "x" + word[mid + 1:]]


@pytest.mark.parametrize("row", ROWS[:4])
def test_a_one_letter_slip_of_a_key_or_a_name_word_is_suggested(row: Row) -> None:
    for typo in _typos(row.key) + _typos(row.name.split()[0].lower()):
        if matches(typo, ROWS):
            continue  # a slip that is still a prefix or substring resolves instead
        with pytest.raises(UnknownName) as err:
            pick("clinic", typo, ROWS)
        assert err.value.close and f"did you mean `{row.name}` ({row.key})" in err.value.user_message


@pytest.mark.parametrize("query", ["zzqx", "seaside", "maria ortiz", "kingsport", "nowhere", "bayfront clinic"])
def test_an_unrelated_name_gets_no_suggestion(query: str) -> None:
    # none of these shares more than a few scattered letters with any of ROWS' keys or names
    with pytest.raises(UnknownName) as err:
        pick("clinic", query, ROWS)
    message = err.value.user_message
    assert not err.value.close and "did you mean" not in message
    assert not any(r.name in message or f"({r.key})" in message for r in ROWS)
    # a query that reads as a person's name ("maria ortiz": census given name + surname) is never
    # repeated back, since it could be a patient's (issue 15)
    named = "Unknown clinic" if query == "maria ortiz" else f"Unknown clinic '{query}'"
    assert message == f"{named}: no clinic of the {len(ROWS)} known has a close name."
