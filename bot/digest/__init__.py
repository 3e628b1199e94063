"""The daily digest: each team's morning summary in its own channel and time zone.

* ``commands``: parse ``/digest subscribe|unsubscribe|list|preview|help``;
* ``subscriptions``: the channel subscriptions (one per channel) in the database;
* ``schedule``: when a subscription is due (local time, weekdays, holidays, daylight saving, misfire);
* ``gather`` / ``kpis``: what a digest says (aggregates only) as typed :mod:`content` objects;
* ``wording``: jinja2 templates (``bot/templates/digest``; overridable per organisation);
* ``run``: the job's work — decide, render (``bot.views.digest``), queue in the delivery log;
* ``pacing``: sending within Slack's per-channel and workspace rate limits.
"""
