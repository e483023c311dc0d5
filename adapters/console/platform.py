"""The console as a chat platform: the transport the core posts through in `paperbot demo`.

On-demand digests, scheduled digests, DM digests and recaps are all published by the core through
this one transport, so the terminal shows exactly what a channel would: numbered posts (so
`react <n>` works on them), each post's thread indented under it, a DM printed as a letter to the
member. Output is buffered per post and printed by :meth:`flush` (the adapter calls it after each
command and each scheduler step), so a thread opened after its digest still shows under its post.
Tags (the outbox's crash check) are kept in memory: the demo is one process.
"""
from __future__ import annotations

import tempfile
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

from adapters.console.render import render_digest_header, render_item, render_paper, render_thread_lines
from bot.discussion.openings import continues_in
from bot.domain import ChannelRef
from bot.ports import Sent, ThreadStyle
from bot.replies import Discussion, PaperReply, Publication, TextReply
from bot.text import clean_text

DM_PREFIX = "dm:"
DEFAULT_MEMBER = "you"  # whom the demo acts for until `as <name>`


class ConsolePlatform:
    platform = "console"
    finds_sent = True

    def __init__(self, say: Callable[[str], None], next_number: Callable[[ChannelRef], Awaitable[int]], *,
                 files_dir: Path | None = None) -> None:
        """``files_dir``: where a posted file (`/papers stats`' chart) is written (default: a temporary folder)."""
        self._say = say
        self._files_dir = files_dir
        self._next_number = next_number  # the console channel's next post number
        self._tags: dict[str, Sent] = {}
        self._counter = 0
        self._blocks: dict[str, list[str]] = {}  # pending output, by post number (threads print under their post)
        self._acting: Callable[[], str] = lambda: DEFAULT_MEMBER

    def acting_as(self, member: Callable[[], str]) -> None:
        """Who the console acts for now (`as <name>`), so a direct message says whom it went to."""
        self._acting = member

    def _letter_to(self, channel: ChannelRef) -> str:
        """'✉ direct message to alice:' — named, as the demo acts for several people; the default member
        is called "you", which must not read as whoever is acting now."""
        member = clean_text(channel.channel[len(DM_PREFIX):])
        acting = self._acting()
        if member == DEFAULT_MEMBER and acting != DEFAULT_MEMBER:
            member = f"you (the demo's first member, not {clean_text(acting)})"
        elif member == acting and member != DEFAULT_MEMBER:
            member = f"{member} (you)"
        return f"✉ direct message to {member}:"

    # output ----------------------------------------------------------------------------------

    def _emit(self, key: str, lines: list[str]) -> None:
        self._blocks.setdefault(key, []).extend(lines)

    def flush(self) -> None:
        """Print what was posted since the last flush, each post followed by its thread."""
        blocks, self._blocks = self._blocks, {}
        for lines in blocks.values():
            for line in lines:
                self._say(line)

    def _next_id(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}-{self._counter}"

    # ChatTransport ---------------------------------------------------------------------------

    def thread_style(self, channel: ChannelRef) -> ThreadStyle:
        return ThreadStyle.NONE if channel.channel.startswith(DM_PREFIX) else ThreadStyle.PER_MESSAGE

    async def send(self, channel: ChannelRef, publication: Publication, *, tag: str | None = None) -> Sent:
        if channel.channel.startswith(DM_PREFIX):
            sent = self._send_dm(channel, publication)
        else:
            sent = await self._send_posts(channel, publication)
        if tag:
            self._tags[tag] = sent
        return sent

    def _send_dm(self, channel: ChannelRef, publication: Publication) -> Sent:
        key = self._next_id("dm")
        lines = [self._letter_to(channel)]
        items = publication.as_digest().items
        for number, item in enumerate(items, 1):
            lines.append(render_item(item, number))
        self._emit(key, lines)
        return Sent(key, tuple(f"{key}.{n}" for n in range(1, len(items) + 1)))

    async def _send_posts(self, channel: ChannelRef, publication: Publication) -> Sent:
        first = await self._next_number(channel)
        if isinstance(publication, PaperReply):
            number = str(first)
            self._emit(number, [render_paper(publication.paper, number=first, why=publication.why, full=True),
                                *_continued(publication.discussions.get(publication.paper.arxiv_id))])
            return Sent(number, (number,))
        digest = publication.digest
        header = self._next_id("digest")
        self._emit(header, [render_digest_header(digest)])
        ids = [str(first + i) for i in range(len(digest.items))]
        for number, item in zip(ids, digest.items):
            self._emit(number, ["", render_item(item, int(number)), *_continued(publication.discussions.get(item.paper.arxiv_id))])
        return Sent(ids[0] if ids else header, tuple(ids))

    async def post(self, channel: ChannelRef, reply: TextReply, *, thread_id: str | None = None,
                   reply_to: str | None = None, tag: str | None = None) -> list[str]:
        message_id = self._next_id("note")
        if thread_id is not None or reply_to is not None:
            self._emit(thread_id or reply_to or message_id, render_thread_lines("paperbot", reply.text))
        else:
            prefix = f"{self._letter_to(channel)}\n" if channel.channel.startswith(DM_PREFIX) else ""
            self._emit(message_id, (prefix + "\n".join(clean_text(line) for line in reply.text.splitlines())).splitlines())
        if tag:
            self._tags[tag] = Sent(message_id, ())
        return [message_id]

    async def send_file(self, channel: ChannelRef, filename: str, data: bytes, text: str) -> list[str]:
        """A terminal shows no image: the file is written to ``files_dir`` and its path printed."""
        folder = self._files_dir or Path(tempfile.gettempdir()) / "paperbot"
        folder.mkdir(parents=True, exist_ok=True)
        path = _free_path(folder / Path(filename).name)
        path.write_bytes(data)
        message_id = self._next_id("file")
        self._emit(message_id, [clean_text(text), f"   ↳ file saved: {path}"])
        return [message_id]

    async def open_thread(self, channel: ChannelRef, root_message_id: str, name: str) -> str:
        """A console thread is its post's number."""
        self._emit(root_message_id, [f"   ↳ thread: {clean_text(name)}"])
        return root_message_id

    async def thread_url(self, channel: ChannelRef, thread_id: str) -> str | None:
        return f"`thread {thread_id}`"

    # ChatPlatform ----------------------------------------------------------------------------

    async def find_sent(self, channel: ChannelRef, tag: str, *, expected: Publication | TextReply | None = None,
                        since: datetime | None = None) -> Sent | None:
        return self._tags.get(tag)

    async def open_dm(self, workspace: str, user_id: str) -> ChannelRef:
        return ChannelRef(self.platform, workspace, f"{DM_PREFIX}{user_id}")


def _free_path(path: Path) -> Path:
    """``path``, or ``name-2.ext``, ``name-3.ext`` … when taken: a new chart never overwrites an older one."""
    n = 1
    candidate = path
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def _continued(discussion: Discussion | None) -> list[str]:
    if discussion is None:
        return []
    return [f"     ↳ {continues_in(discussion.url)}"]
