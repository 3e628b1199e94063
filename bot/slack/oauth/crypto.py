"""Tokens encrypted at rest: Fernet (AES-128-CBC + HMAC-SHA256, ``cryptography``) with key rotation.

``OPSBOT_ENCRYPTION_KEY`` holds one or more url-safe base64 Fernet keys separated by commas: the
first encrypts, every one decrypts (``MultiFernet``), so a key is rotated by putting the new key
first, running ``opsbot oauth reencrypt`` if wanted, then dropping the old one. Generate a key with
``python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"``.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from bot.errors import ConfigurationError


class TokenCipher:
    """Encrypt/decrypt secrets (str ↔ Fernet token str). ``None`` passes through unchanged.

    Raises:
        ConfigurationError: no key, or a key that is not a valid Fernet key (on construction);
            a stored value that no configured key decrypts (on :meth:`decrypt`).
    """

    def __init__(self, keys: str | None) -> None:
        parts = [k.strip() for k in (keys or "").split(",") if k.strip()]
        if not parts:
            raise ConfigurationError("OPSBOT_ENCRYPTION_KEY is required to store Slack tokens (OAuth mode)")
        try:
            self._fernet = MultiFernet([Fernet(k.encode()) for k in parts])
        except (ValueError, TypeError):
            raise ConfigurationError("OPSBOT_ENCRYPTION_KEY: each key must be a 32-byte url-safe base64 "
                                     "Fernet key (comma-separated for rotation)") from None

    def encrypt(self, value: str | None) -> str | None:
        return None if value is None else self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return self._fernet.decrypt(value.encode()).decode()
        except InvalidToken:
            raise ConfigurationError("a stored Slack token cannot be decrypted with OPSBOT_ENCRYPTION_KEY "
                                     "(wrong or rotated-out key)") from None

    def rotate(self, value: str | None) -> str | None:
        """Re-encrypt ``value`` under the first (newest) key."""
        return None if value is None else self._fernet.rotate(value.encode()).decode()
