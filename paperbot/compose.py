"""Wiring: configuration → store, sources, core. Used by every CLI command and by tests.

Tests build the bot through these same functions (with base URLs pointing at local
fake servers), so what is tested is what `paperbot run` runs.
"""
from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from bot.app import PaperBot
from bot.clock import Clock, utc_now
from bot.config import Config
from bot.discussion.engine import DiscussionEngine
from bot.errors import ConfigError
from bot.ports import Embedder, EventSpool, PaperResolver, PaperSource
from bot.sources.arxiv import ArxivClient
from bot.sources.huggingface import HuggingFaceClient
from bot.taste.signals import EmojiTable
from paperbot.charts import MatplotlibCharts
from storage.database import default_database_url, normalise_url
from storage.event_spool import FileSpool, default_spool_path, legacy_spool_path, open_default_spool
from storage.migrate import upgrade
from storage.store import SqlStore
from storage.url_source import KEY

_log = logging.getLogger(__name__)

DB_OPTION = "--db"  # the option of `paperbot embed` and `paperbot demo` that names a database URL


@dataclass(frozen=True)
class DatabaseUrl:
    """The database URL to open and where it came from, so that start-up messages about it name the
    place to fix: ``--db``, ``PAPERBOT_DATABASE_URL`` or ``[database] url`` (also for the default)."""

    url: str
    source: str


def database_url(config: Config) -> str:
    """The URL of :func:`resolve_database`, for callers that do not report on it."""
    return resolve_database(config).url


def resolve_database(config: Config) -> DatabaseUrl:
    """The configured URL (default: SQLite in the user data dir), with the password from env/secret.
    A ``--db`` option's URL is taken as given (``DatabaseUrl(url, DB_OPTION)``, paperbot embed).

    A URL that does not parse raises ConfigError naming its source (without repeating it: it may
    hold a password)."""
    source = config.source_of("database", "url")
    url = config.database.url or default_database_url()
    normalise_url(url, source=source)  # ConfigError for an unsupported scheme or a malformed URL
    password = config.database.password.get_secret_value() if config.database.password else None
    if password:
        try:
            parts = urlsplit(url)
        except ValueError:
            raise ConfigError(f"{source} is malformed: use e.g. postgresql://user@host:5432/db") from None
        if parts.username and "@" in parts.netloc and ":" not in parts.netloc.split("@")[0]:
            userinfo, host = parts.netloc.split("@", 1)
            url = urlunsplit(parts._replace(netloc=f"{userinfo}:{quote(password, safe='')}@{host}"))
    return DatabaseUrl(url, source)


def redact(url: str) -> str:
    """The URL as logs may show it: no password; a URL that does not parse shows its scheme only."""
    try:
        return normalise_url(url).render_as_string(hide_password=True)
    except ConfigError:
        return url.split("://", 1)[0][:20] + "://…"


@asynccontextmanager
async def open_store(url: str, *, source: str = KEY) -> AsyncIterator[SqlStore]:
    """Apply migrations, then open the store; closes it on exit. A start-up ConfigError names
    ``source``, where the URL came from (:class:`DatabaseUrl`)."""
    _log.info("database: %s", redact(url))
    await upgrade(url, source=source)
    store = SqlStore.connect(url)
    try:
        yield store
    finally:
        await store.close()


@dataclass
class Sources:
    """The live sources built from config; ``day_sources`` feed digests, ``resolvers`` look up ids."""

    day_sources: list[PaperSource] = field(default_factory=list)
    resolvers: list[PaperResolver] = field(default_factory=list)
    huggingface: HuggingFaceClient | None = None
    arxiv: ArxivClient | None = None


