"""Issue 15: alerts follow the "Share to channel" rule. A denial spike (denial rate: a
revenue-cycle KPI in shared/spec/kpis.md) posted in a clinic channel outside finance_channels
keeps its title but not its figures, and says where the full alert is; the full alert is copied,
figures and all, to every finance channel as an incident of its own (tester item: the figures
reached no one)."""

from __future__ import annotations

from bot.alerts.audience import copy_subject, finance_copies, for_audience, is_copy
from bot.alerts.model import NO_DATA, Finding, RuleResult
from bot.orgconfig import OrgConfig

ORG = OrgConfig(finance_channels=["C0FINANCE"])
SPIKE = Finding("denial_spike", "payer:aetna", "2026-03-02", "warning", "Denial spike: Aetna",
                ("Denial rate 31.0% (31 of 100 claims) in the week of 2026-03-02", "Rule: …"), {"value": 0.31})
STOCK = Finding("low_stock", "item:1", "2026-03-02", "warning", "Low stock: gloves", ("4 boxes left",))


def test_denial_figures_are_withheld_outside_finance_channels() -> None:
    [out] = for_audience([RuleResult("denial_spike", "north", [SPIKE]), ], "C0ALERTS", ORG)
    [f] = out.findings
    assert f.title == "Denial spike: Aetna" and f.facts == {"value": 0.31, "withheld": True}
    assert f.lines == ("Denial-rate figures are not shown in this channel. The full alert, with its figures, "
                       "is posted in <#C0FINANCE>.",)
    assert "31" not in " ".join(f.lines)


def test_finance_channel_and_other_rules_keep_their_figures() -> None:
    [out] = for_audience([RuleResult("denial_spike", "north", [SPIKE])], "C0FINANCE", ORG)
    assert out.findings == [SPIKE]
    [other] = for_audience([RuleResult("low_stock", "north", [STOCK])], "C0ALERTS", ORG)
    assert other.findings == [STOCK]


def test_without_finance_channels_the_notice_says_none_is_configured_and_nothing_is_copied() -> None:
    org = OrgConfig()
    [out] = for_audience([RuleResult("denial_spike", "north", [SPIKE])], "C0ALERTS", org)
    assert out.findings[0].lines == ("Denial-rate figures are not shown in this channel. Revenue-cycle figures "
                                     "are shown only in finance channels; none is configured yet "
                                     "(`finance_channels` in the organisation file).",)
    assert finance_copies([RuleResult("denial_spike", "north", [SPIKE])], "C0ALERTS", org) == []


def test_finance_channels_get_the_full_alert_as_their_own_incident() -> None:
    org = OrgConfig(finance_channels=["C0FINB", "C0FINA"])
    result = RuleResult("denial_spike", "north", [SPIKE], clear={"payer:cigna"})
    copies = finance_copies([result, RuleResult("low_stock", "north", [STOCK])], "C0ALERTS", org)
    assert [ch for ch, _ in copies] == ["C0FINA", "C0FINB"]  # each finance channel, low stock in none
    [(_, [a])] = copies[:1]
    [f] = a.findings
    assert (f.subject, f.lines, f.facts) == ("payer:aetna@C0FINA", SPIKE.lines, {"value": 0.31})
    assert a.clear == {"payer:cigna@C0FINA"}  # the copy resolves with its clinic's chart
    assert finance_copies([result], "C0FINA", org) == []  # posted in a finance channel: no copy


def test_no_data_finding_has_no_figure_to_withhold_or_copy() -> None:
    gap = Finding("denial_spike", "no-data", "2026-03-02", NO_DATA, "Denial check: no remittances",
                  ("No remittances dated in the week of 2 Mar 2026.",))
    [out] = for_audience([RuleResult("denial_spike", "north", [gap])], "C0ALERTS", ORG)
    assert out.findings == [gap]
    [(_, [copy])] = finance_copies([RuleResult("denial_spike", "north", [gap])], "C0ALERTS", ORG)
    assert copy.findings == []


def test_a_clinic_list_tells_the_copy_from_the_clinic_channels_incident() -> None:
    assert is_copy(copy_subject("denials", "C0FINANCE")) and not is_copy("denials")
    assert not any(is_copy(s) for s in ("item:12", "lot:29", "payer:aetna/category:auth", "no-data", "feeds"))
