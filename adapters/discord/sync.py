"""Keeping Discord's copy of `/papers` in step with this bot, in the background.

The sync runs once at start-up and again when an interaction shows Discord's copy is out of date
(:meth:`CommandSync.request`). It never holds up serving: a 5xx, a timeout or a rate limit is logged
in one line and tried again with growing delays (a 429's own ``retry_after`` when it gives one),
for as long as it takes, so one bad answer from Discord cannot end the process (nor Slack running
beside it). A 401 means the token is no longer valid: ``on_unauthorized`` is called (the client
then stops with the ConfigError naming ``discord.token``). Anything else Discord refuses (403: the
bot lacks the ``applications.commands`` scope in the guild; 400: the commands themselves) would fail
the same way again: it is logged once, with what to do, and the bot keeps serving.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Any

import aiohttp
import discord
from discord import app_commands

from adapters.discord.platform import retry_after

_log = logging.getLogger(__name__)

DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)  # then every 300 s
RESYNC_INTERVAL = 60.0  # at most one out-of-date resync a minute (Discord limits command updates)
UNAUTHORIZED = 401


def passing(exc: BaseException) -> bool:
    """A failure worth trying again: Discord's 5xx or 429, a timeout, a dropped connection."""
    if isinstance(exc, discord.RateLimited | discord.DiscordServerError):
        return True
    if isinstance(exc, discord.HTTPException):
        return exc.status == 429 or exc.status >= 500
    return isinstance(exc, asyncio.TimeoutError | aiohttp.ClientError | OSError | discord.GatewayNotFound)


def _reason(exc: BaseException) -> str:
    """One line for the log: the status and Discord's message, or the exception's kind."""
    if isinstance(exc, discord.HTTPException):
        return f"{exc.status} {(exc.text or '').splitlines()[0] if exc.text else ''}".strip()
    if isinstance(exc, discord.RateLimited):
        return f"rate limited for {exc.retry_after:g} s"
    return type(exc).__name__ + (f": {exc}" if str(exc) else "")


class CommandSync:
    """The tree's sync with Discord: started once, requested again when commands are out of date."""

    def __init__(self, tree: app_commands.CommandTree[Any], *, guild_id: int | None, enabled: bool = True,
                 delays: Sequence[float] = DELAYS, on_unauthorized: Callable[[], None] = lambda: None,
                 resync_interval: float = RESYNC_INTERVAL) -> None:
        self._tree = tree
        self._guild_id = guild_id
        self.enabled = enabled
        self.delays = tuple(delays)
        self._on_unauthorized = on_unauthorized
        self._resync_interval = resync_interval
        self._task: asyncio.Task[None] | None = None
        self._last_request: float | None = None
        self.syncs = 0  # successful syncs (the start-up one and every resync)

    def start(self) -> None:
        """Sync now, in the background (nothing when the configuration turned syncing off)."""
        if not self.enabled:
            return
        if self._guild_id:
            self._tree.copy_global_to(guild=discord.Object(self._guild_id))
        self._spawn()

    def request(self, why: str) -> bool:
        """Sync again because an interaction showed Discord's copy is out of date; at most once a
        minute, and never twice at once. True when a sync was started."""
        if not self.enabled:
            _log.info("commands look out of date (%s); sync_commands is off, so they are left as they are", why)
            return False
        now = asyncio.get_running_loop().time()
        if self._running() or (self._last_request is not None and now - self._last_request < self._resync_interval):
            return False
        self._last_request = now
        _log.info("commands look out of date (%s); syncing them again", why)
        self._spawn()
        return True

    def _running(self) -> bool:
        return self._task is not None and not self._task.done()

    def _spawn(self) -> None:
        if self._running():
            return
        self._task = asyncio.create_task(self._sync_until_done(), name="discord command sync")

    async def _sync_until_done(self) -> None:
        attempt = 0
        while True:
            try:
                synced = await self._sync()
            except discord.HTTPException as exc:
                if exc.status == UNAUTHORIZED:
                    _log.error("Discord refused the command sync: 401 (the token is no longer valid)")
                    self._on_unauthorized()
                    return
                if not passing(exc):
                    _log.error("Discord refused the command sync: %s; the bot keeps serving with the commands "
                               "Discord has (a 403 in a dev guild: invite the bot with the applications.commands "
                               "scope)", _reason(exc))
                    return
                delay = retry_after(exc, self._delay(attempt)) if exc.status == 429 else self._delay(attempt)
                failure: BaseException = exc
            except Exception as exc:  # noqa: BLE001 - classified: a passing failure is retried, others logged once
                if not passing(exc):
                    _log.error("the command sync failed: %s; the bot keeps serving with the commands Discord has",
                               _reason(exc))
                    return
                delay = exc.retry_after if isinstance(exc, discord.RateLimited) else self._delay(attempt)
                failure = exc
            else:
                self.syncs += 1
                where = f"to guild {self._guild_id}" if self._guild_id else "globally (may take a while to appear)"
                _log.info("synced %d commands %s", len(synced), where)
                return
            attempt += 1
            _log.warning("the command sync failed (%s); serving meanwhile, trying again in %g s", _reason(failure), delay)
            await asyncio.sleep(delay)

    def _delay(self, attempt: int) -> float:
        return self.delays[min(attempt, len(self.delays) - 1)] if self.delays else 0.0

    async def _sync(self) -> list[app_commands.AppCommand]:
        if self._guild_id:
            return await self._tree.sync(guild=discord.Object(self._guild_id))
        return await self._tree.sync()

    async def close(self) -> None:
        """Stop a sync still retrying (shutdown)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
