"""Issue 19 end to end in the domain, on generated networks (``devtools.seed``), SQLite and PostgreSQL:

* the planted denial spike's alert carries "Start an improvement" whose idea pre-fill names the
  measure, the clinic, the baseline (the chart's centre line) and the driver (the planted payer);
  the idea and its PDSA cycle are stored, and the cycle is drawn on the KPI's weekly chart at its
  start week, with the limits frozen on the weeks before it (PNG written for the record);
* a sustained improvement planted after a cycle starts (half the clinic's no-shows become
  completed visits) is read as an improvement signal in the Study proposal; the same cycle on the
  untouched (quiet) network reports none.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from bot.alerts.config import AlertSettings
from bot.alerts.evaluate import run_alerts
from bot.alerts.incidents import card_for
from bot.alerts.targets import target_for
from bot.ideas import pdsa, service
from bot.ideas.cycle_chart import chart_with_cycles
from bot.ideas.improve import ImprovementStart
from bot.ideas.study import study_for_cycle, study_proposal
from bot.ids import Action
from bot.kpi.engine import answer
from bot.kpi.grammar import parse_kpi_command
from bot.kpi.rollup_refresh import refresh_all_rollups
from bot.orgconfig import ClinicConfig, OrgConfig
from bot.views.alerts import incident_message
from bot.views.chart_png import build_figure, render_chart_png
from bot.views.pdsa import PdsaField, update_form
from storage.db import session_scope
from storage.models import AlertIncident, Clinic, Payer, PdsaCycle

seed = pytest.importorskip("devtools.seed")
END = date(2026, 3, 31)
NOW = datetime(2026, 4, 1, 12)
# the record in docs/img is rewritten only on request (OPSBOT_WRITE_DOC_IMAGES=1): a test run
# must leave the checkout as it found it
_DOCS = Path(__file__).resolve().parents[2] / "docs" / "img"
PNG = (_DOCS if os.environ.get("OPSBOT_WRITE_DOC_IMAGES") == "1" else Path(tempfile.gettempdir())) \
    / "issue19_cycle_on_chart.png"


def _seed(seeded_db, **kw):  # type: ignore[no-untyped-def]
    """(sessions, SeedReport): a fresh copy of the network, seeded once per session."""
    return seeded_db(seed.SeedParams(clinics=5, days=150, seed=3, end_date=END, **kw),
                     pseudonym_key="test-key", validate_rows=0)


def test_alert_to_cycle_on_the_chart(seeded_db) -> None:  # type: ignore[no-untyped-def]
    sessions, report = _seed(seeded_db)
    event = report.event("denial_spike")
    with session_scope(sessions) as s:
        clinic = s.scalars(select(Clinic).where(Clinic.key == event.clinic_key)).one()
        # the clinic's alerts go to a finance channel, so the denial figures may be shown (issue 15)
        # and its ideas to one too, so the idea may carry them
        org = OrgConfig(finance_channels=["C0FINANCE"], clinics=[ClinicConfig(
            key=clinic.key, name=clinic.name, channels={"alerts": "C0FINANCE", "improvement": "C0FINANCE"})])
        run_alerts(s, org, AlertSettings(), NOW, clinic_key=event.clinic_key, rules=["denial_spike"])
    with session_scope(sessions) as s:
        inc = s.scalars(select(AlertIncident).where(AlertIncident.subject == "denials")).one()
        payer = s.scalars(select(Payer.name).where(Payer.key == event.detail["payer_key"])).one()
        msg = incident_message(card_for(inc, target_for(org, AlertSettings(), clinic.key, clinic.name, "UTC")))
        buttons = [e for b in msg["blocks"] if b["type"] == "actions" for e in b["elements"]
                   if e.get("action_id") == Action.KPI_IMPROVE]
        assert len(buttons) == 1
        start = ImprovementStart.from_value(buttons[0]["value"])
        values = start.idea_values(org)
        assert (values["kpi_id"], values["clinic_key"]) == ("denial-rate", clinic.key)
        # the figures are labelled with the chart they come from (the alert's headline slice)
        assert f"Measure: Denial rate, {inc.title.split(': ', 1)[1]} (denial-rate)" in values["problem"]
        centre = inc.detail["facts"]["centre"]
        assert f"Baseline: {centre:.1%} (centre line over the baseline weeks)" in values["problem"]
        assert f"payer {payer}" in values["problem"]
        assert f"Scope: {clinic.name}." in values["problem"]

        idea = service.submit_idea(s, OrgConfig(), service.IdeaDraft(**values), "U0MGR", NOW)
        cycle = pdsa.start_cycle(s, pdsa.CycleDraft(idea_id=idea.id, objective="Fewer Medicare auth denials",
                                                    plan_what="Check prior auth at scheduling"),
                                 "U0MGR", datetime(2026, 3, 30, 15))  # the day the alert came
        assert (cycle.kpi_id, cycle.clinic_key, cycle.started_date) == ("denial-rate", clinic.key, date(2026, 3, 30))

        a = answer(s, parse_kpi_command(f'denial-rate clinic "{clinic.name}" last 12 weeks'), OrgConfig(), now=NOW)
        chart, marks = chart_with_cycles(s, a)
    weeks = [(p.start, p.end) for p in a.trend]
    at = next(i for i, (lo, hi) in enumerate(weeks) if lo <= date(2026, 3, 30) <= hi)
    assert marks == [(at, f"PDSA {idea.id}.1 start 30 Mar: Check prior auth at scheduling")]
    assert chart.baseline.sum() == at and not chart.baseline[at:].any()  # limits from the weeks before
    fig = build_figure(chart, title="t", labels=a.spc.labels, unit="%", marks=marks)
    assert any("PDSA" in t.get_text() for t in fig.axes[0].texts)
    PNG.parent.mkdir(parents=True, exist_ok=True)
    render_chart_png(chart, title=f"Denial rate · {clinic.name}", labels=a.spc.labels, unit="%", marks=marks,
                     path=PNG)


def test_alert_outside_finance_channels_carries_no_figure_in_its_button(seeded_db) -> None:  # type: ignore[no-untyped-def]
    """Issue 15 x 19: where the audience rule withholds the denial figures, the "Start an
    improvement" button's value (stored by Slack with the message) carries none either."""
    sessions, report = _seed(seeded_db)
    event = report.event("denial_spike")
    with session_scope(sessions) as s:
        clinic = s.scalars(select(Clinic).where(Clinic.key == event.clinic_key)).one()
        org = OrgConfig(finance_channels=["C0FINANCE"], clinics=[ClinicConfig(
            key=clinic.key, name=clinic.name, channels={"alerts": "C0ALERTS"})])
        run_alerts(s, org, AlertSettings(), NOW, clinic_key=event.clinic_key, rules=["denial_spike"])
    with session_scope(sessions) as s:
        inc = s.scalars(select(AlertIncident).where(AlertIncident.subject == "denials")).one()
        msg = incident_message(card_for(inc, target_for(org, AlertSettings(), clinic.key, clinic.name, "UTC")))
    posted = json.dumps(msg)
    value = inc.detail["facts"]["value"]
    for shown in (f"{value:.1%}", f"{inc.detail['facts']['centre']:.1%}"):
        assert shown not in posted
    assert "<#C0FINANCE>" in posted and "%" not in posted
    # the figures reach the finance channel: the full alert, once, as an incident of its own
    with session_scope(sessions) as s:
        copy = s.scalars(select(AlertIncident).where(AlertIncident.subject == "denials@C0FINANCE")).one()
        rows = s.execute(text("select channel from deliveries where key like 'denial_spike/%'")).all()
        full = json.dumps(incident_message(card_for(copy, target_for(org, AlertSettings(), clinic.key,
                                                                     clinic.name, "UTC"))))
        assert sorted(r[0] for r in rows) == ["C0ALERTS", "C0FINANCE"]
        run_alerts(s, org, AlertSettings(), NOW, clinic_key=event.clinic_key, rules=["denial_spike"])
        assert len(s.execute(text("select channel from deliveries")).all()) == 2  # a second run: no new post
    facts = copy.detail["facts"]
    assert f"{facts['value']:.1%} ({facts['denied']} of {facts['n']})" in full
    assert f"{facts['limit']:.1%}" in full and "withheld" not in facts
    # its "Start an improvement" fills an idea for the clinic's improvement channel (no finance
    # channel here): the measure named and labelled, no figure
    button = next(e for b in json.loads(full)["blocks"] if b["type"] == "actions" for e in b["elements"]
                  if e.get("action_id") == Action.KPI_IMPROVE)
    idea_org = OrgConfig(finance_channels=["C0FINANCE"], clinics=[ClinicConfig(
        key=clinic.key, name=clinic.name, channels={"alerts": "C0ALERTS", "improvement": "C0IDEAS"})])
    problem = ImprovementStart.from_value(button["value"]).idea_values(idea_org)["problem"]
    assert f"Measure: Denial rate, {copy.title.split(': ', 1)[1]} (denial-rate)" in problem
    assert "%" not in problem and "Now:" not in problem and "shown only in finance channels" in problem


