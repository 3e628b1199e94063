"""Issue 15: a digest follows the "Share to channel" rule. Outside ``finance_channels`` it carries
no revenue-cycle KPI and says where they are shown; the same digest in a finance channel carries
them. Domains from shared/spec/kpis.md (clean claim rate and denial rate: revenue cycle; no-show
rate: access)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from bot.alerts.config import AlertSettings
from bot.digest.config import DigestSettings
from bot.digest.gather import gather
from bot.orgconfig import OrgConfig
from bot.views.digest import digest_message
from storage.db import session_scope
from storage.models import Clinic

END = date(2026, 3, 20)
KPIS = ["no-show-rate", "clean-claim-rate", "denial-rate"]


@pytest.fixture
def seeded(seeded_db):  # type: ignore[no-untyped-def]
    seed = pytest.importorskip("devtools.seed")
    sessions, _ = seeded_db(seed.SeedParams(clinics=1, days=60, seed=3, end_date=END), pseudonym_key="test-key",
                            validate_rows=0)  # a copy of one seeding per session
    return sessions


def _digest(sessions, channel: str):  # type: ignore[no-untyped-def]
    org = OrgConfig(finance_channels=["C0FINANCE"])
    with session_scope(sessions) as s:
        key = s.scalars(select(Clinic.key)).first()
        content = gather(s, org, AlertSettings(), DigestSettings(kpis=KPIS), channel, [key], "UTC",
                         datetime(2026, 3, 21, 12, 0), None)
    text = "\n".join(b.get("text", {}).get("text", "") for part in digest_message(content).parts
                     for b in part if isinstance(b.get("text"), dict))
    return content, text


def test_digest_outside_finance_channels_leaves_revenue_kpis_out_and_says_where(seeded) -> None:  # type: ignore[no-untyped-def]
    content, text = _digest(seeded, "C0CLINIC")
    assert [k.kpi_id for k in content.kpis] == ["no-show-rate"]
    assert content.kpis_withheld == ["Clean claim rate", "Denial rate"]
    assert ("2 revenue KPIs are not shown in this channel (Clean claim rate, Denial rate). Revenue-cycle "
            "figures are shown only in finance channels (<#C0FINANCE>)." in text)
    assert "*Clean claim rate*" not in text and "*Denial rate*" not in text


def test_the_same_digest_in_a_finance_channel_carries_them(seeded) -> None:  # type: ignore[no-untyped-def]
    content, text = _digest(seeded, "C0FINANCE")
    assert [k.kpi_id for k in content.kpis] == KPIS
    assert content.kpis_withheld == []
    assert "*Clean claim rate*" in text and "not shown" not in text and "finance channels" not in text


def test_revenue_kpis_without_data_are_not_said_to_be_withheld(seeded) -> None:  # type: ignore[no-untyped-def]
    """A clinic with no claims at all (as a Kaggle database): nothing is withheld, so nothing is said."""
    with session_scope(seeded) as s:
        s.add(Clinic(key="empty", name="Empty Clinic", name_folded="empty clinic", timezone="UTC"))
    with session_scope(seeded) as s:
        content = gather(s, OrgConfig(), AlertSettings(), DigestSettings(kpis=KPIS), "C0CLINIC", ["empty"], "UTC",
                         datetime(2026, 3, 21, 12, 0), None)
    assert content.kpis == [] and content.kpis_withheld == []
    text = "\n".join(b.get("text", {}).get("text", "") for part in digest_message(content).parts
                     for b in part if isinstance(b.get("text"), dict))
    assert "Clean claim rate" not in text and "finance channels" not in text


def test_with_no_finance_channel_the_note_says_none_is_configured_and_where_to_set_it(seeded) -> None:  # type: ignore[no-untyped-def]
    with session_scope(seeded) as s:
        key = s.scalars(select(Clinic.key)).first()
        content = gather(s, OrgConfig(), AlertSettings(), DigestSettings(kpis=KPIS), "C0CLINIC", [key], "UTC",
                         datetime(2026, 3, 21, 12, 0), None)
    text = "\n".join(b.get("text", {}).get("text", "") for part in digest_message(content).parts
                     for b in part if isinstance(b.get("text"), dict))
    assert content.kpis_withheld == ["Clean claim rate", "Denial rate"]
    assert ("Revenue-cycle figures are shown only in finance channels; none is configured yet "
            "(`finance_channels` in the organisation file)." in text)
    assert "a finance channel (none" not in text
