"""Every word the reader's help text says it answers is understood (never "I didn't understand"),
and the everyday words managers use for the revenue and stock KPIs.

The help text's words are read from the rendered text itself ("I can answer: no-shows, …"); each
must read as a KPI of the catalogue domain its group names, or ask between KPIs of that domain.
Domains come from the catalogue records (``KpiDef.domain``), not from the reader.
"""

from __future__ import annotations

import re

import pytest

from bot.kpi.catalogue import BY_ID
from bot.kpi.reader import Reading, read
from bot.kpi.reader.special import HELP_GROUPS, can_answer, outside
from tests.reader.networks import NETWORKS, vocabulary

TEMPLATES = ("{w}", "{w} at {c} last month", "{w} by clinic", "what's our {w} this quarter",
             "show me {w} for {c}", "how are {w} looking at {c} in september", "@{c} {w} last week")
INVENTORY = {"days-of-supply", "reorder-point", "inventory-turns", "expiry-waste"}


def _kpis(r: Reading) -> set[str]:
    return {r.kpi} if r.status == "answer" and r.kpi else {o.patch.get("kpi") for o in r.options} - {None}


def test_the_help_text_lists_the_groups() -> None:
    text = outside("", default=True) or ""
    listed = text.split("I can answer: ")[1].split(" — ")[0]
    assert re.split(r"[;,] ", listed) == [w for words in HELP_GROUPS.values() for w in words]
    assert listed == can_answer()


@pytest.mark.parametrize("net", ["dev", "n12", "n300"])
def test_every_help_word_is_understood(net: str) -> None:
    v, now = vocabulary(net), NETWORKS[net][2]
    clinic = sorted(v.clinics.values(), key=lambda e: e.key)[1].name.lower()
    listed = re.split(r"[;,] ", outside("", default=True).split("I can answer: ")[1].split(" — ")[0])  # type: ignore[union-attr]
    domain_of = {w: d for d, words in HELP_GROUPS.items() for w in words}
    for w in listed:
        for t in TEMPLATES:
            q = t.format(w=w, c=clinic)
            r = read(q, v, now)
            got = _kpis(r)
            assert "understand" not in r.message and got, (q, r.status, r.message)
            assert {BY_ID[k].domain for k in got} == {domain_of[w]}, (q, got)


@pytest.mark.parametrize("q, kpi", [
    ("collections at highland last month", "net-collection-rate"),
    ("Collections by clinic", "net-collection-rate"),
    ("what were our collections in september", "net-collection-rate"),
    ("collection rate at riverside", "net-collection-rate"),
    ("front desk collections at highland", "point-of-service-collection-rate"),  # the longer phrase wins
    ("a/r by clinic", "days-in-ar"),
    ("A/R at highland last month", "days-in-ar"),
    ("ar by clinic", "days-in-ar"),
    ("accounts receivable at maple grove", "days-in-ar"),
    ("how are receivables at riverside", "days-in-ar"),
    ("A/R days past 2 weeks", "days-in-ar"),  # "past 2 weeks" is a period, not an aging bucket
])
def test_everyday_revenue_words(q: str, kpi: str) -> None:
    v, now = vocabulary("dev"), NETWORKS["dev"][2]
    r = read(q, v, now)
    assert (r.status, r.kpi) == ("answer", kpi), (q, r.message)


@pytest.mark.parametrize("q, offered", [
    ("a/r over 90 at highland", "days-in-ar"), ("AR over 90 days by clinic", "days-in-ar"),
    ("90+ A/R", "days-in-ar"), ("ar aging", "days-in-ar"), ("receivables older than 120 days", "days-in-ar"),
    ("gross collections last month", "net-collection-rate"), ("gross collection rate by clinic", "net-collection-rate"),
])
def test_neighbouring_measures_are_asked_not_answered(q: str, offered: str) -> None:
    v, now = vocabulary("dev"), NETWORKS["dev"][2]
    r = read(q, v, now)
    assert r.status == "clarify" and [o.patch["kpi"] for o in r.options] == [offered], (q, r.status, r.message)
    assert "not in the KPI catalogue" in r.message


@pytest.mark.parametrize("q", ["stock at highland", "stock", "inventory at highland last month", "supplies by clinic",
                               "how's our stock looking", "stock levels at riverside"])
def test_stock_asks_between_the_inventory_kpis(q: str) -> None:
    v, now = vocabulary("dev"), NETWORKS["dev"][2]
    r = read(q, v, now)
    assert r.status == "clarify" and _kpis(r) == INVENTORY, (q, r.status, r.message)


@pytest.mark.parametrize("q, dims", [
    ("who missed the most appointments", {"clinic", "provider"}),
    ("who missed the most appointments last month", {"clinic", "provider"}),
    ("who has the most no-shows", {"clinic", "provider"}),
    ("who had the worst denial rate in september", {"clinic", "payer"}),
    ("who has the highest days in a/r", {"clinic"}),
])
def test_who_is_ranked_by_clinic_or_provider_never_a_total(q: str, dims: set[str]) -> None:
    v, now = vocabulary("dev"), NETWORKS["dev"][2]
    r = read(q, v, now)
    if len(dims) == 1:
        assert (r.status, r.by) == ("answer", dims.pop()), (q, r.message)
    else:
        assert r.status == "clarify" and {o.patch["by"] for o in r.options} == dims, (q, r.status, r.message)
        assert "never patients" in r.message
