"""Writes ``handwritten.jsonl``: questions typed by hand the way managers type them (not from
templates), for network n12 (12 clinics, seed 3), asked Wednesday 3 Feb 2027 15:00 UTC. Every
expectation below was worked out by hand from the calendar (ISO week 2027-W05 = 1–7 Feb; last
week = 25–31 Jan; last quarter = Q4 2026) and the network's names (Dr. Santos, Dr. Ibrahim and
Dr. Silva are unique; there are four Walkers, two O'Briens, three Kims)."""

from __future__ import annotations

import json
from pathlib import Path

A, C, R = "answer", "clarify", "refuse"


def q(text: str, status: str = A, kpi: str | None = None, start: str | None = "any", end: str | None = "any",
      **kw: object) -> dict[str, object]:
    if status != A:
        return {"network": "n12", "q": text, "expect": {"status": status}}
    e = {"status": A, "kpi": kpi, "clinic": None, "provider": None, "payer": None, "start": start, "end": end,
         "by": None, **kw}
    return {"network": "n12", "q": text, "expect": e}


NS, DR, CCR, TNA, UT = "no-show-rate", "denial-rate", "clean-claim-rate", "third-next-available", "provider-utilization"
ITEMS = [
    q("whats the no show rate at seaside this week", A, NS, "2027-02-01", "2027-02-07", clinic="seaside", end_any=["2027-02-03"]),
    q("no-shows @ coral bay last wk", A, NS, "2027-01-25", "2027-01-31", clinic="coral-bay"),
    q("Seaside no shows Jan", A, NS, "2027-01-01", "2027-01-31", clinic="seaside"),
    q("noshow % westgate december", A, NS, "2026-12-01", "2026-12-31", clinic="westgate"),
    q("how bad were no-shows at Mānoa over the holidays", C),
    q("no show rate manoa between dec 20 and jan 5", A, NS, "2026-12-20", "2027-01-05", clinic="manoa"),
    q("no-show rate old town 12/1 - 12/15", A, NS, "2026-12-01", "2026-12-15", clinic="old-town"),
    q("missed appts at Summit since the start of january", A, NS, "2027-01-01", "2027-02-03", clinic="summit"),
    q("no-show rate for Dr. Santos last month", A, NS, "2027-01-01", "2027-01-31", provider="beacon-p1"),
    q("Dr Ibrahim no shows last quarter", A, NS, "2026-10-01", "2026-12-31", provider="manoa-p4"),
    q("no shows for dr walker", C),
    q("no-show rate Dr. O'Brien january", C),
    q("Amara O'Brien no show rate in january", A, NS, "2027-01-01", "2027-01-31", provider="seaside-p4"),
    q("no shows for Dr Kim at manoa last week", A, NS, "2027-01-25", "2027-01-31", clinic="manoa", provider="manoa-p1"),
    q("no show rate yesterday", A, NS, "2027-02-02", "2027-02-02"),
    q("no show rate today", A, NS, "2027-02-03", "2027-02-03"),
    q("no-show rate last year", A, NS, "2026-01-01", "2026-12-31"),
    q("no-show rate ytd by site", A, NS, "2027-01-01", "2027-02-03", by="clinic"),
    q("which location has the highest no show rate this quarter", A, NS, "2027-01-01", "2027-03-31", by="clinic",
      end_any=["2027-02-03"]),
    q("rank doctors by no-show rate at greenfield last month", A, NS, "2027-01-01", "2027-01-31", clinic="greenfield",
      by="provider"),
    q("no show rate jan vs dec", A, NS, "2027-01-01", "2027-01-31", compare_start="2026-12-01", compare_end="2026-12-31"),
    q("no-show rate at hillcrest last month compared with the month before", A, NS, "2027-01-01", "2027-01-31",
      clinic="hillcrest", compare_start="2026-12-01", compare_end="2026-12-31"),
    q("no-show rate for new patients at hillcrest", C),
    q("no-show rate at downtown", C),
    q("no-show rate at the eastside office", C),
    q("third next available at bayfront", A, TNA, clinic="bayfront"),
    q("TNA sierra", A, TNA, clinic="sierra"),
    q("how long do new patients wait at coyote springs", A, TNA, clinic="coyote-springs"),
    q("3rd next available by provider at summit", A, TNA, clinic="summit", by="provider"),
    q("provider utilization at westgate last week", A, UT, "2027-01-25", "2027-01-31", clinic="westgate"),
    q("are the doctors overbooked at beacon", A, UT, clinic="beacon"),
    q("utilisation for Dr Santos in january", A, UT, "2027-01-01", "2027-01-31", provider="beacon-p1"),
    q("CCR last month", A, CCR, "2027-01-01", "2027-01-31"),
    q("clean claim rate by payer q4", A, CCR, "2026-10-01", "2026-12-31", by="payer"),
    q("clean claims at old town for aetna in december", A, CCR, "2026-12-01", "2026-12-31", clinic="old-town",
      payer="aetna"),
    q("denial rate for medicare last quarter", A, DR, "2026-10-01", "2026-12-31", payer="medicare"),
    q("Blue Cross denials this month", A, DR, "2027-02-01", "2027-02-28", payer="bcbs", end_any=["2027-02-03"]),
    q("how often is UHC denying our claims", A, DR, payer="united"),
    q("denials by insurer last month", A, DR, "2027-01-01", "2027-01-31", by="payer"),
    q("what payer denies the most claims", A, DR, by="payer"),
    q("denial rate at seaside by doctor", C),
    q("how did denials change from november to december", A, DR, "2026-12-01", "2026-12-31",
      compare_start="2026-11-01", compare_end="2026-11-30"),
    q("denial rate mom", A, DR, "2027-02-01", "2027-02-28", compare_start="2027-01-01", compare_end="2027-01-31",
      end_any=["2027-02-03"]),
    q("days in AR", A, "days-in-ar"),
    q("A/R days by clinic", A, "days-in-ar", by="clinic"),
    q("how many days of revenue are sitting in receivables at summit", A, "days-in-ar", clinic="summit"),
    q("net collection rate 2026", A, "net-collection-rate", "2026-01-01", "2026-12-31"),
    q("net collections for cigna last year", A, "net-collection-rate", "2026-01-01", "2026-12-31", payer="cigna"),
    q("front desk collections at greenfield this month", A, "point-of-service-collection-rate", "2027-02-01",
      "2027-02-28", clinic="greenfield", end_any=["2027-02-03"]),
    q("copay collections by clinic in january", A, "point-of-service-collection-rate", "2027-01-01", "2027-01-31",
      by="clinic"),
    q("write offs last quarter", A, "write-off-rate", "2026-10-01", "2026-12-31"),
    q("are we verifying insurance before visits at sierra", A, "insurance-verification-rate", clinic="sierra"),
    q("prior auth rate at coral bay in q4", A, "authorization-rate", "2026-10-01", "2026-12-31", clinic="coral-bay"),
    q("coding accuracy for dr silva", A, "coding-accuracy", provider="westgate-p1"),
    q("patient satisfaction at seaside last 3 months", A, "patient-satisfaction", "2026-11-04", "2027-02-03",
      clinic="seaside"),
    q("how happy are patients at bayfront", A, "patient-satisfaction", clinic="bayfront"),
    q("CAHPS top box by provider at summit in 2026", A, "patient-satisfaction", "2026-01-01", "2026-12-31",
      clinic="summit", by="provider"),
    q("days of supply at hillcrest", A, "days-of-supply", clinic="hillcrest"),
    q("are we running low on supplies at westgate", A, "reorder-point", clinic="westgate"),
    q("inventory turns last year by clinic", A, "inventory-turns", "2026-01-01", "2026-12-31", by="clinic"),
    q("expired stock at mānoa in january", A, "expiry-waste", "2027-01-01", "2027-01-31", clinic="manoa"),
    q("how is seaside doing?", A, None, None, None, clinic="seaside"),
    q("hows coral bay doing this month", A, None, "2027-02-01", "2027-02-28", clinic="coral-bay", end_any=["2027-02-03"]),
    q("staff turnover at seaside", C),
    q("what's our payroll", R),
    q("how many visits did summit have last week", R),
    q("flu shot rate at sierra", R),
    q("did mrs garcia show up yesterday", R),
    q("what's the balance on account 88812231", R),
    q("show me patient 553201's no shows", R),
    q("help", C),
    q("asdf", C),
    q("no show rate at seaside and westgate", C),
    q("no shows at seaside in january and february", C),
    # plural weekdays: no KPI is filtered by weekday, so asked back (never the whole month unsaid)
    q("no-shows at seaside on fridays last month", C),
    q("westgate no show rate mondays in january", C),
    q("denials every tuesday at coral bay", C),
]


def main() -> None:
    path = Path(__file__).with_name("handwritten.jsonl")
    path.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in ITEMS) + "\n", encoding="utf-8")
    print(f"{len(ITEMS)} questions → {path}")


if __name__ == "__main__":
    main()
