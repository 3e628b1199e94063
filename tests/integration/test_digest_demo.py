"""The demo's digest step on both databases: subscribes, runs the job at the next local 07:30,
and shows the posted digest (sent through the Slack stand-in)."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

from bot.delivery import make_delivery_client
from bot.orgconfig import OrgConfig
from devtools.demo.digest import digest_demo_step
from devtools.standin import SlackStandIn
from storage.db import session_scope
from storage.models import Clinic, ComplianceItem


def test_digest_demo_step(sessions) -> None:  # type: ignore[no-untyped-def]
    org = OrgConfig.model_validate({"clinics": [{"key": "north", "name": "North", "timezone": "America/New_York",
                                                 "channels": {"digest": "C0NDIGEST"}}]})
    with session_scope(sessions) as s:
        c = Clinic(key="north", name="North", name_folded="north", timezone="America/New_York")
        s.add(c)
        s.flush()
        s.add(ComplianceItem(clinic_id=c.id, key="osha", kind="training", title="OSHA training",
                             due_date=date(2026, 3, 12), status="open"))
    with SlackStandIn() as standin:
        ctx = SimpleNamespace(sessions=sessions, org=org, now=datetime(2026, 3, 9, 3, 0),
                              client=make_delivery_client("xoxb-t", standin.base_url))
        lines = digest_demo_step(ctx)
        [post] = standin.calls_to("chat.postMessage")
    assert post.params["channel"] == "C0NDIGEST"
    assert "Mon 9 Mar 07:30 EDT" in lines[0]  # 11:30Z on the first Monday of EDT
    text = "\n".join(lines)
    assert "OSHA training (in 3 days)" in text and "DAILY DIGEST · NORTH" in text
