"""The console as a ChatPlatform, so the demo's scheduler posts through the same outbox as chat.

Scheduled digests, DM digests and weekly recaps are printed in the terminal: channel posts get
the channel's next post numbers (so `react <n>` works on them), a DM is printed as a letter to
the member. Tags (the outbox's crash check) are kept in memory: the demo is one process.
"""
from __future__ import annotations

from collections.abc import Callable

from adapters.console.render import render_digest_header, render_item
from bot.domain import ChannelRef, Digest
from bot.text import clean_text

DM_PREFIX = "dm:"


class ConsolePlatform:
    platform = "console"

    def __init__(self, say: Callable[[str], None], next_number: Callable[[ChannelRef], object]) -> None:
        self._say = say
        self._next_number = next_number  # async (channel) -> int: the console channel's next post number
        self._tags: dict[str, list[str]] = {}
        self._message_counter = 0

    async def open_dm(self, workspace: str, user_id: str) -> ChannelRef:
        return ChannelRef(self.platform, workspace, f"{DM_PREFIX}{user_id}")

    async def thread_url(self, channel: ChannelRef, thread_id: str) -> str | None:
        return f"`thread {thread_id}`"

    async def send_digest(self, channel: ChannelRef, digest: Digest) -> list[str]:
        return await self.send_digest_tagged(channel, digest, None)

    async def send_digest_tagged(self, channel: ChannelRef, digest: Digest, tag: str | None) -> list[str]:
        if channel.channel.startswith(DM_PREFIX):
            self._say(f"✉ direct message to {clean_text(channel.channel[len(DM_PREFIX):])}:")
            ids = []
            for i, item in enumerate(digest.items, 1):
                self._message_counter += 1
                ids.append(f"dm-{self._message_counter}")
                self._say(render_item(item, i))
        else:
            self._say(render_digest_header(digest))
            first = int(await self._next_number(channel))  # type: ignore[misc]
            ids = [str(first + i) for i in range(len(digest.items))]
            for number, item in zip(ids, digest.items):
                self._say("")
                self._say(render_item(item, int(number)))
        if tag:
            self._tags[tag] = ids
        return ids

    async def send_text(self, channel: ChannelRef, text: str) -> str:
        return await self.send_text_tagged(channel, text, None)

    async def send_text_tagged(self, channel: ChannelRef, text: str, tag: str | None) -> str:
        prefix = f"✉ direct message to {clean_text(channel.channel[len(DM_PREFIX):])}:\n" if channel.channel.startswith(DM_PREFIX) else ""
        self._say(prefix + "\n".join(clean_text(line) for line in text.splitlines()))
        self._message_counter += 1
        message_id = f"note-{self._message_counter}"
        if tag:
            self._tags[tag] = [message_id]
        return message_id

    async def find_tagged(self, channel: ChannelRef, tag: str) -> list[str] | None:
        return self._tags.get(tag)
