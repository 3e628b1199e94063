"""Slack infrastructure (issue 17): how requests reach the bot and answers reach Slack, apart from
the domain. The HTTP server and its gate (:mod:`bot.slack.server`, :mod:`bot.slack.http_gate`),
signature verification (:mod:`bot.slack.verification`), Socket Mode (:mod:`bot.slack.socket_mode`),
the request guard middleware (:mod:`bot.slack.middleware`), the listener runner that answers at
``ack()`` (:mod:`bot.slack.listener_runner`), reading interaction payloads
(:mod:`bot.slack.payload`), Web API retries and refusals (:mod:`bot.slack.retry`,
:mod:`bot.slack.api_errors`), OAuth installations (:mod:`bot.slack.oauth`) and the one adapter for
library internals (:mod:`bot.slack.compat`).
"""
