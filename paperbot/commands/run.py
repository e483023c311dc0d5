"""`paperbot run`: start every platform that has credentials, the scheduler and the periodic fetch.

Each part runs on its own, so one failing part never stops the others: the fetch catches every
failure of a round (a bad payload, the database down or full) and tries again sooner; the
scheduler keeps ticking; a chat platform that stops with an unexpected error is started again
after a pause. Only a configuration error (a rejected token) stops the whole process, with the
message naming the key. SIGTERM and Ctrl-C stop it cleanly, within a bounded time even if a part
does not let go (a second signal stops it at once).

With no platform configured it explains what to configure, and how to try the bot without any
(`paperbot demo`).
"""
from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from bot.app import PaperBot
from bot.config import Config
from bot.errors import ConfigError
from bot.plural import counted
from bot.usecases.ingest import IngestReport, ingest_day
from bot.usecases.taste import warm_model
from paperbot.compose import Sources, build_bot, open_sources, open_spool, open_store, resolve_database
from paperbot.monitoring import start_monitoring
from paperbot.scheduling import build_scheduler, resume_after_restart
from storage.delivery_store import single_process_lock
from storage.store import SqlStore
from storage.url_source import KEY

_log = logging.getLogger(__name__)

NOTHING_CONFIGURED = """\
paperbot run: no chat platform is configured, so there is nothing to run.

Configure at least one in your config file (see config.example.toml) or the environment:
  Discord: [discord] token = "…"              or PAPERBOT_DISCORD_TOKEN
  Slack:   [slack] bot_token = "xoxb-…" and app_token = "xapp-…" (Socket Mode)
           or PAPERBOT_SLACK_BOT_TOKEN / PAPERBOT_SLACK_APP_TOKEN
Then: paperbot --config your-config.toml run

To try the bot without any token or network: paperbot demo
"""

FETCH_INTERVAL_SECONDS = 3600
FETCH_RETRY_SECONDS = (60.0, 300.0, 900.0)  # after a failed round: soon, then less often, never past the interval
RESTART_SECONDS = (5.0, 30.0, 120.0, 600.0)  # a platform that stopped unexpectedly is started again after these
STOP_GRACE_SECONDS = 15.0  # how long shutdown waits for the parts to let go


async def fetch_forever(store: SqlStore, sources: Sources, *, interval: float = FETCH_INTERVAL_SECONDS,
                        retry: tuple[float, ...] = FETCH_RETRY_SECONDS) -> None:
    """Fetch today's papers from every source now and then every ``interval`` seconds; a round that
    fails (a source, the database, anything) is logged in one line and tried again sooner."""
    failures = 0
    while True:
        day = datetime.now(UTC).date()
        report: IngestReport | None = None
        try:
            report = await ingest_day(store, sources.day_sources, day)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the fetch must never stop the bot
            _log.error("fetching papers for %s failed: %s", day, exc)
        if report is not None:
            _log.info("fetched %s for %s (%d new)", counted(report.fetched, "paper"), day, report.new)
        if report is None or report.failed_sources:
            wait = retry[min(failures, len(retry) - 1)] if retry else interval
            failures += 1
            _log.info("fetching again in %.0f s", min(wait, interval))
            await asyncio.sleep(min(wait, interval))
        else:
            failures = 0
            await asyncio.sleep(interval)


async def supervise(name: str, start: Callable[[], Awaitable[None]], *,
                    pauses: tuple[float, ...] = RESTART_SECONDS) -> None:
    """Run one part; when it stops with an unexpected error, log it and start it again after a
    pause (growing, up to the last one). A ConfigError is not retried: it ends the run with its words."""
    failures = 0
    while True:
        try:
            await start()
            return
        except (asyncio.CancelledError, ConfigError):
            raise
        except Exception as exc:  # noqa: BLE001 - restarted below
            pause = pauses[min(failures, len(pauses) - 1)]
            failures += 1
            _log.error("%s stopped unexpectedly (%s: %s); starting it again in %.0f s", name, type(exc).__name__, exc, pause)
            await asyncio.sleep(pause)


