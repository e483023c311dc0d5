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
from datetime import UTC, datetime
from pathlib import Path

from bot.domain import ChannelRef
from bot.errors import ChannelUnavailableError
from bot.ports import Sent, ThreadStyle
from bot.replies import Publication, TextReply


class FakePlatform:
    """An in-memory ``bot.ports.ChatPlatform``: what it was sent, by channel and tag.

    ``sent`` holds (channel key, tag, the arXiv ids of a digest or ``[text]``); one message carries
    a whole digest (``m1``…). ``errors[channel key]`` are raised, in order, by the next sends there.
    A subclass may set ``finds_sent = False`` (the platform cannot look a send up) or a
    ``thread_style`` of its own. ``open_dm`` is refused unless a subclass provides one.
    """

    finds_sent = True
    style = ThreadStyle.NONE

    def __init__(self, platform: str = "slack") -> None:
        self.platform = platform
        self.sent: list[tuple[str, str | None, list[str]]] = []  # (channel key, tag, arxiv ids or [text])
        self.by_tag: dict[str, list[str]] = {}  # the message ids each tagged send was recorded with
        self._found: dict[str, Sent] = {}
        self.errors: dict[str, list[Exception]] = defaultdict(list)
        self.threads: list[tuple[str, str, str]] = []  # (channel key, root message, name)
        self.thread_posts: list[tuple[str, str, str]] = []  # (channel key, thread id, text)
        self.thread_ids: dict[str, str] = {}  # root message → the id its thread gets (default t-<root>)
        self.files: list[tuple[str, str, bytes, str]] = []  # (channel key, filename, data, text) posted with send_file
        self._ids = itertools.count(1)

    def _raise_planned(self, channel: ChannelRef) -> None:
        if self.errors.get(channel.key):
            raise self.errors[channel.key].pop(0)

    def thread_style(self, channel: ChannelRef) -> ThreadStyle:
        return self.style

    async def send(self, channel: ChannelRef, publication: Publication, *, tag: str | None = None) -> Sent:
        self._raise_planned(channel)
        mid = f"m{next(self._ids)}"
        items = publication.as_digest().items
        self.sent.append((channel.key, tag, [i.paper.arxiv_id for i in items]))
        sent = Sent(mid, (mid,) * len(items))
        if tag:
            self.by_tag[tag], self._found[tag] = list(sent.message_ids), sent
        return sent

    async def post(self, channel: ChannelRef, reply: TextReply, *, thread_id: str | None = None,
                   reply_to: str | None = None, tag: str | None = None) -> list[str]:
        mid = f"m{next(self._ids)}"
        if thread_id is not None:
            self.thread_posts.append((channel.key, thread_id, reply.text))
            return [mid]
        self._raise_planned(channel)
        self.sent.append((channel.key, tag, [reply.text]))
        if tag:
            self.by_tag[tag], self._found[tag] = [mid], Sent(mid, ())
        return [mid]

    async def send_file(self, channel: ChannelRef, filename: str, data: bytes, text: str) -> list[str]:
        self._raise_planned(channel)
        self.files.append((channel.key, filename, data, text))
        return [f"m{next(self._ids)}"]

    async def open_thread(self, channel: ChannelRef, root_message_id: str, name: str) -> str:
        self.threads.append((channel.key, root_message_id, name))
        return self.thread_ids.get(root_message_id, f"t-{root_message_id}")

    async def thread_url(self, channel: ChannelRef, thread_id: str) -> str | None:
        return None

    def posted_in(self, thread_id: str) -> list[str]:
        """The texts posted in one thread, in order."""
        return [text for _, thread, text in self.thread_posts if thread == thread_id]

    async def find_sent(self, channel: ChannelRef, tag: str, *, expected: Publication | TextReply | None = None,
                        since: datetime | None = None) -> Sent | None:
        return self._found.get(tag)

    async def open_dm(self, workspace: str, user_id: str) -> ChannelRef:
        raise ChannelUnavailableError(f"{self.platform} cannot send direct messages (no open_dm)")

    def count(self, channel_key: str) -> int:
        return sum(1 for key, _, _ in self.sent if key == channel_key)


class FilePlatform:
    """Every post is one JSON line in ``path``; ``find_sent`` reads them back."""

    finds_sent = True

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

    def thread_style(self, channel: ChannelRef) -> ThreadStyle:
        return ThreadStyle.NONE

    async def send(self, channel: ChannelRef, publication: Publication, *, tag: str | None = None) -> Sent:
        if self.send_delay:
            await asyncio.sleep(self.send_delay)
        items = publication.as_digest().items
        mid = f"{os.getpid()}-{datetime.now(UTC).timestamp()}"
        ids = [mid] * len(items)
        self._append({"channel": channel.key, "tag": tag, "ids": ids, "papers": [i.paper.arxiv_id for i in items], "pid": os.getpid()})
        return Sent(mid, tuple(ids))

    async def post(self, channel: ChannelRef, reply: TextReply, *, thread_id: str | None = None,
                   reply_to: str | None = None, tag: str | None = None) -> list[str]:
        mid = f"{os.getpid()}-{datetime.now(UTC).timestamp()}"
        self._append({"channel": channel.key, "tag": tag, "ids": [mid], "papers": [], "text": reply.text, "pid": os.getpid()})
        return [mid]

    async def send_file(self, channel: ChannelRef, filename: str, data: bytes, text: str) -> list[str]:
        mid = f"{os.getpid()}-{datetime.now(UTC).timestamp()}"
        self._append({"channel": channel.key, "tag": None, "ids": [mid], "papers": [], "text": text, "file": filename,
                      "bytes": len(data), "pid": os.getpid()})
        return [mid]

    async def open_thread(self, channel: ChannelRef, root_message_id: str, name: str) -> str:
        return root_message_id

    async def thread_url(self, channel: ChannelRef, thread_id: str) -> str | None:
        return None

    async def find_sent(self, channel: ChannelRef, tag: str, *, expected: Publication | TextReply | None = None,
                        since: datetime | None = None) -> Sent | None:
        for record in read_records(self.path):
            if record["tag"] == tag and record["channel"] == channel.key:
                ids = record["ids"]
                return Sent(ids[0], tuple(ids) if record["papers"] else ())
        return None

    async def open_dm(self, workspace: str, user_id: str) -> ChannelRef:
        raise ChannelUnavailableError(f"{self.platform} cannot send direct messages (no open_dm)")


class ThreadedPlatform(FakePlatform):
    """The fake with threads: one message per paper (as Discord), a thread on each (``style``), linkable."""

    style = ThreadStyle.PER_MESSAGE

    async def send(self, channel: ChannelRef, publication: Publication, *, tag: str | None = None) -> Sent:
        self._raise_planned(channel)
        items = publication.as_digest().items
        ids = tuple(f"m{next(self._ids)}" for _ in items)
        self.sent.append((channel.key, tag, [i.paper.arxiv_id for i in items]))
        sent = Sent(ids[0] if ids else f"m{next(self._ids)}", ids)
        if tag:
            self.by_tag[tag], self._found[tag] = list(ids), sent
        return sent

    async def thread_url(self, channel: ChannelRef, thread_id: str) -> str | None:
        return f"https://chat.example/{channel.channel}/{thread_id}"


def read_records(path: Path) -> list[dict]:
    path = Path(path)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
