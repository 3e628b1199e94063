"""What ``opsbot serve`` does after alert clicks, as a standalone process for the chaos bench:
each of four worker threads picks a few due delivery keys and sends exactly those through
``deliver_pending(keys=…)`` (``handlers.alerts._send_now``'s call), over and over.

    DATABASE_URL=… SLACK_API_URL=… .venv/bin/python bench/chaos_click_sender.py
"""

from __future__ import annotations

import os
import random
import threading
import time

from sqlalchemy import select

from bot.delivery import deliver_pending, make_delivery_client
from storage.db import make_engine, make_session_factory, session_scope
from storage.models import Delivery, DeliveryState


def worker(sessions, base_url: str) -> None:  # type: ignore[no-untyped-def]
    client = make_delivery_client(os.environ.get("SLACK_BOT_TOKEN", "xoxb-chaos"), base_url)
    while True:
        with session_scope(sessions) as s:
            keys = list(s.scalars(select(Delivery.key).where(
                Delivery.state.in_([DeliveryState.PENDING, DeliveryState.FAILED, DeliveryState.SENDING]))
                .order_by(Delivery.id).limit(200)))
        if keys:
            try:
                deliver_pending(sessions, client, keys=random.sample(keys, min(5, len(keys))))
            except Exception as exc:  # noqa: BLE001 - as serve's worker: logged, the sweep retries
                print(f"click sender: {type(exc).__name__}: {exc}", flush=True)
        time.sleep(random.uniform(0.1, 0.5))


def main() -> None:
    sessions = make_session_factory(make_engine(os.environ["DATABASE_URL"]))
    base = os.environ["SLACK_API_URL"]
    threads = [threading.Thread(target=worker, args=(sessions, base), daemon=True) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
