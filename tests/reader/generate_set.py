"""Writes ``questions.jsonl``: the reader's own labelled set (issue 18), several hundred questions
typed the way managers type, over three generated networks with different names and "now"s.

Expected readings come from this file's own calendar arithmetic (``calendar``/``datetime``) and
from counting names in each network (a surname shared by two providers must be asked back), not
from the reader. Run: ``.venv/bin/python -m tests.reader.generate_set`` (deterministic).
"""

from __future__ import annotations

import calendar
import json
import random
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from tests.reader.networks import NETWORKS, network_rows

KPI_WORDS = {
    "no-show-rate": ["no-show rate", "no shows", "noshow rate", "missed appointments", "no show %", "DNA rate",
                     "patients who didn't show up"],
    "third-next-available": ["third next available", "3rd next available", "TNA", "third next available appt"],
    "provider-utilization": ["utilization", "provider utilization", "template utilisation", "util"],
    "booking-lead-time": ["booking lead time", "lead time"],
    "clean-claim-rate": ["clean claim rate", "clean claims", "CCR"],
    "first-pass-resolution": ["first pass resolution rate", "first-pass rate"],
    "denial-rate": ["denial rate", "denials", "claim denials", "denied claims"],
    "initial-denial-rate": ["initial denial rate"],
    "days-in-ar": ["days in AR", "A/R days", "DSO", "days in a/r"],
    "net-collection-rate": ["net collection rate", "net collections"],
    "write-off-rate": ["write-offs", "write off rate"],
    "insurance-verification-rate": ["insurance verification rate", "eligibility checks", "insurance verification"],
    "authorization-rate": ["prior auth rate", "authorization rate"],
    "point-of-service-collection-rate": ["POS collections", "front desk collections", "copay collections",
                                         "point of service collections"],
    "coding-accuracy": ["coding accuracy"],
    "patient-satisfaction": ["patient satisfaction", "CAHPS scores", "top box scores", "patient experience"],
    "days-of-supply": ["days of supply", "days on hand"],
    "reorder-point": ["items below reorder point", "reorder points"],
    "inventory-turns": ["inventory turns", "stock turns"],
    "expiry-waste": ["expiry waste", "expired stock"],
}
DIMS = {"no-show-rate": "cp", "third-next-available": "cp", "provider-utilization": "cp", "booking-lead-time": "cp",
        "clean-claim-rate": "cpy", "first-pass-resolution": "cy", "denial-rate": "cy", "initial-denial-rate": "cy",
        "days-in-ar": "c", "net-collection-rate": "cy", "write-off-rate": "cy", "insurance-verification-rate": "cp",
        "authorization-rate": "cp", "point-of-service-collection-rate": "c", "coding-accuracy": "cp",
        "patient-satisfaction": "cp", "days-of-supply": "c", "reorder-point": "c", "inventory-turns": "c",
        "expiry-waste": "c"}
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"]
ABBR = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sept", "oct", "nov", "dec"]
PAYER_WORDS = {"medicare": ["medicare", "Medicare"], "medicaid": ["medicaid"], "bcbs": ["BCBS", "blue cross"],
               "aetna": ["aetna", "Aetna"], "united": ["UHC", "united healthcare"], "cigna": ["cigna"],
               "humana": ["humana"]}
REFUSE = ["how many patients did we see last week", "staff overtime at {clinic}", "what's our payroll this month",
          "how much revenue did {clinic} make in {month}", "flu vaccination rate", "readmission rate last quarter",
          "did Maria Lopez show up for her appointment", "no-show history for patient 448812",
          "when is Mrs Johnson's next appointment", "what's the weather at {clinic}",
          "how many visits did {clinic} have yesterday", "headcount by clinic"]
UNKNOWN = ["downtown", "northgate", "eastside", "bayview heights", "central"]


def month_bounds(y: int, m: int) -> tuple[date, date]:
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])


