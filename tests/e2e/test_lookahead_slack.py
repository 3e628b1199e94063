"""Look-ahead questions through the real Bolt app against the Slack stand-in (issue 20): the
expected no-shows answer is ephemeral; the high-risk list reaches a front-desk user by DM
(chat.postMessage to the user's id) and nobody else; a plain /kpi question still works."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.forecast.service import train_and_store
from bot.settings import load_settings
from devtools.asking import LocalSlack
from storage.db import make_engine, make_session_factory, session_scope
from storage.models import Appointment, Clinic

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory, _templates):  # type: ignore[no-untyped-def]
    from devtools.seed import SeedParams, seed_database
    from tests.conftest import fresh_database

    tmp = tmp_path_factory.mktemp("lookahead")
    for url in fresh_database("sqlite", _templates, tmp):
        engine = make_engine(url)
        sessions = make_session_factory(engine)
        today = datetime.now(UTC).date()
        with session_scope(sessions) as s:
            seed_database(s, SeedParams(clinics=2, days=90, seed=3, end_date=today), pseudonym_key="k")
        with session_scope(sessions) as s:
            train_and_store(s, datetime.now(UTC).replace(tzinfo=None))
            key = s.scalars(select(Clinic.key).order_by(Clinic.key)).first()
            pseudonyms = set(s.scalars(select(Appointment.patient_pseudonym).where(Appointment.appointment_date > today)))
        config = tmp / "org.yml"
        config.write_text("roles:\n  front_desk: [U0DESK]\n", encoding="utf-8")
        yield url, engine, sessions, key, pseudonyms, config
        engine.dispose()


def _local(network, user: str) -> LocalSlack:  # type: ignore[no-untyped-def]
    url, engine, sessions, _key, _p, config = network
    settings = load_settings(DATABASE_URL=url, OPSBOT_CONFIG=str(config))
    return LocalSlack(settings, engine, sessions, user_id=user)


def _all_text(result) -> str:  # type: ignore[no-untyped-def]
    return " ".join(str(r.get("text", "")) + json.dumps(r.get("blocks", ""), ensure_ascii=False) for r in result.replies)


def test_expected_no_shows_answer_is_ephemeral(network) -> None:  # type: ignore[no-untyped-def]
    key = network[3]
    with _local(network, "U0NURSE") as local:
        result = local.command(f"/kpi expected-no-shows tomorrow clinic {key}")
    assert result.replies and result.replies[0]["response_type"] == "ephemeral"
    assert "expected no-shows" in _all_text(result) and "likely" in _all_text(result)


def test_high_risk_list_goes_by_dm_to_the_front_desk_only(network) -> None:  # type: ignore[no-untyped-def]
    key, pseudonyms = network[3], network[4]
    with _local(network, "U0DESK") as local:
        result = local.command(f"/kpi high-risk tomorrow clinic {key}")
    posts = [r for r in result.replies if r["via"] == "chat.postMessage"]
    assert len(posts) == 1 and posts[0]["channel"] == "U0DESK"
    dm = json.dumps(posts[0], ensure_ascii=False)
    assert "High-risk appointments" in dm and not any(p in dm for p in pseudonyms)
    with _local(network, "U0NURSE") as local:
        refused = local.command(f"/kpi high-risk tomorrow clinic {key}")
    assert not [r for r in refused.replies if r["via"] == "chat.postMessage"]
    assert "front_desk" in _all_text(refused)
