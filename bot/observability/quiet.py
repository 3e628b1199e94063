"""Quiet by default (issue 17): the libraries' INFO lines (Alembic's "Context impl SQLiteImpl",
APScheduler's "Adding job tentatively" and its two lines per job run, waitress's "Serving on")
are hidden from the person at the terminal unless ``opsbot -v``; their warnings and errors stay.

Bolt warns "As you gave `client` as well, `token` will be unused" whenever ``SLACK_BOT_TOKEN`` is
in the environment, because ``slack_bolt.App`` reads the variable itself even when it is given a
``client``; ours carries that same token on purpose (``bot.app.make_web_client``), so the notice
is dropped, verbose or not.
"""

from __future__ import annotations

import logging

from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

# top-level loggers of the libraries whose INFO lines are not news to the person at the terminal
LIBRARY_LOGGERS = ("alembic", "apscheduler", "slack_bolt", "slack_sdk", "waitress", "urllib3", "matplotlib",
                   "websocket")


class _DropTokenUnusedNotice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


_TOKEN_NOTICE_FILTER = _DropTokenUnusedNotice()

# the project's own INFO lines the person at the terminal asked for (where the server listens)
KEEP_INFO = frozenset({"bot.cli.serve"})


class _QuietInfo(logging.Filter):
    """On the terminal's handlers: below WARNING only with ``-v`` or from :data:`KEEP_INFO`.

    A handler filter, because Bolt copies the root level onto each logger it makes
    (``slack_bolt.logger._configure_from_root``), so a level set on ``slack_bolt`` is undone for
    ``slack_bolt.App``; and the project's own INFO lines (a refused input, a job run) are internal."""

    verbose = False
    service = False  # a long-running process (serve, socket, scheduler): its own INFO lines are its log

    def filter(self, record: logging.LogRecord) -> bool:
        if self.verbose or record.levelno >= logging.WARNING or record.name in KEEP_INFO:
            return True
        return self.service and record.name.split(".", 1)[0] not in LIBRARY_LOGGERS


_QUIET_INFO = _QuietInfo()


def quiet_libraries(verbose: bool = False) -> None:
    """Libraries log at WARNING and above; with ``verbose`` they follow the root level again
    (``OPSBOT_LOG_LEVEL``, INFO by default). Idempotent."""
    level = logging.NOTSET if verbose else logging.WARNING
    _QUIET_INFO.verbose = verbose
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(level)
    bolt_app = logging.getLogger("slack_bolt.App")  # the logger slack_bolt.App warns on
    if _TOKEN_NOTICE_FILTER not in bolt_app.filters:
        bolt_app.addFilter(_TOKEN_NOTICE_FILTER)


def service_logging() -> None:
    """For ``opsbot serve``, ``socket`` and ``scheduler``: the operator's log keeps the project's own
    INFO lines (deliveries, job runs, refused requests); the libraries' stay hidden unless ``-v``."""
    _QUIET_INFO.service = True


def quiet_handlers() -> None:
    """Put the terminal filter on the root logger's stream handlers (after ``logging.basicConfig``):
    library and internal INFO lines hidden unless ``opsbot -v`` (issue 17). Idempotent."""
    for handler in logging.getLogger().handlers:
        # the terminal's handler only (``logging.basicConfig``'s), not a test harness's capture
        if type(handler) is logging.StreamHandler and _QUIET_INFO not in handler.filters:
            handler.addFilter(_QUIET_INFO)