@asynccontextmanager
async def open_sources(config: Config) -> AsyncIterator[Sources]:
    async with AsyncExitStack() as stack:
        sources = Sources()
        hf_cfg, ax_cfg = config.sources.huggingface, config.sources.arxiv
        if hf_cfg.enabled:
            sources.huggingface = await stack.enter_async_context(
                HuggingFaceClient(
                    base_url=hf_cfg.base_url,
                    timeout=hf_cfg.timeout_seconds,
                    max_retries=hf_cfg.max_retries,
                    sort=hf_cfg.sort,
                    max_wait=hf_cfg.max_wait_seconds,
                    deadline=hf_cfg.deadline_seconds,
                    max_body_bytes=hf_cfg.max_response_bytes,
                )
            )
            sources.day_sources.append(sources.huggingface)
            sources.resolvers.append(sources.huggingface)
        if ax_cfg.enabled:
            sources.arxiv = await stack.enter_async_context(
                ArxivClient(
                    rss_base_url=ax_cfg.rss_base_url,
                    api_base_url=ax_cfg.api_base_url,
                    categories=ax_cfg.categories,
                    min_interval=ax_cfg.min_interval_seconds,
                    timeout=ax_cfg.timeout_seconds,
                    max_retries=ax_cfg.max_retries,
                    max_wait=ax_cfg.max_wait_seconds,
                    deadline=ax_cfg.deadline_seconds,
                    max_body_bytes=ax_cfg.max_response_bytes,
                )
            )
            sources.day_sources.append(sources.arxiv)
            sources.resolvers.append(sources.arxiv)
        yield sources


def open_spool(config: Config, url: str) -> FileSpool:
    """The spool of kept events, locked for this process until the bot closes: ``[retry] spool`` (a
    second process on it gets a ConfigError), or the first free slot of the default one for this
    database and the platforms the configuration serves (``storage.event_spool``)."""
    if config.retry.spool:
        spool = FileSpool(Path(config.retry.spool).expanduser())
    else:
        served = [name for name, on in (("discord", config.discord_enabled), ("slack", config.slack_enabled)) if on]
        spool = open_default_spool(default_spool_path(url, served), legacy=legacy_spool_path(url), platforms=served)
    _log.info("kept events: %s (%d from a previous run)", spool.path, spool.kept)
    return spool


def build_embedder(config: Config) -> Embedder | None:
    """The configured backend's embedder (``[embedding] backend``; the model loads on first use or on
    ``warm()``, which ``paperbot run`` calls at start), or None when disabled."""
    if not config.embedding.enabled:
        return None
    from bot.taste.backends import make_embedder

    emb = config.embedding
    return make_embedder(emb.backend, emb.model, batch_size=emb.batch_size, model_dir=emb.model_dir)


def build_bot(
    config: Config,
    store: SqlStore,
    *,
    resolvers: list[PaperResolver] | None = None,
    clock: Clock = utc_now,
    embedder: Embedder | None | bool = True,
    discussion: DiscussionEngine | None | bool = True,
    spool: EventSpool | None = None,
) -> PaperBot:
    """``embedder``: True → the configured one; None/False → trending only; or an Embedder instance.

    ``discussion``: True → the configured answer engine (needs the embedder; none without it);
    None/False → thread summaries only; or a ``DiscussionEngine``.

    ``spool``: where kept events outlive the process (``open_spool``; `paperbot run` has one, the
    one-shot commands keep nothing and need none).
    """
    if embedder is True:
        embedder = build_embedder(config)
    if discussion is True:
        discussion = build_discussion(config, embedder or None)
    taste = config.taste
    return PaperBot(
        store, resolvers=resolvers or [], clock=clock, default_count=config.digest.count,
        embedder=embedder or None,
        taste_options={"emoji": EmojiTable.of(taste.positive, taste.negative, save=taste.save_weight,
                                              link=taste.link_weight), "default_trending": taste.trending,
                       "half_life_days": taste.half_life_days, "activity_weight": config.discussion.activity_weight},
        discussion=discussion if isinstance(discussion, DiscussionEngine) else None, thread_mode=config.discussion.threads,
        public_url=config.monitoring.base_url, charts=MatplotlibCharts(), spool=spool,
    )


def build_discussion(config: Config, embedder: Embedder | None) -> DiscussionEngine | None:
    """The answer engine for thread questions and `/papers ask` (``[answers]``); None without an embedder."""
    if embedder is None:
        return None
    from bot.discussion.engine import build_discussion_engine

    return build_discussion_engine(config, embedder)


def bundled_sample() -> Path:
    """The demo's offline sample: a few real days of HF daily papers shipped in the package."""
    return Path(str(resources.files("bot") / "data" / "sample"))
