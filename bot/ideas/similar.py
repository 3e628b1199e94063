"""Possible duplicates of a new idea: fuzzy title match (rapidfuzz) against existing ideas."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.ideas.states import IdeaState
from core.text import fold
from storage.models import Clinic, Idea

THRESHOLD = 72.0  # token_set_ratio; below this, titles share only stop-words in our samples


@dataclass(frozen=True)
class Similar:
    id: int
    title: str
    state: IdeaState
    score: float  # 0–100


def find_similar(session: Session, title: str, clinic_key: str | None = None, *,
                 limit: int = 5, threshold: float = THRESHOLD) -> list[Similar]:
    """Existing ideas (same clinic when given, any state but declined) whose title matches
    ``title`` with ``fuzz.token_set_ratio`` ≥ ``threshold`` on folded text, best first."""
    stmt = select(Idea.id, Idea.title, Idea.title_folded, Idea.state).where(
        Idea.state != IdeaState.DECLINED.value)
    if clinic_key:
        stmt = stmt.join(Clinic, Clinic.id == Idea.clinic_id).where(Clinic.key == clinic_key)
    rows = session.execute(stmt).all()
    if not rows or not title.strip():
        return []
    choices = {r.id: r.title_folded for r in rows}
    by_id = {r.id: r for r in rows}
    hits = process.extract(fold(title), choices, scorer=fuzz.token_set_ratio,
                           score_cutoff=threshold, limit=limit)
    return [Similar(key, by_id[key].title, IdeaState(by_id[key].state), round(score, 1))
            for _, score, key in hits]
