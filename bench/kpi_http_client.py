"""The client side of ``bench_kpi_http.py``: signed ``/kpi`` requests as raw HTTP bytes, fired from
a separate process (its own CPU scheduling and GIL, away from the stand-in's threads), and the
figures of one phase.
"""

from __future__ import annotations

import multiprocessing
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from devtools.signing import signed_headers, slash_command_body

TIMING = re.compile(rb"^server-timing:\s*app;dur=([0-9.]+)", re.IGNORECASE | re.MULTILINE)
LENGTH = re.compile(rb"^content-length:\s*([0-9]+)", re.IGNORECASE | re.MULTILINE)


@dataclass
class Sent:
    status: int  # 0 = connection error
    at: float  # time.time() when sending began
    ack: float  # seconds from sending to the whole response read
    server_ms: float | None  # Server-Timing app;dur
    late_ms: float  # how late sending began against the schedule


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def raw_request(port: int, secret: str, text: str, response_url: str) -> bytes:
    """A signed slash-command POST as it goes on the wire (one request per connection)."""
    body = slash_command_body("/kpi", text, user_id="U0BENCH", channel_id="C0BENCH", response_url=response_url)
    headers = signed_headers(secret, body)
    head = ["POST /slack/events HTTP/1.1", f"Host: 127.0.0.1:{port}", f"Content-Length: {len(body.encode())}",
            "Connection: close", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body.encode()


def _send(port: int, request: bytes) -> tuple[int, float, float, float | None]:
    at, start = time.time(), time.perf_counter()
    data = b""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            s.sendall(request)
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
                head, sep, body = data.partition(b"\r\n\r\n")
                length = LENGTH.search(head) if sep else None
                if length and len(body) >= int(length.group(1)):
                    break
    except OSError:
        return 0, at, time.perf_counter() - start, None
    took = time.perf_counter() - start
    try:
        status = int(data.split(b" ", 2)[1])
    except (IndexError, ValueError):
        status = 0
    timing = TIMING.search(data.partition(b"\r\n\r\n")[0])
    return status, at, took, float(timing.group(1)) if timing else None


def _fire_here(port: int, requests: list[bytes], offsets: list[float]) -> list[Sent]:
    """One thread per request, all released together; request k is sent ``offsets[k]`` s later."""
    go = threading.Event()
    start = [0.0]
    out: list[Any] = [None] * len(requests)

    def one(k: int) -> None:
        go.wait()
        target = start[0] + offsets[k]
        if target > time.perf_counter():
            time.sleep(target - time.perf_counter())
        late = (time.perf_counter() - target) * 1000
        status, at, took, server = _send(port, requests[k])
        out[k] = Sent(status, at, took, server, late)

    threads = [threading.Thread(target=one, args=(k,), daemon=True) for k in range(len(requests))]
    for t in threads:
        t.start()
    time.sleep(0.3)  # every thread is waiting at the gate
    start[0] = time.perf_counter()
    go.set()
    for t in threads:
        t.join()
    return out


def fire(port: int, requests: list[bytes], offsets: list[float]) -> list[Sent]:
    """:func:`_fire_here` in a fresh process."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_fire_here, (port, requests, offsets))


@dataclass
class Phase:
    label: str
    sent: list[Sent]
    replies: list[float | None]  # time.time() each command's response_url post landed, or None
    cpu: float  # bot process CPU seconds during the phase
    load_before: str
    load_after: str

    @property
    def client_p99(self) -> float:
        return pct([s.ack * 1000 for s in self.sent if s.status == 200], .99)

    def peak_in_flight(self) -> int:
        """Most commands acknowledged whose reply had not landed yet, at any moment."""
        edges = sorted([(s.at + s.ack, 1) for s, r in zip(self.sent, self.replies, strict=True) if r is not None]
                       + [(r, -1) for r in self.replies if r is not None])
        peak = now = 0
        for _, step in edges:
            now += step
            peak = max(peak, now)
        return peak

    def print(self) -> None:
        n = len(self.sent)
        acks = [s.ack * 1000 for s in self.sent if s.status == 200]
        server = [s.server_ms for s in self.sent if s.server_ms is not None]
        missed = sum(1 for s in self.sent if s.status != 200 or s.ack > 3.0)
        replies = [(r - s.at) * 1000 for s, r in zip(self.sent, self.replies, strict=True) if r is not None]
        line = "p50 {:8.1f}  p99 {:8.1f}  max {:8.1f}"
        print(f"{self.label}\n  load average {self.load_before} -> {self.load_after}")
        print(f"  client ack ms  {line.format(pct(acks, .5), pct(acks, .99), max(acks, default=0))}"
              f"  missed (non-200 or over 3 s): {missed} of {n}")
        print(f"  server ack ms  {line.format(pct(server, .5), pct(server, .99), max(server, default=0))}"
              f"  (Server-Timing, {len(server)} values)")
        print(f"  reply ms       {line.format(pct(replies, .5), pct(replies, .99), max(replies, default=0))}"
              f"  replies arrived {len(replies)}/{n}; peak in flight {self.peak_in_flight()}")
        late = [s.late_ms for s in self.sent]
        print(f"  bot CPU {self.cpu:.2f} s = {self.cpu / n * 1000:.1f} ms per command (ack path + answer); "
              f"client send slip p99 {pct(late, .99):.1f} ms")


def send_urllib(url: str, standin: Any, secret: str, text: str, *, wait: bool = False) -> tuple[int, float]:
    """One signed /kpi with urllib; (status, ack seconds). ``wait``: also until its reply lands."""
    response_url = standin.new_response_url()
    body = slash_command_body("/kpi", text, user_id="U0BENCH", channel_id="C0BENCH", response_url=response_url)
    req = urllib.request.Request(url, data=body.encode(), headers=signed_headers(secret, body), method="POST")
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            resp.read()
            status = resp.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except OSError:
        status = 0
    took = time.perf_counter() - start
    path = response_url.split("/", 3)[-1]
    deadline = time.monotonic() + 30
    while wait and time.monotonic() < deadline:
        if any(c.headers.get("X-Path", "").lstrip("/") == path for c in list(standin.response_posts)):
            break
        time.sleep(0.005)
    return status, took
