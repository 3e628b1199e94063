"""Run a :class:`~bot.ingest.prepare.ChunkPreparer` in a worker process.

Why a process and not a thread: reading, validating and pseudonymising are Python/pandas work
that holds the GIL, and so does preparing rows for the database; two threads take turns on one
core (measured: slower than doing both in sequence). A forked child reads and validates chunk
n+1 on the other core while the parent writes chunk n. The child inherits the importer as it is
(``begin`` has run) and never touches the parent's database connection; it ends with
``os._exit`` (multiprocessing's default for forked children), so no inherited connection is
finalised twice. Chunks travel pickled through a pipe; the pipe's buffer and one chunk in
flight bound the memory, whatever the file size.

Only where the ``fork`` start method exists (Linux, macOS when allowed) and the machine has
two or more cores; :func:`available` says so.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Generator
from multiprocessing.connection import Connection
from pathlib import Path

from bot.ingest.prepare import ChunkPreparer, Prepared

_DONE, _CHUNK, _ERROR = "done", "chunk", "error"


def available() -> bool:
    """True where a forked worker can run alongside the main process."""
    return "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) >= 2


def prepared_in_worker(preparer: ChunkPreparer, path: Path) -> Generator[Prepared]:
    """Yield the prepared chunks of ``path`` as the worker process produces them.

    An exception in the worker is raised here (same type and message when it pickles). Closing
    the generator early (an error while writing, Ctrl-C) stops the worker.
    """
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    worker = context.Process(target=_produce, args=(preparer, path, send), name="import-prepare", daemon=True)
    # Objects that exist at the fork are shared copy-on-write; the child's cycle collector would
    # write to every one of them (and so copy every page). Frozen, it leaves them alone.
    gc.freeze()
    try:
        worker.start()
    finally:
        gc.unfreeze()
    send.close()
    try:
        while True:
            try:
                kind, payload = receive.recv()
            except EOFError:
                worker.join(5)
                raise RuntimeError(f"the import worker process stopped unexpectedly "
                                   f"(exit code {worker.exitcode})") from None
            if kind == _CHUNK:
                yield payload
            elif kind == _ERROR:
                raise payload
            else:
                return
    finally:
        receive.close()
        if worker.is_alive():
            worker.terminate()
        worker.join()


def _produce(preparer: ChunkPreparer, path: Path, send: Connection) -> None:
    try:
        with path.open("rb") as handle:
            for prepared in preparer.chunks(handle):
                send.send((_CHUNK, prepared))
        send.send((_DONE, None))
    except BaseException as exc:  # noqa: BLE001 - every failure is handed to the parent
        _send_error(send, exc)
    finally:
        send.close()


def _send_error(send: Connection, exc: BaseException) -> None:
    try:
        send.send((_ERROR, exc))
    except OSError:  # the parent has stopped listening
        pass
    except Exception:  # noqa: BLE001 - the exception does not pickle: keep its text
        try:
            send.send((_ERROR, RuntimeError(f"{type(exc).__name__}: {exc}")))
        except OSError:
            pass
