"""`paperbot run`: start every platform that has credentials, plus the periodic fetch.

With no platform configured it explains what to configure, and how to try the bot
without any (`paperbot demo`).
"""
from __future__ import annotations

import asyncio
import logging
import signal
from datetime import UTC, datetime

from bot.config import Config
from bot.usecases.ingest import ingest_day
from paperbot.compose import Sources, build_bot, database_url, open_sources, open_store
from paperbot.scheduling import build_scheduler, resume_after_restart
from storage.delivery_store import single_process_lock
from storage.store import SqlStore

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


async def fetch_forever(store: SqlStore, sources: Sources, *, interval: float = FETCH_INTERVAL_SECONDS) -> None:
    """Fetch today's papers from every source now and then every ``interval`` seconds."""
    while True:
        day = datetime.now(UTC).date()
        report = await ingest_day(store, sources.day_sources, day)
        _log.info("fetched %d papers for %s (%d new)", report.fetched, day, report.new)
        await asyncio.sleep(interval)


async def run(config: Config) -> int:
    if not (config.discord_enabled or config.slack_enabled):
        print(NOTHING_CONFIGURED)
        return 2
    url = database_url(config)
    stop = _stop_on_sigterm()
    with single_process_lock(url):  # SQLite: one process per database (PostgreSQL: any number)
        try:
            return await _run(config, url)
        except asyncio.CancelledError:
            if not stop.is_set():
                raise
            return 0
        finally:
            _log.info("paperbot stopped")


def _stop_on_sigterm() -> asyncio.Event:
    """SIGTERM (systemd, docker stop) stops the bot like Ctrl-C does: the running task is cancelled,
    so platforms disconnect, HTTP sessions close and an outbox item being sent is left to its lease.
    The default action would kill the process on the spot. The event says it was asked for."""
    asked = asyncio.Event()
    task = asyncio.current_task()

    def stop() -> None:
        _log.info("SIGTERM: stopping")
        asked.set()
        if task is not None:
            task.cancel()

    try:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop)
    except (NotImplementedError, RuntimeError):  # not on this platform's loop (Windows): default action
        pass
    return asked


async def _run(config: Config, url: str) -> int:
    async with open_store(url) as store, open_sources(config) as sources:
        bot = build_bot(config, store, resolvers=sources.resolvers)
        tasks = [asyncio.create_task(fetch_forever(store, sources), name="fetch")]
        from paperbot import platforms

        tasks += platforms.start_all(config, bot)
        scheduler = build_scheduler(config, store, platforms.chat_platforms(), taste=bot.taste, publisher=bot.publisher)
        await resume_after_restart(url, store)
        tasks.append(asyncio.create_task(scheduler.run_forever(), name="scheduler"))
        _log.info("paperbot is running: %s", ", ".join(t.get_name() for t in tasks))
        try:
            done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
            for task in pending:
                task.cancel()
            for task in done:
                task.result()
        finally:
            for task in tasks:
                task.cancel()
            await bot.close()  # the answer engine's HTTP sessions (arXiv full text, LLM)
    return 0
