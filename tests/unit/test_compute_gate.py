"""``bot.priority.ComputeGate``: heavy work waits while requests are being acknowledged.

Threads are coordinated with events and the gate's own counters; nothing asserts elapsed time.
"""

from __future__ import annotations

import threading
import time

import pytest

from bot.priority import ComputeGate

WAIT = 10.0  # generous bound for a thread to reach a point; never a speed assertion


def _until(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.001)


def test_work_waits_for_the_acknowledgements_in_progress_then_runs() -> None:
    gate = ComputeGate(slots=2, max_wait=WAIT * 2)
    order: list[str] = []
    computed = threading.Event()

    def work() -> None:
        with gate:
            order.append("computed")
            computed.set()

    with gate.acknowledging():
        with gate.acknowledging():
            worker = threading.Thread(target=work)
            worker.start()
            _until(lambda: gate.waiting_now == 1, "the worker to wait")
            order.append("first ack done")
        assert not computed.is_set() and gate.acknowledging_now == 1
        order.append("second ack done")
    assert computed.wait(WAIT)
    worker.join(WAIT)
    assert order == ["first ack done", "second ack done", "computed"]
    assert gate.acknowledging_now == 0 and gate.waiting_now == 0


def test_work_does_not_wait_when_nothing_is_being_acknowledged() -> None:
    gate = ComputeGate(slots=1, max_wait=WAIT * 2)
    with gate:  # would block WAIT * 2 seconds and fail the run's patience if it waited
        assert gate.waiting_now == 0


def test_a_steady_stream_of_acknowledgements_cannot_starve_the_work() -> None:
    gate = ComputeGate(slots=1, max_wait=0.01)
    with gate.acknowledging():  # never ends while the work runs
        with gate:
            ran = True
    assert ran


def test_no_more_than_slots_workers_compute_at_once() -> None:
    gate = ComputeGate(slots=2, max_wait=0.0)
    inside, most = [0], [0]
    lock, release = threading.Lock(), threading.Event()

    def work() -> None:
        with gate:
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            release.wait(WAIT)
            with lock:
                inside[0] -= 1

    workers = [threading.Thread(target=work) for _ in range(5)]
    for w in workers:
        w.start()
    _until(lambda: inside[0] == 2, "two workers inside")
    release.set()
    for w in workers:
        w.join(WAIT)
    assert most[0] == 2 and inside[0] == 0


def test_a_gate_needs_a_slot() -> None:
    with pytest.raises(ValueError):
        ComputeGate(slots=0)
