"""Typed errors with user-safe messages (CONVENTIONS §6).

Every error the bot shows a person derives from :class:`OpsBotError`; its ``user_message`` is
safe to post to Slack (no tokens, no patient identifiers, no stack traces). One handler in
``bot.app`` and the job runner map them to replies or log lines.
"""

from __future__ import annotations


class OpsBotError(Exception):
    """Base class: ``str(error)`` is the user-safe message."""

    @property
    def user_message(self) -> str:
        return str(self)


class ConfigurationError(OpsBotError):
    """A missing or invalid setting or organisation-config entry."""


class UsageError(OpsBotError):
    """A command the bot could not understand; the message carries usage help."""


class NoDataError(OpsBotError):
    """A question whose period holds no data (never answered as 0)."""


class NoDataYet(NoDataError):
    """A clinic the organisation file configures that has no imported data at all yet (so it is
    not in the database): neither "unknown clinic" nor a zero. ``clinic_key`` says which."""

    def __init__(self, clinic_key: str, clinic_name: str) -> None:
        super().__init__(f"No data yet for {clinic_name} ({clinic_key}): the clinic is in the organisation file, "
                         "but nothing has been imported for it. Its figures appear once its files are imported "
                         "(`opsbot import …` or the drop folder).")
        self.clinic_key = clinic_key


class ImportFormatError(OpsBotError):
    """A file whose header or structure the importer cannot read at all."""


class ImportRefused(OpsBotError):
    """An import refused before anything is read, e.g. ``--clinic`` naming no clinic the import may use."""


class PermissionDenied(OpsBotError):
    """The user lacks the role the action needs."""


STORE_NOT_ANSWERING = "The bot's data store is not answering; try again in a minute."


class StoreUnavailable(OpsBotError):
    """The database did not answer in time or refused the connection (issue 14)."""

    def __init__(self, message: str = STORE_NOT_ANSWERING) -> None:
        super().__init__(message)


class FieldError(UsageError):
    """A usage error about one input of a modal: ``block_id`` names the input block Slack should
    mark (``response_action: errors``); None when no single input is at fault."""

    def __init__(self, message: str, block_id: str | None = None) -> None:
        super().__init__(message)
        self.block_id = block_id
