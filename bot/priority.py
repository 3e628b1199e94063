"""Acknowledgements before heavy work (issue 4).

The bot is one process: acknowledgements (signature check, guard, listener, ``ack()``) and the
work after them (KPI queries, chart rendering) share one GIL and, here, two cores. Every time an
acknowledging thread releases the GIL (a database round trip, a socket write) a computing thread
may take it, for up to the 5 ms switch interval. Measured with 64 ``/kpi`` commands arriving at
once (``bench/bench_kpi_http.py`` phase (a), 8 runs each, SQLite): p99 acknowledgement 233–499 ms
(median of runs ~420) without this gate, 150–286 ms (~200) with it.

:class:`ComputeGate` gives acknowledgements priority without a second process:

- ``with gate.acknowledging():`` wraps each request's way to its acknowledgement (the app's
  ``dispatch``; see ``bot.slack.middleware.install``);
- ``with gate:`` wraps heavy work on a worker: it takes one of ``slots`` compute slots, then
  waits until no acknowledgement is in progress. The whole wait at the gate (for a slot, then
  for a pause) is bounded by ``max_wait`` seconds, so a steady stream of requests cannot starve
  the answers, and work that already queued that long for a slot (a saturated server) does not
  wait again: answers keep their throughput.

Work already computing is not interrupted; with few slots, little is.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class ComputeGate:
    """Compute slots that wait for a quiet moment in the acknowledgements (module doc).

    Args:
        slots: how many workers may compute at once (≥ 1; ``ValueError`` otherwise).
        max_wait: seconds a worker may spend at the gate (for a slot and for a pause in the
            acknowledgements) before it computes anyway.
    """

    def __init__(self, slots: int, max_wait: float = 0.5) -> None:
        if slots < 1:
            raise ValueError("slots must be at least 1")
        self.slots, self.max_wait = slots, max_wait
        self._slots = threading.BoundedSemaphore(slots)
        self._quiet = threading.Condition()
        self._acking = 0
        self._waiting = 0

    @property
    def acknowledging_now(self) -> int:
        """Requests currently on their way to an acknowledgement."""
        return self._acking

    @property
    def waiting_now(self) -> int:
        """Workers holding a slot and waiting for the acknowledgements to pause."""
        return self._waiting

    @contextmanager
    def acknowledging(self) -> Iterator[None]:
        """Mark one request as being acknowledged for the duration of the block."""
        with self._quiet:
            self._acking += 1
        try:
            yield
        finally:
            with self._quiet:
                self._acking -= 1
                if self._acking == 0:
                    self._quiet.notify_all()

    def __enter__(self) -> ComputeGate:
        arrived = time.monotonic()
        self._slots.acquire()
        left = self.max_wait - (time.monotonic() - arrived)
        if left > 0:
            with self._quiet:
                self._waiting += 1
                try:
                    self._quiet.wait_for(lambda: self._acking == 0, timeout=left)
                finally:
                    self._waiting -= 1
        return self

    def __exit__(self, *exc: object) -> None:
        self._slots.release()