def add_months(d: date, n: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 + n, 12)
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def periods(today: date, rnd: random.Random) -> list[tuple[str, object, object, list[str]]]:
    """(words, start, end, end_any): start/end "any" when no period is named."""
    iso_monday = today - timedelta(days=today.isoweekday() - 1)
    lm = add_months(today.replace(day=1), -1)
    back = add_months(today.replace(day=1), -rnd.randint(2, 5))
    q_first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    lq = add_months(q_first, -3)
    lq_end = q_first - timedelta(days=1)
    d1, d2 = rnd.randint(1, 10), rnd.randint(15, 28)
    out = [
        ("", "any", "any", []),
        ("last month", *month_bounds(lm.year, lm.month), []),
        ("this month", *month_bounds(today.year, today.month), [today.isoformat()]),
        ("last week", iso_monday - timedelta(days=7), iso_monday - timedelta(days=1), []),
        ("this week", iso_monday, iso_monday + timedelta(days=6), [today.isoformat()]),
        (f"in {MONTHS[back.month - 1]}", *month_bounds(back.year, back.month), []),
        (f"{ABBR[back.month - 1]} {back.year}", *month_bounds(back.year, back.month), []),
        (f"{MONTHS[back.month - 1].title()} {back.year}", *month_bounds(back.year, back.month), []),
        ("last quarter", lq, lq_end, []),
        (f"Q{(lq.month - 1) // 3 + 1} {lq.year}", lq, lq_end, []),
        ("yesterday", today - timedelta(days=1), today - timedelta(days=1), []),
        ("over the last 30 days", today - timedelta(days=29), today, []),
        ("past 2 weeks", today - timedelta(days=13), today, []),
        ("last 3 months", add_months(today, -3) + timedelta(days=1), today, []),
        ("ytd", date(today.year, 1, 1), today, []),
        (f"between {ABBR[back.month - 1].title()} {d1} and {ABBR[back.month - 1].title()} {d2}",
         date(back.year, back.month, d1), date(back.year, back.month, d2), []),
        (f"{back.month}/{d1} to {back.month}/{d2}", date(back.year, back.month, d1), date(back.year, back.month, d2), []),
        (f"{back.month}/{d1}-{back.month}/{d2}", date(back.year, back.month, d1), date(back.year, back.month, d2), []),
        (f"since {MONTHS[back.month - 1]}", back, today, []),
        (f"{back.year}-{back.month:02d}", *month_bounds(back.year, back.month), []),
        (f"for the week of {ABBR[back.month - 1]} {d2}",
         date(back.year, back.month, d2) - timedelta(days=date(back.year, back.month, d2).weekday()),
         date(back.year, back.month, d2) - timedelta(days=date(back.year, back.month, d2).weekday()) + timedelta(days=6), []),
        ("this quarter", q_first, add_months(q_first, 3) - timedelta(days=1), [today.isoformat()]),
        ("today", today, today, []),
    ]
    return [(w, s.isoformat() if isinstance(s, date) else s, e.isoformat() if isinstance(e, date) else e, a)
            for w, s, e, a in out]


def _kind_split(name: str) -> str:
    for kind in ("Family Practice", "Primary Care", "Internal Medicine", "Pediatrics", "Health Center"):
        if f" {kind}" in name:
            return name.split(f" {kind}")[0]
    return name


def _typo(word: str, rnd: random.Random) -> str | None:
    letters = [i for i in range(1, len(word) - 2) if word[i].isalpha() and word[i + 1].isalpha() and word[i] != word[i + 1]]
    if len(word) < 7 or not letters:
        return None
    i = rnd.choice(letters)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def clinic_forms(clinics: list[tuple[str, str, str]], rnd: random.Random) -> list[tuple[str, str | None]]:
    """(words, expected key or None = must ask back) for every clinic."""
    places = Counter(_kind_split(n).lower() for _, n, _ in clinics)
    out: list[tuple[str, str | None]] = []
    for key, name, _ in clinics:
        place = _kind_split(name)
        unique = places[place.lower()] == 1
        out.append((name, key))
        out.append((key, key if unique or any(ch.isdigit() for ch in key) else None))
        out.append((place.lower(), key if unique else None))
        out.append((f"{place} clinic", key if unique else None))
        typo = _typo(place.lower(), rnd)
        if typo and unique:
            out.append((typo, key))
    return out


def provider_forms(providers: list[tuple[str, str, str]]) -> list[tuple[str, str | None]]:
    def parts(name: str) -> tuple[str, str]:
        bare = name.replace("Dr. ", "").split(",")[0]
        return bare.split()[0], bare.split()[-1]

    lasts = Counter(parts(n)[1].lower() for _, n, _ in providers)
    fulls = Counter(" ".join(parts(n)).lower() for _, n, _ in providers)
    out: list[tuple[str, str | None]] = []
    for key, name, _ in providers:
        first, last = parts(name)
        out.append((f"Dr. {last}", key if lasts[last.lower()] == 1 else None))
        out.append((f"Dr {first} {last}", key if fulls[f"{first} {last}".lower()] == 1 else None))
        out.append((f"{first.lower()} {last.lower()}", key if fulls[f"{first} {last}".lower()] == 1 else None))
    return out


