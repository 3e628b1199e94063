"""Fan out the daily digest to N channels at once against the Slack stand-in with its
per-channel rate limit on (~1 chat.postMessage per second per channel, HTTP 429 + Retry-After
beyond it), through the real job (queue → delivery log → paced sends).

    .venv/bin/python bench/bench_digest.py [--channels 300] [--per-minute 300] [--big 10]
    .venv/bin/python bench/bench_digest.py --database postgresql+psycopg://postgres@127.0.0.1/bench

Each channel subscribes one clinic (all in America/New_York, so every digest is due at the same
07:30) with a few alerts, ideas and deadlines; every ``--big``-th clinic has enough alerts and
ideas to overflow into the thread. Prints assembly+render time, queue time, total delivery time,
messages, 429s seen, and pacing waits. Never fails on timing.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections import Counter
from datetime import date, datetime, timedelta

from bot.alerts.config import AlertSettings
from bot.delivery import make_delivery_client
from bot.digest.commands import parse_digest
from bot.digest.config import digest_settings
from bot.digest.pacing import Pacer, send_paced
from bot.digest.run import queue_due
from bot.digest.subscriptions import subscribe
from bot.orgconfig import OrgConfig
from devtools.standin import SlackStandIn
from storage import migrate
from storage.db import make_engine, make_session_factory, session_scope
from storage.models import AlertIncident, Clinic, ComplianceItem, Idea

NOW = datetime(2026, 3, 2, 12, 30)  # 07:30 EST


def build(url: str, channels: int, big_every: int) -> tuple[OrgConfig, object]:
    migrate.upgrade(url)
    sessions = make_session_factory(make_engine(url))
    org = OrgConfig.model_validate({"clinics": [
        {"key": f"c{i:03d}", "name": f"Clinic {i:03d}", "timezone": "America/New_York", "owner": f"U0OWN{i:03d}"}
        for i in range(channels)]})
    with session_scope(sessions) as s:
        for i, cfg in enumerate(org.clinics):
            c = Clinic(key=cfg.key, name=cfg.name, name_folded=cfg.name.lower(), timezone=cfg.timezone)
            s.add(c)
            s.flush()
            big = big_every and i % big_every == 0
            for j in range(60 if big else 4):
                s.add(AlertIncident(open_key=f"low_stock|{cfg.key}|item:{j}", rule="low_stock", clinic_key=cfg.key,
                                    subject=f"item:{j}", state="open", severity="warning",
                                    title=f"Low stock: supply item {j:03d} is below its reorder point",
                                    detail={}, root_key=f"low_stock/{cfg.key}/item:{j}/p", version=1,
                                    opened_at=NOW - timedelta(hours=j), last_seen_at=NOW, period="p"))
            for j in range(80 if big else 3):
                s.add(Idea(clinic_id=c.id, title=f"Idea {j:03d}: shorten the check-in questionnaire for repeat visits",
                           title_folded=f"idea {j}", problem="p", proposed_change="c", category="patient_flow",
                           state="new", created_date=date(2026, 2, 1)))
            for j in range(2):
                s.add(ComplianceItem(clinic_id=c.id, key=f"k{j}", kind="training", title=f"Training {j}",
                                     due_date=date(2026, 3, 5 + j), status="open"))
            subscribe(s, org, f"C0D{i:05d}", parse_digest(f"subscribe {cfg.key} at 07:30"), None,
                      NOW - timedelta(days=1))
    return org, sessions


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--channels", type=int, default=300)
    ap.add_argument("--per-minute", type=float, default=None, help="workspace pacing (default: digest settings)")
    ap.add_argument("--big", type=int, default=10, help="every Nth clinic overflows into the thread (0: none)")
    ap.add_argument("--database", default=None, help="empty database URL (default: a temporary SQLite file)")
    args = ap.parse_args()
    url = args.database or f"sqlite:///{tempfile.mkdtemp(prefix='bench_digest_')}/digest.db"
    t0 = time.perf_counter()
    org, sessions = build(url, args.channels, args.big)
    print(f"built {args.channels} clinics + subscriptions in {time.perf_counter() - t0:.1f} s ({url.split(':')[0]})")
    settings = digest_settings(org)
    per_minute = args.per_minute or settings.workspace_per_minute
    with SlackStandIn(rate_limit_per_channel=1.0) as standin:
        t1 = time.perf_counter()
        report = queue_due(sessions, org, AlertSettings(), settings, NOW)  # type: ignore[arg-type]
        t2 = time.perf_counter()
        client = make_delivery_client("xoxb-bench", standin.base_url, timeout=10)
        pacer = Pacer(settings.per_channel_seconds, per_minute, settings.workspace_burst)
        paced = send_paced(sessions, client, report.keys_by_channel, NOW, pacer, max_wait_s=900)  # type: ignore[arg-type]
        t3 = time.perf_counter()
        calls = standin.calls_to("chat.postMessage")
    statuses = Counter(c.status for c in calls)
    parts = [len(v) for v in report.keys_by_channel.values()]
    messages = sum(parts)
    print(f"digests queued: {report.queued} (errors {len(report.errors)}); messages: {messages} "
          f"(heads {len(parts)}, thread replies {messages - len(parts)}, max parts per digest {max(parts)})")
    print(f"assembly + render: {report.render_s:.2f} s total, {report.render_s / max(1, report.due) * 1000:.1f} ms "
          f"per digest; queue phase (incl. delivery-log inserts): {t2 - t1:.2f} s")
    print(f"delivery: {t3 - t2:.1f} s for {messages} messages at {per_minute:g}/min workspace pacing "
          f"(ideal ≥ {max(0.0, (messages - settings.workspace_burst) / (per_minute / 60)):.1f} s); "
          f"pacing waits {paced.waited_s:.1f} s")
    print(f"stand-in answers: {dict(statuses)}; delivery report: sent {paced.report.sent}, dead {paced.report.dead}, "
          f"unsent {len(paced.unsent)}, attempts {paced.attempts}")
    gaps = []
    by_channel: dict[str, list[float]] = {}
    for c in calls:
        if c.status == 200:
            by_channel.setdefault(str(c.params.get("channel")), []).append(c.at)
    for ats in by_channel.values():
        gaps += [b - a for a, b in zip(ats, ats[1:], strict=False)]
    if gaps:
        print(f"same-channel spacing: min {min(gaps):.2f} s, median {statistics.median(gaps):.2f} s")


if __name__ == "__main__":
    main()
