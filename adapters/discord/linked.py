"""Which channels hold members' messages recorded as papers' posts (kind ``linked``), remembered.

A reaction on a member's message counts when the store has posts for it (docs/discord.md, "Pasted
links"), but the gateway sends every reaction on every member's message in every guild, and looking
each one up would be a database round-trip per reaction. So a reaction on a member's message goes to
the core only in a channel that holds linked messages: asked of the core once per channel, then
remembered (bounded; a "no" is asked again after a while, a "yes" is kept), and marked at once when
this process sees paper links pasted there. A failed look-up answers "maybe": the core decides, and
keeps the reaction for retry if the database is away.
"""
from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable

from bot.app import PaperBot
from bot.domain import ChannelRef

_log = logging.getLogger(__name__)

CHANNELS_CACHED = 10_000
NO_LINKS_FOR = 600.0  # seconds a "no linked messages here" is believed before asking again


class LinkedChannels:
    def __init__(self, paperbot: PaperBot, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._paperbot = paperbot
        self._clock = clock
        self._known: OrderedDict[str, float | None] = OrderedDict()  # key → None (yes) or when the "no" expires

    def mark(self, *channels: ChannelRef | None) -> None:
        """Paper links were pasted in these channels: reactions on members' messages there may count."""
        for channel in channels:
            if channel is not None:
                self._remember(channel.key, None)

    async def may_count(self, channel: ChannelRef, belongs_to: ChannelRef | None) -> bool:
        """Whether a reaction on a member's message here may be on a linked post (True when unsure)."""
        keys = [c.key for c in (channel, belongs_to) if c is not None]
        now = self._clock()
        answers = [self._known.get(k, 0.0) for k in keys]
        if any(a is None for a in answers):
            return True
        if all(k in self._known and (a or 0.0) > now for k, a in zip(keys, answers, strict=True)):
            return False
        try:
            linked = await self._paperbot.has_linked_posts(channel, belongs_to)
        except Exception:  # noqa: BLE001 - unsure: the core looks the message up (and keeps it if it must)
            _log.warning("could not tell whether %s holds linked messages; the reaction goes to the core", channel,
                         exc_info=True)
            return True
        for key in keys:
            self._remember(key, None if linked else now + NO_LINKS_FOR)
        return linked

    def _remember(self, key: str, value: float | None) -> None:
        if self._known.get(key, 0.0) is None and value is not None:
            return  # a "yes" stays
        self._known[key] = value
        self._known.move_to_end(key)
        while len(self._known) > CHANNELS_CACHED:
            self._known.popitem(last=False)
