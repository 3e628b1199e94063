"""``bot.slack.payload``: hostile button values, metadata and modal state become a UsageError (a
FieldError naming the input when one is at fault), never another exception; the modal answer
puts it on that input (Slack: ``response_action: errors`` keyed by block id,
https://api.slack.com/surfaces/modals#displaying_errors)."""

from __future__ import annotations

from datetime import date
from typing import Literal

import pytest
from pydantic import BaseModel

from bot.errors import FieldError, UsageError
from bot.slack import payload
from bot.views.modal_errors import modal_error_payload

HOSTILE = ["null", "[]", "1", "\"x\"", "'; DROP TABLE ideas; --", "{", "[" * 5000, "9" * 400, "NaN", "\x00"]


@pytest.mark.parametrize("raw", HOSTILE)
def test_metadata_that_is_not_a_json_object_is_a_stale_form(raw: str) -> None:
    with pytest.raises(UsageError) as caught:
        payload.metadata({"private_metadata": raw})
    assert caught.value.user_message == payload.STALE_FORM


def test_metadata_the_bot_wrote_is_read_back() -> None:
    assert payload.metadata({"private_metadata": '{"cycle_id": 7}'}) == {"cycle_id": 7}
    assert payload.metadata({"private_metadata": ""}) == {}  # Slack sends "" when none was set
    assert payload.metadata({}) == {}


def test_state_value_reads_each_documented_shape_and_nothing_else() -> None:
    view = {"state": {"values": {
        "t": {"value": {"type": "plain_text_input", "value": "hello"}},
        "s": {"value": {"type": "static_select", "selected_option": {"value": "adopt"}}},
        "d": {"value": {"type": "datepicker", "selected_date": "2026-12-05"}},
        "u": {"value": {"type": "users_select", "selected_user": "U0ABC"}},
        "c": {"value": {"type": "checkboxes", "selected_options": [{"value": "yes"}, 5, {"value": 3}]}},
        "bad": {"value": {"type": "static_select", "selected_option": "adopt"}},
        "list": [1, 2],
    }}}
    assert [payload.state_value(view, b) for b in "tsduc"] == ["hello", "adopt", "2026-12-05", "U0ABC", ["yes"]]
    assert payload.state_value(view, "bad") is None
    assert payload.state_value(view, "list") is None
    assert payload.state_value(view, "missing") is None
    assert payload.state_value({"state": "x"}, "t") is None


@pytest.mark.parametrize("text", ["2026-02-30", "2026-13-45", "20261205", "not a date", "２０２６-01-01", "9" * 400])
def test_a_date_that_is_no_calendar_date_is_refused_on_its_input(text: str) -> None:
    with pytest.raises(FieldError) as caught:
        payload.iso_date(text, "due")
    assert caught.value.block_id == "due"


def test_a_calendar_date_is_read() -> None:
    assert payload.iso_date("2024-02-29") == date(2024, 2, 29)  # leap day
    assert payload.iso_date(None) is None


@pytest.mark.parametrize("value", ["U0NOBODY", "W0GUEST"])
def test_user_ids_in_slack_form_are_accepted(value: str) -> None:
    assert payload.user_id(value) == value


@pytest.mark.parametrize("value", ["", "u0abc", "9" * 400, "<@U0ADMIN>", "C0NOWHERE", None, 5])
def test_anything_else_is_not_a_person(value: object) -> None:
    with pytest.raises(FieldError):
        payload.user_id(value, "owner")


class _Update(BaseModel):
    observations: str = ""
    act: Literal["adopt", "adapt", "abandon"] | None = None


def test_typed_puts_a_validation_error_on_the_fields_block() -> None:
    with pytest.raises(FieldError) as caught:
        payload.typed(_Update, {"act": "pdsa_act"}, "pdsa_observations", act="<!channel>")
    assert caught.value.block_id == "pdsa_act"
    assert caught.value.user_message.startswith("act:")
    assert payload.typed(_Update, {}, None, act="adopt").act == "adopt"


VIEW = {"blocks": [{"type": "section", "block_id": "s"}, {"type": "input", "block_id": "first"},
                   {"type": "input", "block_id": "act"}]}


def test_the_modal_answer_marks_the_named_input() -> None:
    assert modal_error_payload(VIEW, "no", "act") == {"response_action": "errors", "errors": {"act": "no"}}


def test_a_block_the_view_does_not_hold_falls_back_to_its_first_input() -> None:
    # Slack refuses ``errors`` for a block id the view does not have
    assert modal_error_payload(VIEW, "no", "s") == {"response_action": "errors", "errors": {"first": "no"}}
    assert modal_error_payload(VIEW, "no", None) == {"response_action": "errors", "errors": {"first": "no"}}


def test_a_modal_without_inputs_is_updated_with_the_message() -> None:
    answer = modal_error_payload({"blocks": [{"type": "section"}]}, "out of date", "x")
    assert answer["response_action"] == "update" and "out of date" in str(answer["view"]["blocks"])
