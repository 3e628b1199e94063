"""Pacing: one post per channel per second, a workspace token bucket, heads before thread parts."""

from __future__ import annotations

from bot.digest.pacing import Pacer, waves


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def now(self) -> float:
        return self.t

    def sleep(self, s: float) -> None:
        self.t += s


def test_same_channel_waits_a_second_after_the_previous_send() -> None:
    clock = Clock()
    p = Pacer(1.0, 6000, 100, clock=clock.now, sleep=clock.sleep)
    starts = []
    for _ in range(3):
        p.wait("C1")
        starts.append(clock.t)
        clock.t += 0.25  # the request takes 250 ms
        p.sent("C1")
    assert starts == [0.0, 1.25, 2.5]


def test_workspace_bucket_limits_many_channels() -> None:
    clock = Clock()
    p = Pacer(1.0, 60, 5, clock=clock.now, sleep=clock.sleep)  # 1/s refill, burst 5
    for i in range(15):
        p.wait(f"C{i}")
        p.sent(f"C{i}")
    # 5 at once, then one per second for the remaining 10
    assert abs(clock.t - 10.0) < 1e-9


def test_waves_send_every_head_first() -> None:
    order = waves({"C1": ["h1", "h1/1", "h1/2"], "C2": ["h2"], "C3": ["h3", "h3/1"]})
    assert order == [("C1", "h1"), ("C2", "h2"), ("C3", "h3"), ("C1", "h1/1"), ("C3", "h3/1"), ("C1", "h1/2")]
