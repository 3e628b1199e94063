"""Ideas and PDSA services on a real database (SQLite and PostgreSQL via ``db_url``)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import inspect, select, text

from bot.errors import PermissionDenied, UsageError
from bot.ideas import pdsa, service
from bot.ideas.similar import find_similar
from bot.ideas.states import IdeaState
from bot.orgconfig import OrgConfig
from bot.phi_guard import IdentifiersFound
from storage.db import session_scope
from storage.models import Clinic, Idea, IdeaComment, IdeaStateChange, IdeaVote, PdsaCycle

ORG = OrgConfig.model_validate({"clinics": [
    {"key": "north", "name": "North Family Practice", "timezone": "America/New_York",
     "channels": {"improvement": "C0IMP"}},
    {"key": "south", "name": "South Clinic", "timezone": "Pacific/Auckland"},
]})
NOW = datetime(2026, 3, 4, 15, 30, 12)  # a Wednesday, 10:30 in New York


def draft(title: str = "Text reminders", **kw) -> service.IdeaDraft:  # type: ignore[no-untyped-def]
    base = {"problem": "No-shows on Mondays", "proposed_change": "SMS two days ahead",
            "category": "scheduling", "clinic_key": "north"}
    return service.IdeaDraft(title=title, **{**base, **kw})


def test_named_submission_and_org_clinic_row(sessions) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        card = service.submit_idea(s, ORG, draft(), "U0NAMED", NOW)
    with session_scope(sessions) as s:
        idea = s.get(Idea, card.id)
        clinic = s.scalars(select(Clinic)).one()
        assert (clinic.key, clinic.timezone) == ("north", "America/New_York")  # created from org config
        assert (idea.submitter_user_id, idea.created_at, idea.created_date) == ("U0NAMED", NOW, date(2026, 3, 4))
        assert idea.state == "new" and card.votes == 0


def test_anonymous_submission_leaves_no_user_id_or_exact_time(sessions, engine) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        card = service.submit_idea(s, ORG, draft(anonymous=True), "U0HIDDEN", NOW)
        service.record_post(s, card.id, "C0IMP", "1772638212.000100")
        service.merge_into(s, card.id, draft("dup", anonymous=True), "U0HIDDEN", NOW)
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')).mappings():
                values = [str(v) for v in row.values()]
                assert not any("U0HIDDEN" in v for v in values), table
                assert not any("15:30" in v or "1772638212" in v for v in values), table
    with session_scope(sessions) as s:
        idea = s.get(Idea, card.id)
        assert idea.created_date == date(2026, 3, 2)  # Monday of that week
        assert s.scalars(select(IdeaComment)).one().created_date == date(2026, 3, 2)
        assert s.scalars(select(IdeaVote)).all() == []


def test_identifier_refusal_writes_nothing(sessions) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(IdentifiersFound) as err, session_scope(sessions) as s:
        service.submit_idea(s, ORG, draft(problem="MRN 12345678 waited"), "U1", NOW)
    assert list(err.value.fields) == ["problem"]
    with session_scope(sessions) as s:
        assert s.scalars(select(Idea)).all() == [] and s.scalars(select(Clinic)).all() == []


def test_one_vote_a_person(sessions) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        idea_id = service.submit_idea(s, ORG, draft(), "U1", NOW).id
    results = []
    for user in ("U2", "U3", "U2"):
        with session_scope(sessions) as s:
            added, card = service.upvote(s, idea_id, user, NOW)
            results.append((added, card.votes))
    assert results == [(True, 1), (True, 2), (False, 2)]


def test_lifecycle_with_audit_reasons_and_overdue(sessions) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        idea_id = service.submit_idea(s, ORG, draft(), "U1", NOW).id
        service.change_state(s, idea_id, IdeaState.UNDER_REVIEW, "U9", NOW)
        with pytest.raises(UsageError, match="is in the past"):  # issue 16: a due date cannot lie in the past
            service.change_state(s, idea_id, IdeaState.PLANNED, "U9", NOW, owner="U5", due=date(2026, 3, 1))
        moved = service.change_state(s, idea_id, IdeaState.PLANNED, "U9", NOW, owner="U5",
                                     due=date(2026, 3, 10))
        assert not moved.card.overdue and moved.card.owner_user_id == "U5"
        assert service.get_card(s, idea_id, NOW + timedelta(days=7)).overdue  # 11 March: past the due date
        with pytest.raises(UsageError, match="cannot move to adopted"):
            service.change_state(s, idea_id, IdeaState.ADOPTED, "U9", NOW, reason="x")
        with pytest.raises(UsageError, match="needs a reason"):
            service.change_state(s, idea_id, IdeaState.DECLINED, "U9", NOW)
        with pytest.raises(IdentifiersFound):
            service.change_state(s, idea_id, IdeaState.DECLINED, "U9", NOW, reason="pt DOB 03/04/1975")
        with pytest.raises(PermissionDenied):
            service.change_state(s, idea_id, IdeaState.DECLINED, "", NOW, reason="no")
        done = service.change_state(s, idea_id, IdeaState.DECLINED, "U9", NOW, reason="Out of budget")
        assert not done.card.overdue  # closed ideas are never overdue
    with session_scope(sessions) as s:
        rows = s.scalars(select(IdeaStateChange).order_by(IdeaStateChange.id)).all()
        assert [(r.from_state, r.to_state, r.actor_user_id, r.reason) for r in rows] == [
            (None, "new", "U1", None), ("new", "under_review", "U9", None),
            ("under_review", "planned", "U9", None), ("planned", "declined", "U9", "Out of budget")]
        assert [h.to_state for h in service.history(s, idea_id)] == ["new", "under_review", "planned", "declined"]


def test_list_filters_and_similar(sessions) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        a = service.submit_idea(s, ORG, draft("Text message reminders for appointments"), "U1", NOW).id
        service.submit_idea(s, ORG, draft("Restock gloves every Friday", category="supplies"), "U1", NOW)
        service.submit_idea(s, ORG, draft("Text reminders for appointments", clinic_key="south"), "U2", NOW)
        service.change_state(s, a, IdeaState.UNDER_REVIEW, "U9", NOW)
        assert [c.id for c in service.list_cards(s, NOW, clinic_key="north",
                                                states=[IdeaState.UNDER_REVIEW])] == [a]
        assert len(service.list_cards(s, NOW, submitter="U1")) == 2
        hits = find_similar(s, "Text reminders for appointments", "north")
        assert [h.id for h in hits] == [a]
        assert find_similar(s, "Parking for staff", "north") == []


def test_pdsa_cycle_adapt_adopt_and_chart_marks(sessions) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        idea_id = service.submit_idea(s, ORG, draft(kpi_id="no-show-rate"), "U1", NOW).id
        c1 = pdsa.start_cycle(s, pdsa.CycleDraft(idea_id=idea_id, objective="Fewer no-shows",
                                                 predictions="-20%"), "U5", NOW)
        assert (c1.cycle_number, c1.kpi_id) == (1, "no-show-rate")  # KPI taken from the idea
        assert s.get(Idea, idea_id).state == "testing"
        with pytest.raises(UsageError, match="already has cycle 1"):
            pdsa.start_cycle(s, pdsa.CycleDraft(idea_id=idea_id, objective="x", cycle_number=1), "U5", NOW)
        with pytest.raises(IdentifiersFound):
            pdsa.update_cycle(s, c1.id, pdsa.CycleUpdate(observations="MRN 12345678 no-show"), "U5", NOW)
        later = NOW + timedelta(days=14)
        with pytest.raises(UsageError, match=r"Say what was learnt \(Study\) to close the cycle"):
            pdsa.update_cycle(s, c1.id, pdsa.CycleUpdate(observations="12 fewer", study=" ", act="adopt"), "U5", later)
        assert s.get(PdsaCycle, c1.id).status == "open"  # a close without Study writes nothing
        r1 = pdsa.update_cycle(s, c1.id, pdsa.CycleUpdate(observations="12 fewer", study="-15%", act="adapt"),
                               "U5", later)
        assert r1.next_cycle is not None and r1.idea_change is None
        assert (r1.next_cycle.cycle_number, r1.next_cycle.parent_id) == (2, c1.id)
        r2 = pdsa.update_cycle(s, r1.next_cycle.id, pdsa.CycleUpdate(study="-22%", act="adopt"), "U5",
                               later + timedelta(days=14))
        assert r2.idea_change is not None and r2.idea_change.to_state is IdeaState.ADOPTED
        assert s.get(Idea, idea_id).close_reason.startswith("PDSA cycle 2: adopt")
        clinic_id = s.get(Idea, idea_id).clinic_id
        marks = pdsa.cycle_marks(s, "no-show-rate", clinic_id)
    assert marks == [
        (date(2026, 3, 4), f"PDSA {idea_id}.1 start"),
        (date(2026, 3, 18), f"PDSA {idea_id}.1 end (adapt)"),
        (date(2026, 3, 18), f"PDSA {idea_id}.2 start"),
        (date(2026, 4, 1), f"PDSA {idea_id}.2 end (adopt)"),
    ]
    with session_scope(sessions) as s:
        assert pdsa.cycle_marks(s, "clean-claim-rate", clinic_id) == []
        assert [c.cycle_number for c in pdsa.list_cycles(s, owner="U5")] == [2, 1]


def test_demo_step_tells_the_story(sessions) -> None:  # type: ignore[no-untyped-def]
    from types import SimpleNamespace

    from devtools.demo.ideas import demo_step

    printed: list[str] = []
    text = demo_step(SimpleNamespace(sessions=sessions, org=ORG, now=NOW, echo=printed.append))
    assert printed == [text]
    assert "Refused by the patient-identifier guard" in text and "12345678" not in text
    assert "planned → testing" in text and "testing → adopted" in text
    with session_scope(sessions) as s:
        ideas = s.scalars(select(Idea)).all()
        assert [(i.title, i.state) for i in ideas] == [("Text reminders two days before visits", "adopted")]
