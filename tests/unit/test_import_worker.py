"""bot.ingest.worker: what the parent sees when the worker process fails."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.ingest import worker

pytestmark = pytest.mark.skipif(not worker.available(), reason="needs the fork start method and two cores")


class Fake:
    """Stands in for a ChunkPreparer: ``chunks`` runs in the worker process."""

    def __init__(self, action: str) -> None:
        self.action = action

    def chunks(self, handle: Any) -> Iterator[Any]:
        yield {"n": 1, "first_byte": handle.read(1)}
        if self.action == "exit":
            os._exit(3)
        if self.action == "raise":
            raise ValueError("bad row 7")
        if self.action == "hang":
            time.sleep(60)
        if self.action == "unpicklable":
            raise type("Local", (Exception,), {})("cannot travel")  # a class pickle cannot find
        yield {"n": 2}


def run(action: str, tmp_path: Path) -> list[Any]:
    path = tmp_path / "f.csv"
    path.write_bytes(b"x\n")
    return list(worker.prepared_in_worker(Fake(action), path))  # type: ignore[arg-type]


def test_chunks_arrive_in_order(tmp_path: Path) -> None:
    assert run("none", tmp_path) == [{"n": 1, "first_byte": b"x"}, {"n": 2}]


def test_an_exception_in_the_worker_is_raised_with_its_type(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="bad row 7"):
        run("raise", tmp_path)


def test_an_exception_that_cannot_be_pickled_keeps_its_text(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="Local: cannot travel"):
        run("unpicklable", tmp_path)


def test_a_worker_that_dies_is_reported(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="exit code 3"):
        run("exit", tmp_path)


def test_stopping_early_ends_the_worker(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b"x\n")
    chunks = worker.prepared_in_worker(Fake("hang"), path)  # type: ignore[arg-type]
    assert next(chunks)["n"] == 1
    assert [p.name for p in multiprocessing.active_children()] == ["import-prepare"]
    chunks.close()
    assert multiprocessing.active_children() == []
