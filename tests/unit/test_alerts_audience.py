"""Issue 15: alerts follow the "Share to channel" rule. A denial spike (denial rate: a
revenue-cycle KPI in shared/spec/kpis.md) posted in a clinic channel outside finance_channels
keeps its title but not its figures, and says where they are shown."""

from __future__ import annotations

from bot.alerts.audience import for_audience
from bot.alerts.model import Finding, RuleResult
from bot.orgconfig import OrgConfig

ORG = OrgConfig(finance_channels=["C0FINANCE"])
SPIKE = Finding("denial_spike", "payer:aetna", "2026-03-02", "warning", "Denial spike: Aetna",
                ("Denial rate 31.0% (31 of 100 claims) in the week of 2026-03-02", "Rule: …"), {"value": 0.31})
STOCK = Finding("low_stock", "item:1", "2026-03-02", "warning", "Low stock: gloves", ("4 boxes left",))


def test_denial_figures_are_withheld_outside_finance_channels() -> None:
    [out] = for_audience([RuleResult("denial_spike", "north", [SPIKE]), ], "C0ALERTS", ORG)
    [f] = out.findings
    assert f.title == "Denial spike: Aetna" and f.facts == {"value": 0.31, "withheld": True}
    assert f.lines == ("Denial-rate figures are not shown in this channel. Revenue-cycle figures are shown only "
                       "in finance channels (<#C0FINANCE>).",)
    assert "31" not in " ".join(f.lines)


def test_finance_channel_and_other_rules_keep_their_figures() -> None:
    [out] = for_audience([RuleResult("denial_spike", "north", [SPIKE])], "C0FINANCE", ORG)
    assert out.findings == [SPIKE]
    [other] = for_audience([RuleResult("low_stock", "north", [STOCK])], "C0ALERTS", ORG)
    assert other.findings == [STOCK]
