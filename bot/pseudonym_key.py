"""The pseudonym key is required: importing real data or serving with the public development key
would let anyone reverse the pseudonyms (the key is in this repository's source).

``require_pseudonym_key(settings, dev_switch)`` returns the key to use, or raises the one clear
message naming ``OPSBOT_PSEUDONYM_KEY`` and how to make a key. The development key is used only
when the operator says so: ``--dev-key`` on the command, or ``OPSBOT_DEV_PSEUDONYM_KEY=1``
(``opsbot demo`` and the tests do).
"""

from __future__ import annotations

from bot.errors import ConfigurationError
from bot.settings import DEVELOPMENT_PSEUDONYM_KEY, Settings

MIN_KEY_CHARACTERS = 32  # 32 hex digits = 128 bits; token_hex(32) gives 64
MAKE_KEY = 'python -c "import secrets; print(secrets.token_hex(32))"'
DEV_NOTICE = ("using the public development pseudonym key (--dev-key / OPSBOT_DEV_PSEUDONYM_KEY): "
              "for demos and tests only; anyone can reverse these pseudonyms")


def uses_development_key(settings: Settings) -> bool:
    """True when OPSBOT_PSEUDONYM_KEY is unset, empty or the public development key."""
    key = settings.secret("pseudonym_key")
    return not key or key == DEVELOPMENT_PSEUDONYM_KEY


def require_pseudonym_key(settings: Settings, dev_switch: bool = False) -> str:
    """The pseudonym key to use.

    Raises:
        ConfigurationError: no own key is set and neither ``dev_switch`` nor
            ``OPSBOT_DEV_PSEUDONYM_KEY`` allows the development key; or the key is shorter than
            :data:`MIN_KEY_CHARACTERS`.
    """
    if not uses_development_key(settings):
        key = settings.secret("pseudonym_key") or ""
        if len(key) < MIN_KEY_CHARACTERS:
            raise ConfigurationError(
                f"OPSBOT_PSEUDONYM_KEY is {len(key)} characters long; use at least {MIN_KEY_CHARACTERS} (a random "
                f"key of 128 bits or more, NIST SP 800-107 §5.3.4 for HMAC keys). Make one with `{MAKE_KEY}`. If data "
                "was already imported with the short key, re-import it after changing the key (the pseudonyms change).")
        return key
    if dev_switch or settings.dev_pseudonym_key:
        return DEVELOPMENT_PSEUDONYM_KEY
    raise ConfigurationError(
        "OPSBOT_PSEUDONYM_KEY is not set: patient ids would be pseudonymised with the public development "
        f"key, which anyone can reverse. Make a key with `{MAKE_KEY}`, set OPSBOT_PSEUDONYM_KEY to it and keep "
        "it (changing it breaks the link between a patient's visits). For demos and tests only: pass "
        "--dev-key or set OPSBOT_DEV_PSEUDONYM_KEY=1.")
