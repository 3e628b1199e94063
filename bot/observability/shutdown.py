"""Serve with waitress and stop gracefully on SIGTERM (and SIGINT).

On the signal: ``/readyz`` turns 503 ("draining") and ``opsbot_draining`` 1; the listening socket
is closed at once, so new connections are refused and nginx passes them to another replica
(``proxy_next_upstream error``); requests already accepted run to the end and their answers are
flushed; work Bolt started after ``ack()`` (listener and worker threads) is given the rest of
``OPSBOT_SHUTDOWN_GRACE_SECONDS``; then the process exits 0. A second signal exits at once.
"""

from __future__ import annotations

import _thread
import logging
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from bot.observability.wsgi import InFlight
from bot.slack import compat

log = logging.getLogger("opsbot.shutdown")


class Lifecycle:
    """Shared between the WSGI app (readiness) and the signal handler."""

    def __init__(self) -> None:
        self.draining = threading.Event()


def serve_gracefully(wsgi: Any, *, host: str, port: int, threads: int, inflight: InFlight,
                     lifecycle: Lifecycle, executors: list[Executor], grace_seconds: float,
                     on_drain: Callable[[], None] | None = None) -> None:
    """Run waitress until SIGTERM/SIGINT, then drain (see module doc). Blocks."""
    import waitress

    server = waitress.create_server(wsgi, host=host, port=port, threads=threads, ident="opsbot",
                                    clear_untrusted_proxy_headers=True)
    compat.check_compatible("waitress", server=server)  # the drain below uses waitress internals

    def drain() -> None:
        deadline = time.monotonic() + grace_seconds
        idle = inflight.wait_idle(max(0.0, deadline - time.monotonic()))
        _wait_flushed(server, deadline)
        for ex in executors:  # work after ack(): replies to response_url, views.open …
            done = threading.Thread(target=ex.shutdown, kwargs={"wait": True}, daemon=True)
            done.start()
            done.join(max(0.0, deadline - time.monotonic()))
        log.info("drained (in-flight requests finished: %s); stopping", idle)
        stopping.set()
        _thread.interrupt_main()  # runs on_signal in the main thread, which ends waitress's loop

    stopping = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        if stopping.is_set():
            raise KeyboardInterrupt  # waitress's run() catches it and joins its task threads
        if lifecycle.draining.is_set():
            log.warning("second signal: exiting now")
            raise SystemExit(1)
        lifecycle.draining.set()
        if on_drain is not None:
            on_drain()
        log.info("signal %s: no longer accepting connections; draining %d in-flight request(s)",
                 signal.Signals(signum).name, inflight.count)
        server.accepting = False  # out of the next select(); closed in the loop, not in this handler
        server.trigger.pull_trigger(lambda: _close_listener(server))  # (a select() retried after a signal
        threading.Thread(target=drain, name="opsbot-drain", daemon=True).start()  # keeps its fds)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    log.info("opsbot serving on http://%s:%d (threads=%d)", host, port, threads)
    try:
        server.run()
    except KeyboardInterrupt:
        server.task_dispatcher.shutdown()
    log.info("stopped")


def _close_listener(server: Any) -> None:
    """Runs in waitress's loop: take every connection already queued in the backlog (they are
    answered normally), then close the listening socket so new connects are refused at once."""
    for _ in range(10_000):
        try:
            pair = server.accept()
        except OSError:
            break
        if pair is None:
            break
        conn, addr = pair
        server.set_socket_options(conn)
        server.channel_class(server, conn, server.fix_addr(addr), server.adj, map=compat.socket_map(server))
    server.del_channel()
    server.socket.close()


def _wait_flushed(server: Any, deadline: float) -> None:
    """Wait until no open channel still has response bytes to send (or the deadline)."""
    while time.monotonic() < deadline:
        pending = [ch for ch in list(server.active_channels.values())
                   if ch.total_outbufs_len or ch.requests]
        if not pending:
            return
        time.sleep(0.02)
