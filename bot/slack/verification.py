"""Slack request-signature checks that never crash on a malformed header.

slack_sdk's ``SignatureVerifier.is_valid`` runs ``int(timestamp)`` on the raw
``X-Slack-Request-Timestamp`` header, so ``abc`` or ``1e3`` raises ``ValueError`` inside Bolt's
``RequestVerification`` middleware: the request became a 500 and reached the error handler with
an UNVERIFIED body (whose ``response_url`` the handler would have posted to). Here a timestamp that
is not a plain integer is simply an invalid signature (Slack's spec: the header is Unix seconds;
https://api.slack.com/authentication/verifying-requests-from-slack), answered 401 like any other.
"""

from __future__ import annotations

import hashlib
import hmac

from slack_bolt import App
from slack_bolt.middleware.request_verification import RequestVerification
from slack_sdk.signature import SignatureVerifier

from bot.slack import compat


class StrictSignatureVerifier(SignatureVerifier):
    """``SignatureVerifier`` whose ``is_valid`` is False (never raises) for a malformed timestamp,
    a signature with non-ASCII characters (``hmac.compare_digest`` raises ``TypeError`` on those) or
    a body that is not UTF-8 (the HMAC is taken over the raw bytes, as Slack signs them)."""

    def is_valid(self, body: str | bytes, timestamp: str | None, signature: str | None) -> bool:
        if timestamp is None or signature is None:
            return False
        text = str(timestamp).strip()
        if not text.isascii() or not text.isdigit() or len(text) > 12:
            return False
        if not isinstance(signature, str) or not signature.isascii() or len(signature) > 200:
            return False
        if abs(self.clock.now() - int(text)) > 60 * 5:
            return False
        raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else (body or b"")
        digest = hmac.new(self.signing_secret.encode(), b"v0:" + text.encode() + b":" + raw, hashlib.sha256)
        return hmac.compare_digest("v0=" + digest.hexdigest(), signature)


def harden_request_verification(app: App) -> int:
    """Give Bolt's built-in ``RequestVerification`` middleware our verifier (slack_bolt 1.30 keeps
    its built-ins in ``App._middleware_list`` and builds the verifier lazily into ``_verifier``
    from ``_signing_secret``); returns how many were given one (1 in HTTP mode).

    Raises:
        IncompatibleLibrary: the middleware no longer has those attributes (a slack_bolt upgrade
            changed them): better to stop at start-up than to run with the crashing verifier.
    """
    swapped = 0
    for middleware in compat.bolt_middleware(app):
        if isinstance(middleware, RequestVerification):
            compat.install_verifier(middleware, StrictSignatureVerifier)
            swapped += 1
    return swapped
