"""The /kpi grammar: forgiving names, scopes, periods, breakdowns, comparisons, errors."""

import pytest

from bot.errors import UsageError
from bot.kpi.catalogue import CATALOGUE, find_kpi
from bot.kpi.grammar import parse_kpi_command


@pytest.mark.parametrize("name,kpi_id", [
    ("no-show-rate", "no-show-rate"), ("noshow", "no-show-rate"), ("no show", "no-show-rate"),
    ("No Show Rate", "no-show-rate"), ("3rd next available", "third-next-available"),
    ("third next available", "third-next-available"), ("ccr", "clean-claim-rate"),
    ("Clean claim rate", "clean-claim-rate"), ("days in a/r", "days-in-ar"), ("rop", "reorder-point"),
    ("utilisation", "provider-utilization"), ("top box", "patient-satisfaction"),
])
def test_forgiving_kpi_names(name, kpi_id):
    assert find_kpi(name).id == kpi_id


def test_catalogue_ids_and_aliases_are_unambiguous():
    seen: dict[str, str] = {}
    for kpi in CATALOGUE:
        for name in (kpi.id, kpi.name, *kpi.aliases):
            assert seen.setdefault(name.lower(), kpi.id) == kpi.id, name
    assert len(CATALOGUE) == 20


def test_unknown_kpi_suggests_the_closest():
    with pytest.raises(UsageError) as err:
        parse_kpi_command("noshw-rate last 30d")
    assert "Did you mean `no-show-rate`" in str(err.value)


def test_full_question():
    r = parse_kpi_command("no show clinic maria ortiz provider dr silva last 30d by provider vs last month")
    assert (r.action, r.kpi_id, r.clinic, r.provider, r.by) == ("value", "no-show-rate", "maria ortiz", "dr silva",
                                                                 "provider")
    assert (r.period.kind, r.period.count, r.period.unit) == ("rolling", 30, "day")
    assert r.compare_shift == "month"


def test_quoted_and_equals_names():
    assert parse_kpi_command('ccr clinic "north side" 2016-05').clinic == "north side"
    assert parse_kpi_command("ccr clinic=north this month").clinic == "north"


@pytest.mark.parametrize("text,action", [("", "list"), ("help", "help"), ("define ccr", "define"),
                                          ("denial-rate", "value")])
def test_actions(text, action):
    assert parse_kpi_command(text).action == action


@pytest.mark.parametrize("text,fragment", [
    ("no-show-rate clinic", "needs a name"),
    ("denial-rate by provider", "broken down by clinic, payer"),
    ("no-show-rate by weather", "clinic, provider or payer"),
    ("no-show-rate next tuesday", "can't read the period"),
    ("define", "Which KPI"),
])
def test_bad_questions_get_specific_help(text, fragment):
    with pytest.raises(UsageError) as err:
        parse_kpi_command(text)
    assert fragment in str(err.value)


@pytest.mark.parametrize("text", [":chart_with_upwards_trend: no-show-rate 2016-05", "no-show-rate :eyes: 2016-05",
                                  "📈 no-show-rate 2016-05", "no-show-rate👍🏽 2016-05", "🔥 no show rate 🔥 2016-05",
                                  ":+1::skin-tone-3: no-show-rate 2016-05"])
def test_emoji_around_the_question_are_ignored(text: str) -> None:
    req = parse_kpi_command(text)
    assert req.kpi_id == "no-show-rate"
    assert req == parse_kpi_command("no-show-rate 2016-05").model_copy(update={"text": req.text})


def test_emoji_stripping_keeps_letters_of_every_script() -> None:
    from bot.kpi.grammar import strip_emoji

    assert strip_emoji('clinic "São José" 📈 Ōsaka 大阪 ') == 'clinic "São José"   Ōsaka 大阪 '
    assert strip_emoji("clinic:north 07:30 :x:") == "clinic:north 07:30  "