def _no_show_cycle(s, start: date) -> PdsaCycle:  # type: ignore[no-untyped-def]
    clinic = s.scalars(select(Clinic).order_by(Clinic.id)).first()
    idea = service.submit_idea(s, OrgConfig(), service.IdeaDraft(title="Reminder calls", clinic_key=clinic.key,
                                                                 kpi_id="no-show-rate"), "U0MGR", NOW)
    card = pdsa.start_cycle(s, pdsa.CycleDraft(idea_id=idea.id, objective="Fewer no-shows"), "U0MGR",
                            datetime.combine(start, datetime.min.time()) + timedelta(hours=15))
    return s.get(PdsaCycle, card.id)


@pytest.mark.parametrize("planted", [True, False])
def test_study_reads_a_planted_improvement_and_nothing_on_a_quiet_network(seeded_db, planted: bool) -> None:  # type: ignore[no-untyped-def]
    sessions, _ = _seed(seeded_db, plant_events=False)
    start = date(2026, 2, 2)  # a Monday, 8 whole weeks before the end
    with session_scope(sessions) as s:
        cycle = _no_show_cycle(s, start)
        if planted:  # sustained: every other no-show from the start on becomes a completed visit
            s.execute(text("update appointments set status = 'completed' where clinic_id = :c and status = 'no_show' "
                           "and appointment_date >= :d and id % 2 = 0"), {"c": cycle.clinic_id, "d": start})
            refresh_all_rollups(s)
    with session_scope(sessions) as s:
        cycle = s.get(PdsaCycle, cycle.id)
        rows = s.execute(text("select appointment_date, status from appointments where clinic_id = :c "
                              "and status not in ('cancelled', 'scheduled')"), {"c": cycle.clinic_id}).all()
        reading = study_for_cycle(s, cycle, END + timedelta(days=1))
    day = lambda v: v if isinstance(v, date) else date.fromisoformat(str(v)[:10])  # noqa: E731
    base = [st for d, st in rows if date(2025, 11, 10) <= day(d) < start]
    after = [st for d, st in rows if start <= day(d) <= date(2026, 3, 29)]
    assert reading is not None
    assert reading.before == pytest.approx(base.count("no_show") / len(base), abs=1e-12)
    assert reading.after == pytest.approx(after.count("no_show") / len(after), abs=1e-12)
    print(f"\n{'planted' if planted else 'quiet'}: {reading.text}")
    if planted:
        assert reading.signal == "improvement" and "improvement signal" in reading.text
        k = int(reading.chart.baseline.sum())
        assert reading.labels[k] == "2 Feb"  # the chart's period after starts at the cycle's start
        render_chart_png(reading.chart, title="No-show rate · weekly, baseline before PDSA 1.1",
                         labels=list(reading.labels), unit="%", marks=[(k, "PDSA 1.1 start 02 Feb: reminder calls")],
                         path=PNG.with_name("issue19_study_signal.png"))
        assert reading.since is not None and reading.since >= start
    else:
        assert reading.signal != "improvement" and "no improvement signal" in reading.text
    with session_scope(sessions) as s:  # the update form's Study field carries the proposal
        view = update_form(pdsa.get_cycle(s, cycle.id), study_proposal(s, cycle.id, NOW))
    study = next(b for b in view["blocks"] if b.get("block_id") == PdsaField.STUDY)
    assert study["element"]["initial_value"] == f"Proposed from the data (confirm or edit): {reading.text}"
