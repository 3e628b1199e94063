"""One record per KPI (issue 17): every catalogue KPI carries what each module needs, the tables
other modules read are derived from the records, and no product module keeps its own copy.

Expected values come from shared/spec/kpis.md (the section a KPI is listed under is its domain),
from the kinds of money the feeds carry (the ledger is cents, inventory value is cents), and from
the lists other modules own (idea categories, trend grains, feed names), never from the catalogue
under test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.access.kpi_domains import DOMAIN_OF
from bot.ideas.improve import ImprovementStart
from bot.ideas.kpis import kpi_choices, kpi_name
from bot.ideas.states import CATEGORIES
from bot.ingest.registry import feed_names
from bot.kpi.catalogue import BY_ID, CATALOGUE, KpiDef
from bot.kpi.components import PARTS, components
from bot.kpi.ratio import RatioKpi
from bot.kpi.reader.kpis import find_kpis
from bot.kpi.reader.vocab import norm
from bot.kpi.registry import every_impl
from bot.orgconfig import OrgConfig
from bot.views.kpi import n_of_d

REPO = Path(__file__).resolve().parents[2]
SECTIONS = {"Access and scheduling": "access", "Revenue cycle": "revenue", "Patient experience": "experience",
            "Inventory": "inventory"}
# modules that may name a KPI id: the records themselves, the implementations (each declares the
# id it computes) and alert rules about one KPI (developer tooling, devtools/, is not walked)
MAY_NAME_IDS = re.compile(r"^bot/(kpi/(catalogue|patient_access|experience|inventory|inventory_turns|lead_time|net_collection|revenue|"
                          r"revenue_windows|tna)\.py|alerts/rules/\w+\.py|alerts/registry\.py)$")


def spec_domains(shared_dir: Path) -> dict[str, str]:
    spec = (shared_dir / "spec" / "kpis.md").read_text(encoding="utf-8")
    out = {}
    for title, domain in SECTIONS.items():
        body = spec.split(f"## {title}", 1)[1].split("\n## ", 1)[0]
        for name in re.findall(r"^- \*\*([a-zA-Z -]+)\*\*", body, re.M):
            out[name.lower().replace(" ", "-")] = domain
    return out


def test_every_kpi_has_the_domain_of_its_spec_section(shared_dir: Path) -> None:
    expected = spec_domains(shared_dir)
    assert len(expected) == 20
    assert {k.id: k.domain for k in CATALOGUE} == expected
    assert DOMAIN_OF == expected  # the permission table is the records' field


def test_money_is_the_rates_of_cents() -> None:
    """A rate is money when its figures are cents: the ledger's rates and inventory value."""
    rates = [k for k in CATALOGUE if k.unit == "%"]
    cents = {k.id for k in rates if "ledger" in k.feeds or k.numerator.startswith("value")}
    assert {k.id for k in rates if k.money} == cents == {
        "net-collection-rate", "write-off-rate", "point-of-service-collection-rate", "expiry-waste"}
    assert not [k.id for k in CATALOGUE if k.money and k.unit != "%"]


@pytest.mark.parametrize("kpi", CATALOGUE, ids=lambda k: k.id)
def test_every_kpi_record_is_complete(kpi: KpiDef) -> None:
    if kpi.unit == "%" and not kpi.money:
        assert kpi.noun, "a count rate shows 'n of d <noun>'"
        assert n_of_d(kpi, 3, 40) == f"3 of 40 {kpi.noun}"
    if kpi.money:
        assert n_of_d(kpi, 12_345, 100_000) == "123.45 USD of 1,000.00 USD"
    assert kpi.idea_category in CATEGORIES
    assert kpi.spc_grains is None or set(kpi.spc_grains) <= {"day", "week", "month", "quarter", "year"}
    assert not (kpi.no_reading and kpi.spc_grains), "no reading on any grain, or some grains: not both"
    assert set(kpi.feeds) <= feed_names(), "feed names are FeedLoad.feed values"
    assert kpi.everyday, "the question reader needs everyday words"
    for phrase in kpi.everyday:
        if phrase.startswith("re:"):
            re.compile(phrase[3:])
    plain = [p for p in kpi.everyday if not p.startswith("re:")]
    assert plain and find_kpis(norm(plain[0]))[0].kpi == kpi.id
    for pattern, what in kpi.neighbours:  # a neighbour never matches the KPI's own everyday words
        assert what and not [p for p in plain if re.search(pattern, norm(p))]


def test_every_kpi_has_one_implementation_and_every_implementation_a_record() -> None:
    ids = [impl.kpi_id for impl in every_impl()]
    assert set(ids) == set(BY_ID)
    assert len(ids) == 3 * len(BY_ID)  # one table per late-cancellation rule


def test_components_take_the_feeds_of_their_record() -> None:
    ratio = {impl.component: impl.kpi_id for impl in every_impl() if isinstance(impl, RatioKpi) and impl.component}
    comps = components()
    assert set(comps) == set(ratio) | {p.name for p in PARTS}
    assert {"no-show-rate:denominator", "no-show-rate:numerator", "no-show-rate:excluded"} <= set(comps)
    for name, kpi_id in ratio.items():
        assert comps[name].feeds == BY_ID[kpi_id].feeds
    assert comps["expiry-waste"].feeds == ("inventory", "supply")  # unit costs re-price the waste
    assert comps["claims-submitted"].feeds == ("claims",)  # parts: no record, feeds given
    assert comps["inventory-usage"].feeds == ("inventory", "supply")


def test_idea_forms_and_improvements_read_the_records() -> None:
    assert kpi_choices() == [(k.id, k.name) for k in CATALOGUE]
    assert kpi_name("clean-claim-rate") == "Clean claim rate" and kpi_name("gone") == "gone"
    start = ImprovementStart("coding-accuracy", None, "All clinics", "91 %", "95 %")
    assert start.idea_values(OrgConfig())["category"] == "quality_safety"


def test_no_product_module_keeps_its_own_table_of_kpi_ids() -> None:
    """A quoted KPI id outside the records and the modules that implement one is a second place
    for a fact: read it from the catalogue record instead."""
    ids = set(BY_ID)
    found = {}
    for top in ("bot", "handlers", "jobs", "storage"):
        for path in sorted((REPO / top).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            if MAY_NAME_IDS.match(rel):
                continue
            named = {m for m in re.findall(r"[\"']([a-z][a-z-]+)[\"']", path.read_text(encoding="utf-8")) if m in ids}
            if named:
                found[rel] = sorted(named)
    assert found == {}
