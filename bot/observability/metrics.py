"""Prometheus metrics (``prometheus_client``), one registry per process.

Each replica and each scheduler is its own process with its own ``/metrics`` (waitress runs
threads, not forked workers, so prometheus_client's multi-process mode is not needed): Prometheus
scrapes every replica directly on its port (not through nginx) and aggregates with ``sum``.
Figures read from the database (deliveries by state, import rows) are the same on every replica:
aggregate those with ``max``.

Names (units in the name, Prometheus conventions):

* ``opsbot_http_requests_total{route,method,status}``, ``opsbot_http_request_seconds{route}``
* ``opsbot_slack_ack_seconds{kind}`` — time from receiving a Slack request to the HTTP answer
  (the acknowledgement; Slack allows 3 s); kind = command / interaction / event / other
* ``opsbot_http_inflight_requests``, ``opsbot_draining`` (1 after SIGTERM)
* ``opsbot_job_runs_total{job,outcome}``, ``opsbot_job_seconds{job}``, ``opsbot_scheduler_leader``
* ``opsbot_deliveries{state}`` — delivery-log rows by state, read at scrape time
* ``opsbot_import_rows_total{feed,outcome}`` — rows of all recorded feed loads, read at scrape time
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
JOB_BUCKETS = (0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)


class Metrics:
    """The process's metrics on their own registry (tests build as many as they like)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.requests = Counter("opsbot_http_requests", "HTTP requests answered", ["route", "method", "status"],
                                registry=r)
        self.request_seconds = Histogram("opsbot_http_request_seconds", "HTTP request handling time",
                                         ["route"], buckets=ACK_BUCKETS, registry=r)
        self.ack_seconds = Histogram("opsbot_slack_ack_seconds", "Slack request to acknowledgement (HTTP answer)",
                                     ["kind"], buckets=ACK_BUCKETS, registry=r)
        self.inflight = Gauge("opsbot_http_inflight_requests", "HTTP requests being handled", registry=r)
        self.draining = Gauge("opsbot_draining", "1 while shutting down gracefully", registry=r)
        self.job_runs = Counter("opsbot_job_runs", "Job runs", ["job", "outcome"], registry=r)
        self.job_seconds = Histogram("opsbot_job_seconds", "Job run duration", ["job"], buckets=JOB_BUCKETS,
                                     registry=r)
        self.leader = Gauge("opsbot_scheduler_leader", "1 while this scheduler holds the lease", registry=r)

    def watch_database(self, sessions: sessionmaker[Session]) -> None:
        """Add the scrape-time database figures (deliveries by state, import rows)."""
        self.registry.register(DatabaseCollector(sessions))


class DatabaseCollector(Collector):
    """Reads two small aggregates per scrape; a database error yields no sample (and a log line),
    never a failed scrape — ``/readyz`` is where database health is reported."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def collect(self) -> Iterator[Metric]:
        from storage.models import Delivery, FeedLoad, PendingReply

        deliveries = GaugeMetricFamily("opsbot_deliveries", "Delivery-log rows by state", labels=["state"])
        rows = CounterMetricFamily("opsbot_import_rows", "Rows of recorded feed loads", labels=["feed", "outcome"])
        owed = GaugeMetricFamily("opsbot_owed_replies", "Replies acknowledged and not yet sent, by kind (issue 14)",
                                 labels=["kind"])
        try:
            with self.sessions() as s:
                for state, n in s.execute(select(Delivery.state, func.count()).group_by(Delivery.state)):
                    deliveries.add_metric([str(state)], n)
                cols = {o: getattr(FeedLoad, f"rows_{o}") for o in
                        ("read", "imported", "updated", "unchanged", "rejected", "warned")}
                stmt = select(FeedLoad.feed, *[func.coalesce(func.sum(c), 0) for c in cols.values()]).group_by(FeedLoad.feed)
                for feed, *sums in s.execute(stmt):
                    for outcome, n in zip(cols, sums, strict=True):
                        rows.add_metric([feed, outcome], float(n))
                for kind, n in s.execute(select(PendingReply.kind, func.count()).group_by(PendingReply.kind)):
                    owed.add_metric([str(kind)], n)
        except Exception as exc:  # noqa: BLE001 - a scrape must not fail because the DB blinked
            log.warning("metrics: database figures unavailable: %s", type(exc).__name__)
            return
        yield deliveries
        yield rows
        yield owed


def ack_kind(content_type: str, body: bytes) -> str:
    """Classify a Slack request from its raw body without a full parse: ``command``,
    ``interaction``, ``event`` or ``other``."""
    head = body[:4096]
    if "json" in content_type:
        return "event" if b'"event_callback"' in head else "other"
    if head.startswith(b"payload=") or b"&payload=" in head:
        return "interaction"
    if b"command=" in head:
        return "command"
    return "other"
