""""Start an improvement" (issue 19) through the real Bolt app and the Slack stand-in: the
button's value (as an alert or answer carries it) opens the idea modal with the KPI, the clinic and
a problem text naming the measure, scope, baseline and driver; a forged value gets a plain refusal,
no modal. Both databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.ideas.improve import ImprovementStart
from bot.ids import Action, Callback
from bot.views.ideas import IdeaField
from tests.e2e.slack_payloads import InProcessBot, in_process_bot

pytestmark = pytest.mark.e2e
ORG_YAML = """
organisation: Test Health
clinics:
  - key: north
    name: North Family Practice
    timezone: America/New_York
    channels: {improvement: C0FINIDEAS}
  - key: south
    name: South Family Practice
    timezone: America/New_York
    channels: {improvement: C0IDSOUTH}
finance_channels: [C0FINIDEAS]
"""


@pytest.fixture
def bot(tmp_path: Path, engine: Any, sessions: sessionmaker[Session]) -> Iterator[InProcessBot]:
    with in_process_bot(ORG_YAML, tmp_path, engine, sessions) as bot:
        yield bot


def _initial(view: dict[str, Any], block: str) -> Any:
    element = next(b for b in view["blocks"] if b.get("block_id") == block)["element"]
    return element.get("initial_value") or (element.get("initial_option") or {}).get("value")


def test_button_opens_the_idea_modal_filled(bot: InProcessBot) -> None:
    start = ImprovementStart("denial-rate", "north", "North Family Practice", "26.4% in the week of 2026-03-23",
                             "11.4% (centre line over the baseline weeks)",
                             "payer Medicare +10.10 pts (their rate rose 12.40 pts); denial category Authorization +9.80 pts")
    assert bot.click(Action.KPI_IMPROVE, start.to_value()).status == 200
    view = bot.slack.wait_for("views.open")[0].params["view"]
    assert view["callback_id"] == Callback.IDEA_SUBMIT
    assert _initial(view, IdeaField.KPI) == "denial-rate"
    assert _initial(view, IdeaField.CLINIC) == "north"
    problem = _initial(view, IdeaField.PROBLEM)
    assert "Measure: Denial rate (denial-rate)" in problem
    assert "Baseline: 11.4% (centre line over the baseline weeks)." in problem
    assert "Driven by: payer Medicare" in problem


def test_idea_for_a_channel_outside_finance_channels_names_the_measure_without_figures(bot: InProcessBot) -> None:
    """The idea is posted in South's improvement channel, not a finance channel: the denial
    rate's figures (revenue cycle, shared/spec/kpis.md) stay out of the prefill; the measure is
    labelled with the chart the alert's figures came from."""
    start = ImprovementStart("denial-rate", "south", "South Family Practice", "7.0% in the week of 23 Nov 2026",
                             "0.7% (centre line over the baseline weeks)", "payer Medicare +5.55 pts",
                             "category authorization")
    assert bot.click(Action.KPI_IMPROVE, start.to_value()).status == 200
    view = bot.slack.wait_for("views.open")[0].params["view"]
    problem = _initial(view, IdeaField.PROBLEM)
    assert problem.startswith("Measure: Denial rate, category authorization (denial-rate), lower is better.")
    assert "7.0" not in problem and "0.7" not in problem and "Medicare" not in problem
    assert problem.endswith("Figures: not copied into this idea: revenue-cycle figures are shown only in finance "
                            "channels, and the clinic's improvement channel is not one.")


def test_forged_value_is_refused_without_a_modal(bot: InProcessBot) -> None:
    assert bot.click(Action.KPI_IMPROVE, '{"kpi_id": "no-such-kpi"}').status == 200
    bot.slack.wait_until_quiet()
    assert bot.slack.calls_to("views.open") == []
