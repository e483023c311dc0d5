"""Fake chat platforms for the scheduler tests.

``FakePlatform`` keeps everything in memory; ``FilePlatform`` appends every post to a JSON-lines
file (one ``write`` per post, O_APPEND), so several processes, and a process that is killed and
restarted, share one record of what the "platform" shows.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import os
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

from bot.domain import ChannelRef, Digest


class FakePlatform:
    """Implements ChatPlatform plus the optional tagged send and lookup (see bot.ports)."""

    def __init__(self, platform: str = "slack") -> None:
        self.platform = platform
        self.sent: list[tuple[str, str | None, list[str]]] = []  # (channel key, tag, arxiv ids or [text])
        self.by_tag: dict[str, list[str]] = {}
        self.errors: dict[str, list[Exception]] = defaultdict(list)
        self._ids = itertools.count(1)

    def _raise_planned(self, channel: ChannelRef) -> None:
        if self.errors.get(channel.key):
            raise self.errors[channel.key].pop(0)

    async def send_digest(self, channel: ChannelRef, digest: Digest) -> list[str]:
        return await self.send_digest_tagged(channel, digest, None)

    async def send_digest_tagged(self, channel: ChannelRef, digest: Digest, tag: str | None) -> list[str]:
        self._raise_planned(channel)
        mid = f"m{next(self._ids)}"
        self.sent.append((channel.key, tag, [i.paper.arxiv_id for i in digest.items]))
        ids = [mid] * len(digest.items)
        if tag:
            self.by_tag[tag] = ids
        return ids

    async def send_text(self, channel: ChannelRef, text: str) -> str:
        return await self.send_text_tagged(channel, text, None)

    async def send_text_tagged(self, channel: ChannelRef, text: str, tag: str | None) -> str:
        self._raise_planned(channel)
        mid = f"m{next(self._ids)}"
        self.sent.append((channel.key, tag, [text]))
        if tag:
            self.by_tag[tag] = [mid]
        return mid

    async def find_tagged(self, channel: ChannelRef, tag: str) -> list[str] | None:
        return self.by_tag.get(tag)

    def count(self, channel_key: str) -> int:
        return sum(1 for key, _, _ in self.sent if key == channel_key)


class FilePlatform:
    """Every post is one JSON line in ``path``; ``find_tagged`` reads them back."""

    def __init__(self, path: Path, platform: str = "slack", *, send_delay: float = 0.0) -> None:
        self.path = Path(path)
        self.platform = platform
        self.send_delay = send_delay

    def _append(self, record: dict) -> None:
        line = (json.dumps(record) + "\n").encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)

    async def send_digest(self, channel: ChannelRef, digest: Digest) -> list[str]:
        return await self.send_digest_tagged(channel, digest, None)

    async def send_digest_tagged(self, channel: ChannelRef, digest: Digest, tag: str | None) -> list[str]:
        if self.send_delay:
            await asyncio.sleep(self.send_delay)
        mid = f"{os.getpid()}-{datetime.now(timezone.utc).timestamp()}"
        ids = [mid] * len(digest.items)
        self._append({"channel": channel.key, "tag": tag, "ids": ids, "papers": [i.paper.arxiv_id for i in digest.items], "pid": os.getpid()})
        return ids

    async def send_text(self, channel: ChannelRef, text: str) -> str:
        return (await self.send_text_tagged(channel, text, None))

    async def send_text_tagged(self, channel: ChannelRef, text: str, tag: str | None) -> str:
        mid = f"{os.getpid()}-{datetime.now(timezone.utc).timestamp()}"
        self._append({"channel": channel.key, "tag": tag, "ids": [mid], "papers": [], "text": text, "pid": os.getpid()})
        return mid

    async def find_tagged(self, channel: ChannelRef, tag: str) -> list[str] | None:
        for record in read_records(self.path):
            if record["tag"] == tag and record["channel"] == channel.key:
                return record["ids"]
        return None


def read_records(path: Path) -> list[dict]:
    path = Path(path)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
