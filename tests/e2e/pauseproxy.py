"""A TCP proxy on 127.0.0.1 that can stop forwarding and resume (issue 14): a database that hangs
— connections stay open, packets are accepted, nothing answers — without touching the shared
PostgreSQL server. While paused, bytes already sent wait in the kernel's buffers and new
connections are accepted but get no answer; on resume everything flows again."""

from __future__ import annotations

import select
import socket
import threading


class PauseProxy:
    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.flowing = threading.Event()
        self.flowing.set()
        self.closed = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()

    def __enter__(self) -> PauseProxy:
        threading.Thread(target=self._accept, name="pauseproxy-accept", daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closed.set()
        self.flowing.set()
        self.listener.close()
        with self._lock:
            for s in self._socks:
                try:
                    s.close()
                except OSError:
                    pass

    def pause(self) -> None:
        self.flowing.clear()

    def resume(self) -> None:
        self.flowing.set()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._pipe, args=(client,), daemon=True).start()

    def _pipe(self, client: socket.socket) -> None:
        self.flowing.wait()  # a connection made while paused gets no answer until resume
        try:
            server = socket.create_connection(self.upstream)
        except OSError:
            client.close()
            return
        with self._lock:
            self._socks += [client, server]
        peer = {client: server, server: client}
        try:
            while not self.closed.is_set():
                self.flowing.wait()
                readable, _, _ = select.select([client, server], [], [], 0.1)
                for sock in readable:
                    if not self.flowing.is_set():
                        break  # paused between select and read: leave the bytes where they are
                    data = sock.recv(65536)
                    if not data:
                        return
                    peer[sock].sendall(data)
        except OSError:
            return
        finally:
            client.close()
            server.close()
