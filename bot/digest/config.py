"""The digest's settings as a job or a preview uses them: the organisation file's ``digest:``
section (:class:`bot.digest.settings.DigestSettings`, validated with the file), plus the check that
a templates folder exists (a folder may appear or vanish after the file was loaded)."""

from __future__ import annotations

from bot.digest.settings import DigestSettings
from bot.errors import ConfigurationError
from bot.orgconfig import OrgConfig

__all__ = ["DigestSettings", "digest_settings"]


def digest_settings(org: OrgConfig) -> DigestSettings:
    """The org config's ``digest:`` section (defaults when absent).

    Raises:
        ConfigurationError: the templates folder does not exist.
    """
    settings = org.digest
    if settings.templates is not None and not settings.templates.is_dir():
        raise ConfigurationError(f"OPSBOT_CONFIG: digest.templates: no such folder {settings.templates}")
    return settings
