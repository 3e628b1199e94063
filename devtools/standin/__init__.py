"""A local stand-in for Slack (Web API, response_url, file uploads, Socket Mode).

>>> with SlackStandIn() as slack:  # doctest: +SKIP
...     WebClient(token="xoxb-test", base_url=slack.base_url).chat_postMessage(channel="C1", text="hi")
...     slack.calls_to("chat.postMessage")[0].params["text"]
'hi'
"""

from devtools.standin.answers import Call
from devtools.standin.server import SlackStandIn

__all__ = ["Call", "SlackStandIn"]