async def run(config: Config) -> int:
    if not (config.discord_enabled or config.slack_enabled):
        print(NOTHING_CONFIGURED)
        return 2
    database = resolve_database(config)
    url = database.url
    stop = _stop_on_sigterm()
    with single_process_lock(url):  # SQLite: one process per database (PostgreSQL: any number)
        try:
            return await _run(config, url, database.source)
        except asyncio.CancelledError:
            if not stop.is_set():
                raise
            return 0
        finally:
            _log.info("paperbot stopped")


def _stop_on_sigterm() -> asyncio.Event:
    """SIGTERM (systemd, docker stop) stops the bot like Ctrl-C does: the running task is cancelled,
    so platforms disconnect, HTTP sessions close and an outbox item being sent is left to its lease.
    A second SIGTERM while stopping exits at once. The event says a stop was asked for."""
    asked = asyncio.Event()
    task = asyncio.current_task()

    def stop() -> None:
        if asked.is_set():
            _log.warning("SIGTERM again: exiting now")
            os._exit(0)
        _log.info("SIGTERM: stopping")
        asked.set()
        if task is not None:
            task.cancel()

    try:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop)
    except (NotImplementedError, RuntimeError):  # not on this platform's loop (Windows): default action
        pass
    return asked


def model_ready(bot: PaperBot) -> Callable[[], bool]:
    """Whether the embedding model is loaded, for /readyz (True when embeddings are disabled)."""
    taste = bot.taste
    if taste is None:
        return lambda: True
    return lambda: taste.model_ready


async def _run(config: Config, url: str, source: str = KEY) -> int:
    async with open_store(url, source=source) as store, open_sources(config) as sources:
        spool = open_spool(config, url)  # events kept by a previous run: applied as their platform comes up
        try:
            bot = build_bot(config, store, resolvers=sources.resolvers, spool=spool)
        except BaseException:
            spool.close()
            raise
        from paperbot import platforms

        try:  # before anything connects: a monitoring port in use ends the run with its words
            monitor = await start_monitoring(config.monitoring, store, platforms.connections,
                                             model_ready=model_ready(bot),
                                             embeddings=bot.taste is not None, feeds=bot.feeds)
        except BaseException:
            await bot.close()
            raise
        tasks = [asyncio.create_task(fetch_forever(store, sources), name="fetch")]
        try:  # from here on every exit stops the tasks and closes the bot's and sources' HTTP sessions
            if bot.taste is not None:  # the model loads meanwhile; until then commands that need it say "warming up"
                tasks.append(asyncio.create_task(warm_model(bot.taste), name="model warm-up"))
            # a ConfigError here (e.g. Socket Mode without slack.app_token) must not leave the fetch running
            for name, start in platforms.starters(config, bot).items():
                tasks.append(asyncio.create_task(supervise(name, start), name=name))
            scheduler = build_scheduler(config, store, platforms.chat_platforms(), taste=bot.taste, publisher=bot.publisher)
            await resume_after_restart(url, store)
            tasks.append(asyncio.create_task(scheduler.run_forever(), name="scheduler"))
            _log.info("paperbot is running: %s", ", ".join(t.get_name() for t in tasks))
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
            for task in done:
                task.result()  # a ConfigError: the run ends with its words
        finally:
            await _stop(tasks)
            await bot.close()  # kept events (left in the spool), the answer engine's HTTP sessions (arXiv full text, LLM)
            await monitor.stop()
    return 0


async def _stop(tasks: list[asyncio.Task[None]]) -> None:
    """Cancel every part and wait for them, at most STOP_GRACE_SECONDS: a part that does not let go
    is named in the log instead of hanging the shutdown."""
    for task in tasks:
        task.cancel()
    _, pending = await asyncio.wait(tasks, timeout=STOP_GRACE_SECONDS)
    if pending:
        _log.warning("stopping without waiting for %s", ", ".join(t.get_name() for t in pending))
