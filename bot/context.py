"""``AppContext``: what every listener and middleware is given besides the payload. It lives
apart from the composition root (:mod:`bot.app`, which builds it) so that the listeners and the
middleware can name it without importing the module that imports them (issue 17: no cycles).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.orgconfig import OrgConfig
from bot.priority import ComputeGate
from bot.replies import Replies
from bot.settings import Settings


@dataclass
class AppContext:
    """What listeners need besides the payload: settings, org config, sessions, a worker pool.

    ``workers`` runs slow work (charts, large breakdowns, replies to Slack) off the
    acknowledgement path. Most of a worker's time is spent waiting for Slack (a reply, an upload,
    a 429's ``Retry-After``), so the pool is large; ``with ctx.compute:`` bounds how many workers
    compute (queries, rendering: CPU and the GIL, shared with the acknowledgements) at once and
    lets acknowledgements in progress go first (``bot.priority``).
    """

    settings: Settings
    org: OrgConfig
    engine: Engine
    sessions: sessionmaker[Session]
    workers: ThreadPoolExecutor = field(repr=False)
    compute: ComputeGate = field(default_factory=lambda: ComputeGate(2), repr=False)
    replies: Replies | None = field(default=None, repr=False)  # issue 14: work owed after an ack
