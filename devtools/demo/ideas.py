"""Demo tour step: an idea submitted, one refused by the identifier guard, the lifecycle, and a
PDSA cycle with an update — rendered as terminal text with ``bot.render_text``.

``demo_step(ctx)`` needs ``ctx.sessions`` (a session factory on a migrated database) and uses
``ctx.org`` (an ``OrgConfig``; default: none, so the idea has no clinic), ``ctx.now`` (naive UTC;
default now) and ``ctx.echo`` (a print function; default ``print``) when present. It returns the
text it printed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.ideas import pdsa, service
from bot.ideas.states import IdeaState
from bot.orgconfig import OrgConfig
from bot.phi_guard import IdentifiersFound
from bot.render_text import render
from bot.views.ideas import history_lines, idea_detail, idea_message
from bot.views.pdsa import cycle_summary
from storage.db import session_scope
from storage.models import utcnow


def demo_step(ctx: Any) -> str:
    """Run the ideas/PDSA tour on ``ctx.sessions``; print and return the narrated output."""
    org: OrgConfig = getattr(ctx, "org", None) or OrgConfig()
    now = getattr(ctx, "now", None) or utcnow()
    clinic = org.clinics[0].key if org.clinics else None
    out: list[str] = []

    def say(text: str) -> None:
        out.append(text)

    with session_scope(ctx.sessions) as s:
        say("== Frontline improvement: /idea ==")
        refused = service.IdeaDraft(title="Missed follow-up", clinic_key=clinic,
                                    problem="Pt MRN 12345678 (DOB 03/04/1975) missed the recall",
                                    proposed_change="Recall list")
        try:
            service.submit_idea(s, org, refused, "U0DEMOMA", now)
        except IdentifiersFound as exc:
            say(f"Refused by the patient-identifier guard (nothing stored):\n  {exc.user_message}")
        draft = service.IdeaDraft(
            title="Text reminders two days before visits", clinic_key=clinic, category="scheduling",
            problem="Monday no-shows leave empty slots.", proposed_change="Send an SMS 48 h ahead.",
            kpi_id="no-show-rate")
        card = service.submit_idea(s, org, draft, "U0DEMOMA", now)
        service.upvote(s, card.id, "U0DEMORN", now)
        card = service.upvote(s, card.id, "U0DEMODR", now)[1]
        say("Posted to the improvement channel:")
        say(render(idea_message(card)[0]))
        service.change_state(s, card.id, IdeaState.UNDER_REVIEW, "U0DEMOMGR", now)
        service.change_state(s, card.id, IdeaState.PLANNED, "U0DEMOMGR", now, owner="U0DEMOMA",
                             due=(now + timedelta(days=30)).date())
        say("\n== /pdsa start ==")
        cycle = pdsa.start_cycle(s, pdsa.CycleDraft(
            idea_id=card.id, objective="Cut Monday no-shows", predictions="No-shows fall by a fifth",
            plan_who="Front desk", plan_what="SMS 48 h ahead", plan_when="4 weeks",
            plan_where="North clinic"), "U0DEMOMA", now)
        say(render(cycle_summary(cycle, "Cycle started.")))
        say("\n== /pdsa update (Do, Study, Act: adopt) ==")
        result = pdsa.update_cycle(s, cycle.id, pdsa.CycleUpdate(
            observations="Reminders went out on 19 of 20 days.",
            study="No-shows fell 24% against the predicted 20%.", act="adopt"),
            "U0DEMOMA", now + timedelta(days=28))
        say(render(cycle_summary(result.cycle, "Update saved.")))
        final = service.get_card(s, card.id, now + timedelta(days=28))
        blocks, _ = idea_detail(final, history_lines(service.history(s, card.id)))
        say("\n== /idea show ==")
        say(render(blocks))
    text = "\n".join(out)
    getattr(ctx, "echo", print)(text)
    return text
