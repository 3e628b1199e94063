"""The exactly-once delivery log (generic: alerts and the daily digest both use it).

    from bot.delivery import enqueue, deliver_pending, dead_letters
    with session_scope(sessions) as s:
        enqueue(s, "low_stock/north/item:12/2026-03-02", "C0123", {"text": "…", "blocks": [...]})
    deliver_pending(sessions, client, now)

A row is inserted before anything is sent (``INSERT … ON CONFLICT DO NOTHING`` on the unique
key): only the inserter that wins gets a row, so restarts, daylight-saving repeats and several
scheduler processes cannot post one occurrence twice. Senders claim rows with a lease
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL, an atomic conditional UPDATE on SQLite); a crashed
sender's row is retried once its lease runs out; every post is fenced by a fresh claim token and
an ambiguous attempt is settled by a paged history search, never re-sent blind. See
``sender.py`` for the steps, retries, 429, pacing and fallbacks.
"""

from bot.delivery.claim import claim_due
from bot.delivery.log import dead_letters, enqueue, held_letters, list_deliveries
from bot.delivery.sender import DeliveryPolicy, DeliveryReport, deliver_pending, make_delivery_client

__all__ = [
    "DeliveryPolicy", "DeliveryReport", "claim_due", "dead_letters", "deliver_pending", "enqueue",
    "held_letters", "list_deliveries", "make_delivery_client",
]
