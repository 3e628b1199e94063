"""Every button and every modal the bot shows, clicked and submitted with hostile values.

The demo tour (``devtools.demo.tour``) runs on a small generated network through the real Bolt app, so the
bot posts what it posts to users: KPI answers, idea cards, PDSA worksheets, alerts, the digest,
and opens its modals. Every interactive element found in those payloads (buttons, selects,
overflow menus, date pickers in messages; every modal with a ``callback_id``) is then driven the
way Slack would deliver it, with its own value and with hostile ones (huge numbers, Unicode
digits, control characters, injection strings, ids of things that do not exist, another user's
click), ``INPUTS`` times in all, from a seeded generator; then ``STRICT_INPUTS`` more in which
every value and every ``private_metadata`` is hostile (never one the bot wrote).

Passing means: every request answers HTTP 200 (Slack shows its generic error for anything
else), nothing is logged at ERROR (an expected condition is not an error), and no reply is the
"something went wrong" fallback (that is the unhandled-error answer). In the strict pass no table
changes but the audit trail and the request receipts (which record every request, refused or
not): a click or a submission that carries no value the bot wrote can change nothing (a
legitimate click, as in the first pass, may). The mixed pass asserts no particular reply: the
expected behaviour there is "answered, not crashed". The targeted tests at the end check the
answer Slack documents for a refused submission (``response_action: errors`` keyed by an input
block of the submitted view: https://api.slack.com/surfaces/modals#displaying_errors).

Slack's payloads for a click in a modal carry the view with its ``id`` (interaction payload
reference); the harvested views get one (``V0LOCAL``) as Slack would add it.
"""

from __future__ import annotations

import json
import logging
import random
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.ids import Action
from devtools.asking import LocalSlack
from devtools.signing import interactive_body
from storage.models import Base
from tests.e2e.demo_network import toured_network
from tests.e2e.slack_payloads import signed_request

pytestmark = pytest.mark.e2e
SEED = 20261205
INPUTS = 6_000  # with STRICT_INPUTS and tests/e2e/test_fuzz_commands.py: 10,000 hostile inputs in all
STRICT_INPUTS = 2_000
HOSTILE = [
    "", " ", "0", "-1", "1e309", "NaN", "99999999999999999999999", "9" * 400, "①", "٣", "１２", "Ⅻ",
    "\x00", "\u202e1", "\u200b", "<!channel>", "<@U0ADMIN>", "'; DROP TABLE ideas; --", "{}", "[]", "null",
    "a" * 3000, "🙂" * 100, "%s", "../..", "x:y:z", "1:2", "2026-13-45", "2026-02-30", "1900-01-01",
    "9999-12-31", "not a date", "U0NOBODY", "C0NOWHERE",
]
# values the bot never writes: "" and "{}" read as the empty metadata of a modal that has none
STRICT = [h for h in HOSTILE if h not in ("", "{}")]
# a users select delivers a Slack user id ("U…"/"W…", upper-case letters and digits; Slack's
# "Formatting text for app surfaces"): a well-formed one is a person's legitimate choice (the bot
# does not look people up), so the strict pass sends users selects only what is not one
STRICT_USERS = [h for h in STRICT if not re.fullmatch(r"[UW][A-Z0-9]{2,}", h)]
BOOKKEEPING = ("audit_events", "request_receipts")  # a row per request, whatever its outcome
MODALS = {"idea_submit", "idea_status_modal", "pdsa_start", "pdsa_update", "alert_snooze_modal"}
OTHER_USERS = ["U0LOCAL", "U0STRANGER", "W0GUEST"]
SENT_METHODS = ("chat.postMessage", "chat.update", "chat.postEphemeral", "views.open", "views.push",
                "views.update", "views.publish", "chat.scheduleMessage")


