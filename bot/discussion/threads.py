"""Discussion threads under posted papers: the types the core and the adapters exchange.

A posted paper (or a digest message carrying several) can get a thread. The core decides and
opens threads itself, through the platform's ``ChatTransport`` (``bot.usecases.discussion``):
right after a publication is recorded, and when a member first replies under a post. Adapters
only hand every human message in a thread (or reply under a post) to
:meth:`bot.app.PaperBot.on_thread_message`. Nothing here knows a platform.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Protocol

from bot.domain import ChannelRef, Post
from bot.errors import UsageError
from bot.replies import TextReply


class ThreadMode(str, Enum):
    """When a posted paper gets a thread (per channel, ``/papers settings threads:…``)."""

    ALWAYS = "always"
    FIRST_REPLY = "first_reply"
    NEVER = "never"

    @classmethod
    def parse(cls, value: str) -> ThreadMode:
        text = value.strip().lower().replace("-", "_")
        for mode in cls:
            if mode.value == text:
                return mode
        raise UsageError(f"threads must be one of {', '.join(m.value for m in cls)}, not '{value}'")


class LinkMode(str, Enum):
    """What a paper link a member pastes does (per channel, ``/papers settings links:…``): it always
    counts as that member's interest; "thread" also opens the paper's discussion thread on it."""

    THREAD = "thread"
    QUIET = "quiet"


@dataclass(frozen=True)
class ThreadOpening:
    """What the core posts when it opens a thread on a root message.

    ``root_message_id`` is the bot's message the thread hangs from (Discord: the paper's
    message; Slack: the digest message, which may carry several papers). ``messages`` holds one
    opening per paper: summary, links, repo and stars, upvotes, comments. ``name`` is the
    thread title (<= 100 characters, neutralised).
    """

    root_message_id: str
    arxiv_ids: tuple[str, ...]
    name: str
    messages: tuple[TextReply, ...]


@dataclass(frozen=True)
class ThreadMessage:
    """A human message inside a thread (or a reply to a bot post).

    ``channel`` is the PARENT channel (where the digest was posted). ``thread_id`` is the
    Discord thread channel id (== root message id for threads made from a message) or Slack's
    ``thread_ts`` (== root message ts). ``text`` has the mention markup already stripped.
    """

    channel: ChannelRef
    thread_id: str
    user_id: str
    text: str
    mentions_bot: bool
    event_id: str | None = None
    root_message_id: str | None = None
    # the member's own message (an answer refers to it) and whether it was written inside a thread
    # (False: a Discord reply in the channel, under a post that has no thread yet)
    message_id: str | None = None
    in_thread: bool = True


@dataclass(frozen=True)
class ThreadResponse:
    """What the core posted back: the opening (first_reply mode) and/or the answer."""

    opening: ThreadOpening | None = None
    answer: TextReply | None = None


ASKED_OUTSIDE_A_THREAD = ""  # the thread id of a question asked with `/papers ask`, not in a thread


class ActivityKind(str, Enum):
    REPLY = "reply"
    QUESTION = "question"


@dataclass(frozen=True)
class ThreadRecord:
    """One paper's thread in one channel, as stored."""

    channel: ChannelRef
    root_message_id: str
    thread_id: str
    arxiv_id: str
    opened_at: datetime | None = None


@dataclass(frozen=True)
class ThreadActivity:
    """A member's reply or question in a paper's thread, or a `/papers ask` about it
    (``thread_id`` is ``ASKED_OUTSIDE_A_THREAD``): a taste signal."""

    channel: ChannelRef
    thread_id: str
    arxiv_id: str
    user_id: str
    kind: ActivityKind
    at: datetime
    event_id: str | None = None


class DiscussionStore(Protocol):
    """Persistence of threads, thread activity and the per-channel thread mode (storage implements it)."""

    async def record_threads(self, threads: Sequence[ThreadRecord]) -> None:
        """Remember which thread discusses which paper (idempotent per channel, thread, paper)."""
        ...

    async def threads_for(self, channel: ChannelRef, thread_id: str) -> list[ThreadRecord]:
        """The papers discussed in one thread (by thread id or by root message id), oldest first."""
        ...

    async def threads_of_paper(self, channel: ChannelRef, arxiv_id: str) -> list[ThreadRecord]: ...

    async def threads_of_papers(self, channel: ChannelRef, arxiv_ids: Iterable[str]) -> dict[str, ThreadRecord]:
        """Each of ``arxiv_ids`` that has a discussion thread in ``channel``: its first thread."""
        ...

    async def posts_without_threads(self, since: datetime, until: datetime, platforms: Iterable[str],
                                    limit: int = 500) -> list[Post]:
        """Posts of ``platforms`` posted in [since, until) whose paper has no thread in their channel."""
        ...

    async def add_thread_activity(self, activities: Sequence[ThreadActivity]) -> bool:
        """Store them; False when their ``event_id`` was stored before (a retried delivery)."""
        ...

    async def thread_activity_for_channel(self, channel: ChannelRef) -> list[ThreadActivity]:
        """Oldest first."""
        ...

    async def thread_activity_for_channels(self, channels: Sequence[ChannelRef]) -> dict[str, list[ThreadActivity]]: ...

    async def thread_activity_by_member(self, platform: str, workspace: str, user_id: str) -> list[ThreadActivity]:
        """A member's activity in every channel of one workspace/guild, oldest first."""
        ...

    async def get_thread_mode(self, channel: ChannelRef) -> ThreadMode | None:
        """None: the channel never chose (the configured default applies)."""
        ...

    async def save_thread_mode(self, channel: ChannelRef, mode: ThreadMode) -> None: ...

    async def get_link_mode(self, channel: ChannelRef) -> LinkMode | None:
        """None: the channel never chose (links are quiet)."""
        ...

    async def save_link_mode(self, channel: ChannelRef, mode: LinkMode) -> None: ...
