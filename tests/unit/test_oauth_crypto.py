"""Token encryption at rest (Fernet via ``cryptography``) and the OAuth settings' scopes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from cryptography.fernet import Fernet

from bot.errors import ConfigurationError
from bot.settings import DEFAULT_BOT_SCOPES, load_settings
from bot.slack.oauth.crypto import TokenCipher

TOKEN = "xoxb-1234-5678-abcdefABCDEF"


def test_round_trip_and_no_clear_text() -> None:
    cipher = TokenCipher(Fernet.generate_key().decode())
    stored = cipher.encrypt(TOKEN)
    assert stored is not None and TOKEN not in stored and "xoxb" not in stored
    assert cipher.decrypt(stored) == TOKEN
    assert cipher.encrypt(None) is None and cipher.decrypt(None) is None


def test_two_encryptions_differ_but_both_decrypt() -> None:
    cipher = TokenCipher(Fernet.generate_key().decode())
    a, b = cipher.encrypt(TOKEN), cipher.encrypt(TOKEN)
    assert a != b  # random IV: equal tokens are not recognisable in the table
    assert cipher.decrypt(a) == cipher.decrypt(b) == TOKEN


def test_key_rotation_new_key_first_old_still_decrypts() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    stored_old = TokenCipher(old).encrypt(TOKEN)
    rotated = TokenCipher(f"{new},{old}")
    assert rotated.decrypt(stored_old) == TOKEN
    re_encrypted = rotated.rotate(stored_old)
    assert TokenCipher(new).decrypt(re_encrypted) == TOKEN  # readable without the old key


def test_wrong_key_is_a_clear_configuration_error() -> None:
    stored = TokenCipher(Fernet.generate_key().decode()).encrypt(TOKEN)
    with pytest.raises(ConfigurationError, match="cannot be decrypted"):
        TokenCipher(Fernet.generate_key().decode()).decrypt(stored)


@pytest.mark.parametrize("keys,message", [(None, "OPSBOT_ENCRYPTION_KEY is required"),
                                          ("not-a-key", "Fernet key")])
def test_missing_or_malformed_key_is_refused(keys: str | None, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        TokenCipher(keys)


def test_oauth_mode_needs_both_client_settings() -> None:
    assert not load_settings(SLACK_CLIENT_ID="1.2").oauth_enabled
    assert load_settings(SLACK_CLIENT_ID="1.2", SLACK_CLIENT_SECRET="s").oauth_enabled


def test_default_install_scopes_are_the_manifest_bot_scopes() -> None:
    manifest = yaml.safe_load((Path(__file__).resolve().parents[2] / "manifest.yml").read_text())
    assert DEFAULT_BOT_SCOPES.split(",") == manifest["oauth_config"]["scopes"]["bot"]