def _blocks_of(params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    blocks = params.get("blocks")
    view = params.get("view")
    if isinstance(view, str):
        view = json.loads(view)
    if isinstance(view, dict):
        blocks = view.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    yield from blocks or []


def _elements(block: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if "accessory" in block:
        yield block["accessory"]
    yield from block.get("elements") or []
    if "element" in block:
        yield block["element"]


def harvest(local: LocalSlack) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(message elements with their block ids and container, modal views) that the bot sent."""
    elements, views = [], []
    sent = [c.params for c in local.standin.calls if c.method in SENT_METHODS]
    sent += [p.params for p in local.standin.response_posts]
    for params in sent:
        view = params.get("view")
        if isinstance(view, str):
            view = json.loads(view)
        if isinstance(view, dict) and view.get("callback_id"):
            views.append(view)
        for block in _blocks_of(params):
            for el in _elements(block):
                if el.get("action_id") and block.get("type") != "input":
                    elements.append({"block_id": block.get("block_id", "b"), "element": el,
                                     "in_view": isinstance(view, dict), "view": view,
                                     "channel": params.get("channel", "C0LOCAL"), "ts": params.get("ts", "1.2")})
    return elements, views


def _value_for(el: dict[str, Any], rng: random.Random, strict: bool = False) -> dict[str, Any]:
    """The action object Slack sends for element ``el``, with a real or hostile value (always a
    hostile one when ``strict``)."""
    kind = el.get("type", "button")
    hostile = strict or rng.random() < 0.75
    pool = STRICT if strict else HOSTILE
    options = el.get("options") or [o for g in el.get("option_groups") or [] for o in g.get("options", [])]
    action: dict[str, Any] = {"action_id": el["action_id"], "type": kind, "action_ts": "1.1"}
    if kind == "button":
        action["value"] = rng.choice(pool) if hostile else el.get("value", "")
    elif kind in ("static_select", "overflow", "external_select", "radio_buttons"):
        option = rng.choice(options) if options and not hostile else {
            "text": {"type": "plain_text", "text": "x"}, "value": rng.choice(pool)}
        action["selected_option"] = option
    elif kind == "datepicker":
        action["selected_date"] = rng.choice(pool) if hostile else date.today().isoformat()
    elif kind in ("users_select", "conversations_select", "channels_select"):
        action[{"users_select": "selected_user", "channels_select": "selected_channel"}.get(
            kind, "selected_conversation")] = rng.choice(STRICT_USERS if strict and kind == "users_select" else pool)
    elif kind == "checkboxes" and not strict:
        action["selected_options"] = rng.sample(options, k=rng.randint(0, len(options))) if options else []
    elif kind == "checkboxes":
        action["selected_options"] = [{"text": {"type": "plain_text", "text": "x"}, "value": rng.choice(pool)}]
    else:
        action["value"] = rng.choice(pool)
    return action


def _state_for(view: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """``view.state.values`` for a submission: each input filled with a real or hostile value."""
    values: dict[str, Any] = {}
    for block in view.get("blocks") or []:
        el = block.get("element")
        if block.get("type") != "input" or not el:
            continue
        if rng.random() < 0.1:  # Slack omits unanswered optional inputs; we also omit required ones
            continue
        kind = el.get("type")
        if kind == "plain_text_input":
            entry = {"type": kind, "value": rng.choice(HOSTILE + ["Fewer no-shows with reminder calls"])}
        else:
            entry = _value_for(el, rng)
            entry.pop("action_id", None)
            entry.pop("action_ts", None)
        values.setdefault(block.get("block_id", "b"), {})[el.get("action_id", "v")] = entry
    return values


@pytest.fixture(scope="module")
def toured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalSlack, list, list]]:
    """The demo tour run once on a 3-clinic network; the LocalSlack it ran against, and what it sent."""
    with toured_network(tmp_path_factory.mktemp("fuzz-tour"), "fuzz-key", lambda _text: None) as (local, _, _):
        elements, _ = harvest(local)
        _click_each_button(local, elements)  # the modals behind buttons (status, snooze, PDSA update)
        elements, views = harvest(local)
        yield local, elements + _unseen_actions(elements, views), views


ACTION_IDS = {Action.KPI_PICK: "kpi_pick:1", Action.IDEA_STATUS: "idea_status:planned",
              Action.DIGEST_LIST_PAGE: "digest_list_page:next"}  # the listeners' patterns (handlers/*.py)
IN_FORM = {Action.IDEA_UPVOTE_INSTEAD, Action.IDEA_MERGE_INTO}  # buttons inside the idea modal


def _unseen_actions(elements: list[dict[str, Any]], views: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A button for each action id in ``bot.ids.Action`` the tour did not show (reminders sent by
    jobs, the home tab, the "similar ideas" choices, paging): their listeners get hostile values too."""
    seen = {str(e["element"]["action_id"]).split(":")[0] for e in elements}
    form = next((v for v in views if v.get("callback_id") == "idea_submit"), None)
    out = []
    for action in Action:
        if action.value in seen:
            continue
        in_view = action in IN_FORM and form is not None
        out.append({"block_id": "fuzz", "element": {"type": "button", "action_id": ACTION_IDS.get(action, action.value),
                                                    "value": ""},
                    "in_view": in_view, "view": form if in_view else None, "channel": "C0LOCAL", "ts": "1.2"})
    return out


def _click_each_button(local: LocalSlack, elements: list[dict[str, Any]]) -> None:
    """Click every harvested button once, with its own value, as the demo user would."""
    rng = random.Random(SEED - 1)
    for target in elements:
        if target["element"].get("type") == "button" and not target["in_view"]:
            action = {"action_id": target["element"]["action_id"], "type": "button", "action_ts": "1.1",
                      "value": target["element"].get("value", ""), "block_id": target["block_id"]}
            _dispatch(local, {"type": "block_actions", **_base(local.user_id, rng), "actions": [action],
                              "container": {"type": "message", "message_ts": target["ts"],
                                            "channel_id": target["channel"], "is_ephemeral": False},
                              "channel": {"id": target["channel"], "name": "fuzz"},
                              "response_url": local.standin.new_response_url(),
                              "message": {"ts": target["ts"], "blocks": [], "text": ""}})
    local._settle(60)


def _dispatch(local: LocalSlack, payload: dict[str, Any]) -> Any:
    assert local.app is not None
    body = interactive_body(payload)
    return local.app.dispatch(signed_request(local.secret, body))


def _base(user: str, rng: random.Random) -> dict[str, Any]:
    return {"user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T0LOCAL"},
            "team": {"id": "T0LOCAL", "domain": "local"}, "api_app_id": "A0LOCAL", "token": "verification_token",
            "trigger_id": f"{rng.randrange(10**9)}.{rng.randrange(10**9)}.fuzz"}


def _what(payload: dict[str, Any]) -> str:
    if payload["type"] == "view_submission":
        return str(payload["view"].get("callback_id"))
    return str(payload["actions"][0]["action_id"])


def _interaction(local: LocalSlack, elements: list, views: list, n: int, rng: random.Random,
                 strict: bool) -> dict[str, Any]:
    """One payload: every third a modal submission (hostile ``private_metadata`` 30 % of the time,
    always when ``strict``), else a click on a harvested element, by one of ``OTHER_USERS``."""
    user = rng.choice(OTHER_USERS)
    if views and n % 3 == 0:
        view = dict(rng.choice(views))
        if strict or rng.random() < 0.3:
            view["private_metadata"] = rng.choice(STRICT if strict else HOSTILE)
        view["state"] = {"values": _state_for(view, rng)}
        view.setdefault("id", "V0LOCAL")
        return {"type": "view_submission", **_base(user, rng), "view": view, "response_urls": []}
    target = rng.choice(elements)
    payload = {"type": "block_actions", **_base(user, rng),
               "actions": [{**_value_for(target["element"], rng, strict), "block_id": target["block_id"]}]}
    if target["in_view"]:
        payload["container"] = {"type": "view", "view_id": "V0LOCAL"}
        payload["view"] = {"id": "V0LOCAL", **target["view"]}
    else:
        payload["container"] = {"type": "message", "message_ts": target["ts"],
                                "channel_id": target["channel"], "is_ephemeral": False}
        payload["channel"] = {"id": target["channel"], "name": "fuzz"}
        payload["response_url"] = local.standin.new_response_url()
        payload["message"] = {"ts": target["ts"], "blocks": [], "text": ""}
    return payload


def _drive(local: LocalSlack, elements: list, views: list, count: int, seed: int, strict: bool,
           caplog: pytest.LogCaptureFixture) -> dict[int, int]:
    """Send ``count`` interactions and assert the pass criteria (module doc); the HTTP statuses."""
    caplog.set_level(logging.WARNING)
    rng = random.Random(seed)
    statuses: dict[int, int] = {}
    failures: list[tuple[str, str, int, str]] = []
    posts_before = len(local.standin.response_posts)
    for n in range(count):
        payload = _interaction(local, elements, views, n, rng, strict)
        resp = _dispatch(local, payload)
        statuses[resp.status] = statuses.get(resp.status, 0) + 1
        if resp.status != 200 or "went wrong" in (resp.body or ""):
            failures.append((payload["type"], _what(payload), resp.status, (resp.body or "")[:200]))
        if n % 200 == 199:
            local._settle(30)
    local._settle(60)
    assert not failures, sorted(set(failures))[:10]
    replies = [json.dumps(p.params) for p in local.standin.response_posts[posts_before:]]
    assert not [r for r in replies if "went wrong" in r][:3]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, sorted({(r.getMessage(), str(r.exc_info[1]) if r.exc_info else "") for r in errors})[:8]
    assert sum(statuses.values()) == count
    return statuses


def snapshot(local: LocalSlack) -> dict[str, int]:
    """Row counts of every table but :data:`BOOKKEEPING`."""
    with local.sessions() as s:
        return {t.name: s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables
                if t.name not in BOOKKEEPING}


def test_every_button_and_modal_survives_hostile_values(toured, caplog) -> None:  # type: ignore[no-untyped-def]
    local, elements, views = toured
    assert len(elements) >= 10 and len(views) >= 3, (len(elements), len(views))  # the tour shows them
    # every modal the handlers register a submission for (handlers/*.py, @app.view) is driven
    assert {str(v["callback_id"]) for v in views} >= MODALS, {str(v["callback_id"]) for v in views}
    statuses = _drive(local, elements, views, INPUTS, SEED, False, caplog)
    kinds = sorted({str(v["callback_id"]) for v in views})
    print(sorted({re.sub(r":.*", ":*", str(e["element"]["action_id"])) for e in elements}))
    print(f"\nfuzz: {INPUTS} interactions over {len(elements)} elements and {len(views)} modals {kinds} "
          f"(seed {SEED}), statuses {statuses}, 0 unhandled errors")


def test_only_hostile_values_change_nothing(toured, caplog) -> None:  # type: ignore[no-untyped-def]
    local, elements, views = toured
    before = snapshot(local)
    statuses = _drive(local, elements, views, STRICT_INPUTS, SEED + 1, True, caplog)
    after = snapshot(local)
    assert {k: (before[k], after[k]) for k in before if before[k] != after[k]} == {}
    print(f"\nfuzz (strict): {STRICT_INPUTS} interactions, statuses {statuses}, no table changed")


def _modal(views: list, callback_id: str) -> dict[str, Any]:
    found = [v for v in views if v.get("callback_id") == callback_id]
    assert found, f"the tour opened no {callback_id} modal"
    return dict(found[0])


def _submit(local: LocalSlack, view: dict[str, Any], values: dict[str, Any], metadata: str | None = None) -> dict:
    view = {**view, "id": "V0LOCAL", "state": {"values": values}}
    if metadata is not None:
        view["private_metadata"] = metadata
    rng = random.Random(1)
    resp = _dispatch(local, {"type": "view_submission", **_base("U0LOCAL", rng), "view": view, "response_urls": []})
    assert resp.status == 200, (resp.status, resp.body)
    return json.loads(resp.body)


def _inputs(view: dict[str, Any]) -> list[str]:
    return [b["block_id"] for b in view.get("blocks") or [] if b.get("type") == "input"]


def test_changed_metadata_is_answered_in_the_modal(toured, caplog) -> None:  # type: ignore[no-untyped-def]
    """A PDSA update whose ``private_metadata`` is not the JSON the bot wrote: the modal stays open
    with the reason under an input (Slack: ``response_action: errors``), no error is logged."""
    local, _elements, views = toured
    caplog.set_level(logging.INFO)
    view = _modal(views, "pdsa_update")
    assert json.loads(view["private_metadata"]).get("cycle_id")  # what the bot wrote
    for hostile in ("null", "'; DROP TABLE ideas; --", "[1]", "9" * 400):
        answer = _submit(local, view, {}, metadata=hostile)
        assert answer["response_action"] == "errors", answer
        [(block, message)] = answer["errors"].items()
        assert block in _inputs(view)
        assert "out of date" in message and "went wrong" not in message
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_value_outside_the_choices_is_marked_on_its_input(toured, caplog) -> None:  # type: ignore[no-untyped-def]
    """A PDSA update whose "Act" radio button comes back as a value the modal never offered: the
    error is on the Act input (not on another field), naming it; nothing is stored."""
    local, _elements, views = toured
    caplog.set_level(logging.INFO)
    view = _modal(views, "pdsa_update")
    act = next(b for b in view["blocks"] if b.get("type") == "input" and b["element"]["type"] == "radio_buttons")
    offered = {o["value"] for o in act["element"]["options"]}
    assert "adopt" in offered and "<!channel>" not in offered
    before = snapshot(local)
    values = {act["block_id"]: {act["element"]["action_id"]: {
        "type": "radio_buttons", "selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": "<!channel>"}}}}
    answer = _submit(local, view, values)
    assert answer["response_action"] == "errors", answer
    assert list(answer["errors"]) == [act["block_id"]]
    assert answer["errors"][act["block_id"]].startswith("act:")
    local._settle(10)
    assert snapshot(local) == before
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_date_that_is_no_date_is_marked_on_the_date_input(toured, caplog) -> None:  # type: ignore[no-untyped-def]
    """The idea status modal (a planned date) with "2026-02-30": refused on the date input."""
    local, _elements, views = toured
    caplog.set_level(logging.INFO)
    view = _modal(views, "idea_status_modal")
    picker = next((b for b in view["blocks"] if b.get("type") == "input" and b["element"]["type"] == "datepicker"),
                  None)
    if picker is None:
        pytest.skip("the tour's status modal has no date input")
    values = {picker["block_id"]: {picker["element"]["action_id"]: {"type": "datepicker",
                                                                      "selected_date": "2026-02-30"}}}
    answer = _submit(local, view, values)
    assert answer == {"response_action": "errors", "errors": {picker["block_id"]: answer["errors"][picker["block_id"]]}}
    assert "YYYY-MM-DD" in answer["errors"][picker["block_id"]]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_refused_click_inside_a_modal_is_shown_on_top_of_it(toured, caplog) -> None:  # type: ignore[no-untyped-def]
    """"Upvote instead" in the idea form with a value that is no idea id: a click in a modal has no
    ``response_url``, so the refusal is pushed on top of the form (views.push, the click's
    trigger_id) and the draft stays; nothing is logged at ERROR."""
    local, _elements, views = toured
    caplog.set_level(logging.INFO)
    form = _modal(views, "idea_submit")
    trigger = "4242.4242.refused"
    action = {"action_id": str(Action.IDEA_UPVOTE_INSTEAD), "type": "button", "value": "9" * 400,
              "block_id": "similar_1", "action_ts": "1.1"}
    payload = {"type": "block_actions", **_base("U0LOCAL", random.Random(2)), "trigger_id": trigger,
               "actions": [action], "container": {"type": "view", "view_id": "V0LOCAL"},
               "view": {"id": "V0LOCAL", **form}}
    assert _dispatch(local, payload).status == 200
    local._settle(10)
    pushed = [c.params for c in local.standin.calls if c.method == "views.push" and c.params.get("trigger_id") == trigger]
    assert len(pushed) == 1, pushed
    view = pushed[0]["view"]
    text = json.dumps(json.loads(view) if isinstance(view, str) else view)
    assert "not a valid number" in text and "went wrong" not in text
    assert not [c for c in local.standin.calls if c.method == "views.update" and trigger in json.dumps(c.params)]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
