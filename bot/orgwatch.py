"""Reload the organisation file (``OPSBOT_CONFIG``) when it changes, without a restart.

:class:`OrgFileWatcher` looks at the file's modification time and size at most every
``interval`` seconds (a ``stat``, from whichever thread asks: the request middleware, a job run,
or its own daemon thread); on a change it loads and validates the whole file and hands the new
``OrgConfig`` to ``apply``. An invalid file is refused with one ERROR line naming the problem,
and the last good configuration stays in force (the same file is not reported again until it
changes again).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from bot.errors import ConfigurationError
from bot.orgconfig import OrgConfig, load_org_config

log = logging.getLogger(__name__)


class OrgFileWatcher:
    def __init__(self, path: Path, apply: Callable[[OrgConfig], None], interval: float = 2.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.path, self.apply, self.interval, self.clock = Path(path), apply, interval, clock
        self._seen = self._signature()
        self._checked = clock()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.reloads = 0
        self.last_error: str | None = None

    def _signature(self) -> tuple[int, int] | None:
        try:
            st = self.path.stat()
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size

    def check(self, *, force: bool = False) -> bool:
        """Reload if the file changed since the last look; True when a new config was applied."""
        now = self.clock()
        if not force and now - self._checked < self.interval:
            return False
        if not self._lock.acquire(blocking=False):  # another thread is looking already
            return False
        try:
            self._checked = now
            sig = self._signature()
            if sig == self._seen:
                return False
            self._seen = sig
            if sig is None:
                self.last_error = f"{self.path} is missing"
                log.error("organisation file %s is missing; keeping the last good configuration", self.path)
                return False
            try:
                org = load_org_config(self.path)
            except ConfigurationError as exc:
                self.last_error = exc.user_message
                log.error("organisation file not reloaded, keeping the last good configuration: %s", exc.user_message)
                return False
            self.apply(org)
            self.reloads += 1
            self.last_error = None
            log.info("organisation file %s reloaded: %d clinics", self.path, len(org.clinics))
            return True
        finally:
            self._lock.release()

    def start(self) -> OrgFileWatcher:
        """Check on a daemon thread every ``interval`` seconds until :meth:`stop`."""
        def loop() -> None:
            while not self._stop.wait(self.interval):
                try:
                    self.check(force=True)
                except Exception:  # noqa: BLE001 - the watcher must outlive a bad apply
                    log.exception("organisation file reload failed")

        threading.Thread(target=loop, name="opsbot-orgwatch", daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()
