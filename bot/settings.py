"""Runtime settings, read once in ``main()`` and passed down (CONVENTIONS §8).

Settings come from the environment and an optional ``.env`` file in the working directory.
Secrets are ``SecretStr`` so they never print in a repr, a log line or a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, PrivateAttr, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import ConfigurationError

SLACK_DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///opsbot.db"
# public (it is in this file): usable only with the development switch, see bot.pseudonym_key
DEVELOPMENT_PSEUDONYM_KEY = "opsbot-development-pseudonym-key"
# the bot scopes of manifest.yml (oauth_config.scopes.bot), asked for by the OAuth install
DEFAULT_BOT_SCOPES = ("commands,chat:write,files:write,im:write,channels:history,groups:history,im:history,"
                      "app_mentions:read,usergroups:read,users:read")


class Settings(BaseSettings):
    """Every setting the bot reads, by its environment-variable name.

    Raises ``pydantic.ValidationError`` on a malformed value; use :func:`load_settings` to get a
    :class:`ConfigurationError` that names the setting instead.
    """

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")
    # where ``database_url`` came from, as messages name it: "DATABASE_URL" (environment, .env or the
    # default) or the command-line option ("--database"), set by the command that took it
    _database_from: str = PrivateAttr(default="DATABASE_URL")

    slack_bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, validation_alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default=SLACK_DEFAULT_API_URL, validation_alias="SLACK_API_URL")
    database_url: str = Field(default=DEFAULT_DATABASE_URL, validation_alias="DATABASE_URL")
    opsbot_config: Path | None = Field(default=None, validation_alias="OPSBOT_CONFIG")
    pseudonym_key: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_PSEUDONYM_KEY), validation_alias="OPSBOT_PSEUDONYM_KEY"
    )
    # explicit switch for demos and tests: allow the public development pseudonym key
    dev_pseudonym_key: bool = Field(default=False, validation_alias="OPSBOT_DEV_PSEUDONYM_KEY")
    # Bolt's listener executor: listeners that ack and then work (ideas, admin, …) hold a thread
    # until done, so it covers 64 concurrent ones with room; /kpi's listeners only ack and hand
    # over, and run on the request thread (bot.slack.listener_runner.runs_inline)
    listener_threads: int = Field(default=96, ge=1, le=1024, validation_alias="OPSBOT_LISTENER_THREADS")
    # issue 4: workers mostly wait for Slack (replies, uploads, Retry-After), so the pool covers
    # 64 commands in flight with 1 s of waiting each, with room; compute_threads bounds how many
    # of them run queries/rendering at once (2 cores, one GIL shared with the acknowledgements)
    worker_threads: int = Field(default=128, ge=1, le=512, validation_alias="OPSBOT_WORKER_THREADS")
    compute_threads: int = Field(default=2, ge=1, le=64, validation_alias="OPSBOT_COMPUTE_THREADS")
    log_level: str = Field(default="INFO", validation_alias="OPSBOT_LOG_LEVEL")
    server_timing: bool = Field(default=False, validation_alias="OPSBOT_SERVER_TIMING")  # bot.slack.server
    # issue 9: OAuth install (both client settings set = OAuth mode), encryption, operations
    slack_client_id: str | None = Field(default=None, validation_alias="SLACK_CLIENT_ID")
    slack_client_secret: SecretStr | None = Field(default=None, validation_alias="SLACK_CLIENT_SECRET")
    slack_scopes: str = Field(default=DEFAULT_BOT_SCOPES, validation_alias="SLACK_SCOPES")
    slack_redirect_uri: str | None = Field(default=None, validation_alias="SLACK_REDIRECT_URI")
    encryption_key: SecretStr | None = Field(default=None, validation_alias="OPSBOT_ENCRYPTION_KEY")
    log_format: Literal["json", "text"] = Field(default="text", validation_alias="OPSBOT_LOG_FORMAT")
    retention_days: int = Field(default=730, ge=30, le=36500, validation_alias="OPSBOT_RETENTION_DAYS")
    lease_seconds: int = Field(default=30, ge=5, le=3600, validation_alias="OPSBOT_LEASE_SECONDS")
    # issue 13: user-group members are refreshed in the background once older than this
    group_ttl_seconds: float = Field(default=60.0, ge=0.5, le=86400, validation_alias="OPSBOT_GROUP_TTL_SECONDS")
    # issue 13: the drop folder `opsbot scheduler` imports (None: no drop folder), and how often
    drop_dir: Path | None = Field(default=None, validation_alias="OPSBOT_DROP_DIR")
    drop_interval_seconds: int = Field(default=300, ge=5, le=86400, validation_alias="OPSBOT_DROP_INTERVAL_SECONDS")
    # imported files (patient data) are kept in <drop>/done/ this many days, then deleted
    drop_done_retention_days: int = Field(default=30, ge=1, le=36500, validation_alias="OPSBOT_DROP_DONE_RETENTION_DAYS")
    shutdown_grace_seconds: float = Field(default=25.0, ge=0, le=600, validation_alias="OPSBOT_SHUTDOWN_GRACE_SECONDS")
    # issue 14: owed replies are claimed this long and renewed every quarter of it; a process that
    # dies leaves its replies to another one after at most this long
    reply_lease_seconds: float = Field(default=20.0, ge=2, le=600, validation_alias="OPSBOT_REPLY_LEASE_SECONDS")
    # issue 14: bounded waits on the database. The guard's work before an acknowledgement gets
    # ack_db_seconds, then the person is told the data store is not answering; connections give
    # up after db_connect_timeout (libpq: at least 2 s), pool check-outs after db_pool_timeout,
    # PostgreSQL statements after db_statement_timeout_ms (SQLite: busy timeout = the pool timeout)
    ack_db_seconds: float = Field(default=1.5, gt=0, le=2.5, validation_alias="OPSBOT_ACK_DB_SECONDS")
    db_connect_timeout: int = Field(default=2, ge=2, le=60, validation_alias="OPSBOT_DB_CONNECT_TIMEOUT")
    db_pool_timeout: float = Field(default=2.0, gt=0, le=60, validation_alias="OPSBOT_DB_POOL_TIMEOUT")
    db_statement_timeout_ms: int = Field(default=60_000, ge=0, le=3_600_000,
                                         validation_alias="OPSBOT_DB_STATEMENT_TIMEOUT_MS")
    # issue 14: a delivery claim's lease (restarted at each send; never under 3 client timeouts
    # + 10 s) and how many rows one claim takes (bot.delivery.DeliveryPolicy)
    delivery_lease_seconds: float = Field(default=120.0, ge=1, le=3600, validation_alias="OPSBOT_DELIVERY_LEASE_SECONDS")
    delivery_batch: int = Field(default=50, ge=1, le=1000, validation_alias="OPSBOT_DELIVERY_BATCH")

    @property
    def oauth_enabled(self) -> bool:
        """True when SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are both set (OAuth install mode)."""
        return bool(self.slack_client_id and self.secret("slack_client_secret"))

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_ends_with_slash(cls, value: str) -> str:
        # slack_sdk joins method names onto base_url; it must end with "/" (slack.md).
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url_known(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        if value.startswith("postgres://"):
            value = "postgresql://" + value[len("postgres://"):]
        if value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value[len("postgresql://"):]
        return value

    @field_validator("opsbot_config")
    @classmethod
    def _config_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"file not found: {value}")
        return value

    def secret(self, name: str) -> str | None:
        """The plain value of a ``SecretStr`` setting, or None when unset."""
        value = getattr(self, name)
        return value.get_secret_value() if value is not None else None


def load_settings(**overrides: object) -> Settings:
    """Build :class:`Settings`, turning validation errors into one message per setting.

    Raises:
        ConfigurationError: naming each invalid setting by its environment variable.
    """
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else "settings"
            problems.append(f"{name.upper()}: {err['msg']}")
        raise ConfigurationError("Invalid settings — " + "; ".join(problems)) from None


def database_from(settings: Settings) -> str:
    """The setting that gave ``settings.database_url``, as a message names it ("--database",
    "DATABASE_URL")."""
    return settings._database_from


def set_database_from(settings: Settings, name: str) -> None:
    settings._database_from = name


def require(settings: Settings, *names: str) -> None:
    """Refuse to go on when a needed setting is missing.

    Raises:
        ConfigurationError: listing the missing environment variables.
    """
    missing = [n.upper() for n in names if not settings.secret(n)]
    if missing:
        raise ConfigurationError(
            "Missing setting(s): " + ", ".join(missing) + " (set them in the environment or in .env)"
        )
