"""``python -m devtools.standin``: the Slack stand-in run by hand, to rehearse ``opsbot serve`` and
``opsbot socket`` without a workspace (developer tooling; nothing reaches Slack).

It prints the settings that point the bot at it, then reads slash commands from standard input,
one per line (``/kpi no-show-rate all``). Each is delivered over Socket Mode when an ``opsbot
socket`` is connected to the stand-in, else as a signed POST to ``--serve`` (the ``/slack/events``
URL of a running ``opsbot serve``), and what the bot answered is printed: the response_url posts
and the Web API calls it made meanwhile.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from typing import Any
from urllib.parse import parse_qsl

from devtools.signing import signed_headers, slash_command_body
from devtools.standin.process import http
from devtools.standin.server import SlackStandIn

WAIT_S = 30.0


def _deliver(slack: SlackStandIn, line: str, args: argparse.Namespace) -> str | None:
    """Send one slash command; the problem as text when it could not be sent."""
    command, _, text = line.partition(" ")
    body = slash_command_body(command, text.strip(), user_id=args.user, channel_id=args.channel,
                              response_url=slack.new_response_url())
    if slack.socket.open_connections:
        slack.socket.send({"envelope_id": str(uuid.uuid4()), "type": "slash_commands",
                           "accepts_response_payload": True, "payload": dict(parse_qsl(body))})
        return None
    if not args.serve:
        return "no bot connected: start `opsbot socket` against this stand-in, or pass --serve URL"
    status, answer = http("POST", args.serve, body, signed_headers(args.secret, body))
    if answer.strip():
        print(f"── acknowledgement (HTTP {status}) ──\n{_text(answer)}")
    return None if status == 200 else f"HTTP {status} from {args.serve}"


def _text(raw: str | dict[str, Any]) -> str:
    try:
        body = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return str(raw)
    return str(body.get("text") or json.dumps(body)[:2000]) if isinstance(body, dict) else str(body)


def _print_answers(slack: SlackStandIn, calls_before: int, posts_before: int) -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline and len(slack.response_posts) == posts_before \
            and len(slack.calls) == calls_before:
        time.sleep(0.1)
    slack.wait_until_quiet(idle=1.0, timeout=WAIT_S)
    for post in slack.response_posts[posts_before:]:
        print(f"── reply ──\n{_text(post.params)}")
    for call in slack.calls[calls_before:]:
        print(f"── Web API {call.method} ──\n{_text(call.params)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.standin", description=__doc__.split("\n\n")[0])
    parser.add_argument("--serve", help="/slack/events URL of a running `opsbot serve`")
    parser.add_argument("--secret", default="local-signing-secret", help="its SLACK_SIGNING_SECRET")
    parser.add_argument("--user", default="U0LOCAL", help="Slack user id the commands come from")
    parser.add_argument("--channel", default="C0LOCAL", help="channel id they are typed in")
    args = parser.parse_args(argv)
    with SlackStandIn() as slack:
        print("Slack stand-in running. Start the bot in another shell with:")
        print(f"  export SLACK_API_URL={slack.base_url} SLACK_BOT_TOKEN=xoxb-local "
              f"SLACK_SIGNING_SECRET={args.secret} SLACK_APP_TOKEN=xapp-local")
        print("  opsbot socket --dev-key      # or: opsbot serve --port 3000 --dev-key, then --serve "
              "http://127.0.0.1:3000/slack/events here")
        print("Then type slash commands here, e.g. /kpi no-show-rate all (Ctrl-D to stop).", flush=True)
        for raw in sys.stdin:
            line = raw.strip()
            if not line.startswith("/"):
                if line:
                    print("type a slash command, e.g. /kpi help")
                continue
            calls_before, posts_before = len(slack.calls), len(slack.response_posts)
            problem = _deliver(slack, line, args)
            if problem:
                print(problem, flush=True)
                continue
            _print_answers(slack, calls_before, posts_before)
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
