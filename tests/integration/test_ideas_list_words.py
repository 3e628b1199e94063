"""``/idea list <clinic> [state]``: a word after the clinic that is neither is named for what it
stands in place of (a state, with the states listed), never reported as an unknown clinic."""

from __future__ import annotations

import pytest

from bot.errors import UsageError
from bot.ideas.clinics import listed_clinic
from bot.ideas.commands import parse_idea
from bot.orgconfig import OrgConfig
from storage.db import session_scope

ORG = OrgConfig.model_validate({"clinics": [
    {"key": "seaside", "name": "Seaside Internal Medicine", "timezone": "America/New_York"},
    {"key": "north", "name": "North Family Practice", "timezone": "America/New_York"},
]})
STATES = "new, under_review, planned, testing, adopted, adapted, abandoned, declined"  # bot.ideas.states, in order


def _list(sessions, text: str) -> str | None:  # type: ignore[no-untyped-def]
    req = parse_idea(text)
    with session_scope(sessions) as s:
        found = listed_clinic(s, ORG, req.clinic, state_given=req.state is not None)
        return found.key if found else None


def test_a_wrong_state_after_the_clinic_is_named_a_state(sessions) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError) as exc:
        _list(sessions, "list seaside bogus")
    assert str(exc.value) == f"'bogus' is not an idea state. States: {STATES}."


def test_a_word_after_clinic_and_state_is_named_neither(sessions) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match=r"after Seaside Internal Medicine and the state, 'bogus' is neither"):
        _list(sessions, "list seaside adopted bogus")


def test_a_name_in_the_state_place_is_not_repeated(sessions) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError) as exc:
        _list(sessions, "list seaside maria silva")
    assert "silva" not in str(exc.value).lower() and "is not an idea state" in str(exc.value)


def test_a_lone_unknown_word_is_neither_clinic_nor_state(sessions) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match=r"(?s)Unknown clinic.*\nIt is not an idea state either"):
        _list(sessions, "list bogus")


@pytest.mark.parametrize("text, key", [("list seaside adopted", "seaside"), ("list north family practice testing", "north"),
                                        ("list", None)])
def test_clinic_and_state_still_read(sessions, text: str, key: str | None) -> None:  # type: ignore[no-untyped-def]
    assert _list(sessions, text) == key