def _q(q: str, kpi: str | None, start: object, end: object, end_any: list[str], *, status: str = "answer",
       **scope: object) -> dict[str, object]:
    if status != "answer":
        return {"q": q, "expect": {"status": status}}
    expect = {"status": "answer", "kpi": kpi, "clinic": None, "provider": None, "payer": None, "start": start,
              "end": end, "by": None}
    expect.update(scope)
    if end_any:
        expect["end_any"] = end_any
    return {"q": q, "expect": expect}


def build(network: str, count: int) -> list[dict[str, object]]:
    rnd = random.Random(f"reader-set-{network}")
    clinics, providers, payers = network_rows(network)
    today = NETWORKS[network][2].date()
    cforms, pforms = clinic_forms(clinics, rnd), provider_forms(providers)
    out: list[dict[str, object]] = []

    def pick_period(allow_any: bool = True) -> tuple[str, object, object, list[str]]:
        ps = periods(today, rnd)
        return rnd.choice(ps if allow_any else ps[1:])

    def kpi(dims: str = "c") -> tuple[str, str]:
        kid = rnd.choice([k for k, d in DIMS.items() if all(x in d for x in dims)])
        return kid, rnd.choice(KPI_WORDS[kid])

    def say(frame: str, **kw: str) -> str:
        return " ".join(frame.format(**kw).split()).replace(" ?", "?")

    for _ in range(count):
        kid, kw = kpi()
        cw, ck = rnd.choice(cforms)
        pw, s, e, ea = pick_period()
        frame = rnd.choice(["{K} at {C} {P}", "what's the {K} at {C} {P}?", "{C} {K} {P}", "{K} for {C} {P}",
                            "how's {K} looking at {C} {P}", "can you pull {K} for {C} {P}", "{K} {C} {P}",
                            "{K} in {C} {P}", "show me {K} at {C} {P} please"])
        q = say(frame, K=kw, C=cw, P=pw)
        out.append(_q(q, kid, s, e, ea, clinic=ck) if ck else _q(q, None, 0, 0, [], status="clarify"))
    for _ in range(count // 2):
        kid, kw = kpi()
        pw, s, e, ea = pick_period()
        frame = rnd.choice(["{K} {P}", "what was our {K} {P}", "{K} across the network {P}", "overall {K} {P}"])
        out.append(_q(say(frame, K=kw, P=pw), kid, s, e, ea))
    for _ in range(count // 2):
        kid, kw = kpi()
        pw, s, e, ea = pick_period()
        frame = rnd.choice(["{K} by clinic {P}", "{K} {P} by site", "which clinic had the worst {K} {P}",
                            "{K} for each clinic {P}", "rank clinics by {K} {P}"])
        out.append(_q(say(frame, K=kw, P=pw), kid, s, e, ea, by="clinic"))
    for _ in range(count // 3):
        kid, kw = kpi("cp")
        cw, ck = rnd.choice([f for f in cforms if f[1]])
        pw, s, e, ea = pick_period()
        out.append(_q(say(rnd.choice(["{K} by provider at {C} {P}", "{K} at {C} by doctor {P}"]), K=kw, C=cw, P=pw),
                      kid, s, e, ea, clinic=ck, by="provider"))
        kid, kw = kpi("cy")
        pw, s, e, ea = pick_period()
        out.append(_q(say(rnd.choice(["{K} by payer {P}", "{K} for each payer {P}"]), K=kw, P=pw), kid, s, e, ea,
                      by="payer"))
    for _ in range(count // 2):
        kid, kw = kpi("cp")
        dw, dk = rnd.choice(pforms)
        pw, s, e, ea = pick_period()
        q = say(rnd.choice(["{K} for {D} {P}", "{D} {K} {P}", "what's {D}'s {K} {P}"]), K=kw, D=dw, P=pw)
        out.append(_q(q, kid, s, e, ea, provider=dk) if dk else _q(q, None, 0, 0, [], status="clarify"))
    for _ in range(count // 3):
        kid, kw = kpi("cy")
        yk = rnd.choice(list(PAYER_WORDS))
        pw, s, e, ea = pick_period()
        q = say(rnd.choice(["{K} for {Y} {P}", "{Y} {K} {P}"]), K=kw, Y=rnd.choice(PAYER_WORDS[yk]), P=pw)
        out.append(_q(q, kid, s, e, ea, payer=yk))
    first = today.replace(day=1)
    lm = add_months(first, -1)
    lm2 = add_months(first, -2)
    for _ in range(count // 4):
        kid, kw = kpi()
        cw, ck = rnd.choice([f for f in cforms if f[1]])
        tm = month_bounds(today.year, today.month)
        out.append(_q(f"{kw} at {cw} this month vs last month", kid, tm[0].isoformat(), tm[1].isoformat(),
                      [today.isoformat()], clinic=ck, compare_start=lm.isoformat(),
                      compare_end=month_bounds(lm.year, lm.month)[1].isoformat()))
        out.append(_q(f"{kw} last month compared to the month before", kid, lm.isoformat(),
                      month_bounds(lm.year, lm.month)[1].isoformat(), [], compare_start=lm2.isoformat(),
                      compare_end=month_bounds(lm2.year, lm2.month)[1].isoformat()))
        out.append(_q(f"how did {kw} change between {MONTHS[lm2.month - 1]} and {MONTHS[lm.month - 1]}", kid,
                      lm.isoformat(), month_bounds(lm.year, lm.month)[1].isoformat(), [],
                      compare_start=lm2.isoformat(), compare_end=month_bounds(lm2.year, lm2.month)[1].isoformat()))
    for _ in range(count // 4):
        kid, kw = kpi()
        out.append(_q(say(rnd.choice(["{K} at {U}", "{K} at {U} clinic last month", "{U} {K}"]), K=kw,
                          U=rnd.choice(UNKNOWN)), None, 0, 0, [], status="clarify"))
        q = rnd.choice(REFUSE).format(clinic=rnd.choice(cforms)[0], month=rnd.choice(MONTHS))
        out.append(_q(q, None, 0, 0, [], status="refuse"))
    for _ in range(count // 6):
        cw, ck = rnd.choice([f for f in cforms if f[1]])
        q = rnd.choice(["how is {C} doing?", "how's {C} doing", "scorecard for {C}", "clinic {C}"]).format(C=cw)
        out.append(_q(q, None, None, None, [], clinic=ck))
    return out


def threads(network: str, count: int) -> list[dict[str, object]]:
    rnd = random.Random(f"reader-threads-{network}")
    clinics, _, _ = network_rows(network)
    today = NETWORKS[network][2].date()
    cforms = [f for f in clinic_forms(clinics, rnd) if f[1]]
    lm = add_months(today.replace(day=1), -1)
    lm2 = add_months(today.replace(day=1), -2)
    out: list[dict[str, object]] = []
    for _ in range(count):
        kid, kw = rnd.choice([(k, w) for k, ws in KPI_WORDS.items() for w in ws if "p" in DIMS[k]])
        (aw, ak), (bw, bk) = rnd.sample(cforms, 2)
        while ak == bk:
            (bw, bk) = rnd.choice(cforms)
        m1 = month_bounds(lm.year, lm.month)
        m2 = month_bounds(lm2.year, lm2.month)
        other = rnd.choice([k for k in KPI_WORDS if "p" in DIMS[k] and k != kid])
        steps = [
            (f"{kw} at {aw} last month", dict(kpi=kid, clinic=ak, start=m1[0], end=m1[1])),
            (rnd.choice(["and {B}?", "what about {B}", "how about {B}?", "same for {B}"]).format(B=bw),
             dict(kpi=kid, clinic=bk, start=m1[0], end=m1[1])),
            (rnd.choice(["how about {M}", "and in {M}?", "what about {M}"]).format(M=MONTHS[lm2.month - 1]),
             dict(kpi=kid, clinic=bk, start=m2[0], end=m2[1])),
            ("by provider", dict(kpi=kid, clinic=bk, start=m2[0], end=m2[1], by="provider")),
            (rnd.choice(KPI_WORDS[other]) + rnd.choice(["?", " instead", ""]),
             dict(kpi=other, clinic=bk, start=m2[0], end=m2[1], by="provider")),
        ]
        thread = []
        for q, exp in steps:
            e = {"status": "answer", "clinic": None, "provider": None, "payer": None, "by": None, **exp}
            e["start"], e["end"] = e["start"].isoformat(), e["end"].isoformat()
            thread.append({"q": q, "expect": e})
        out.append({"thread": thread})
    return out


def main() -> None:
    lines = []
    for network, count in (("dev", 24), ("n12", 40), ("n30", 40), ("n300", 40)):
        for item in build(network, count) + threads(network, 4):
            lines.append(json.dumps({"network": network, **item}, ensure_ascii=False))
    path = Path(__file__).with_name("questions.jsonl")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} lines → {path}")


if __name__ == "__main__":
    main()
