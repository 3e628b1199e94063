"""Logging set-up: ``OPSBOT_LOG_FORMAT=json`` (one JSON object per line, for a log shipper) or
``text``; either way every line carries the request id (``-`` outside a request) and Slack
tokens that slip into a message are masked (slack.md: tokens are secrets, never logged).

JSON fields: ``ts`` (ISO 8601 UTC, ms), ``level``, ``logger``, ``msg``, ``request_id``,
``process`` (pid), ``thread``, and ``exc`` (formatted traceback) when there is one.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

from bot.observability.context import current_request_id

TOKEN = re.compile(r"\b(xox[abposr]|xapp|xoxe(?:\.xox[bp])?)-[A-Za-z0-9-]+")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def mask_tokens(text: str) -> str:
    """Replace anything shaped like a Slack token with ``<prefix>-***``."""
    return TOKEN.sub(lambda m: m.group(1) + "-***", text)


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` and masks tokens in the rendered message."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        message = record.getMessage()
        masked = mask_tokens(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id() or "-",
            "process": record.process, "thread": record.threadName,
        }
        if record.exc_info:
            out["exc"] = mask_tokens(self.formatException(record.exc_info))
        return json.dumps(out, ensure_ascii=False, default=str)


def configure_logging(level: str = "INFO", fmt: str = "text", stream: object = None) -> None:
    """Replace the root handlers with one stream handler (stderr by default) in ``fmt``."""
    handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
