"""Platform-neutral domain types shared by the core, the adapters and storage.

All are frozen dataclasses: the core passes values around, storage maps them to rows,
adapters render them. Nothing here knows about Discord, Slack or SQL.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from enum import Enum
from functools import cached_property
from typing import Any

from bot.errors import UsageError
from bot.paper_bounds import plausible_day, plausible_version

MAX_COUNT = 25  # papers in one digest, at most (Slack's block limit keeps a digest readable well under 50)


class Source(str, Enum):
    """Where a paper was seen."""

    HUGGINGFACE = "huggingface"
    ARXIV = "arxiv"
    SAMPLE = "sample"


@dataclass(frozen=True)
class Paper:
    """One paper, whichever sources saw it and whichever version they saw.

    ``arxiv_id`` is canonical (no version suffix); ``version`` is the newest seen.
    ``announced_on`` is the day the paper appeared in a daily listing (HF daily
    papers' ``submittedOnDailyAt`` or arXiv's announce day): digests are per that day.
    """

    arxiv_id: str
    title: str
    abstract: str = ""
    version: int | None = None
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    published_at: datetime | None = None
    updated_at: datetime | None = None
    announced_on: date | None = None
    thumbnail_url: str | None = None
    upvotes: int | None = None
    num_comments: int | None = None
    github_repo: str | None = None
    github_stars: int | None = None
    project_page: str | None = None
    ai_summary: str | None = None
    ai_keywords: tuple[str, ...] = ()
    sources: frozenset[str] = field(default_factory=frozenset)

    @property
    def abs_url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}"

    @property
    def pdf_url(self) -> str:
        return f"https://arxiv.org/pdf/{self.arxiv_id}"

    @property
    def hf_url(self) -> str | None:
        """The Hugging Face paper page; only old-style-free ids have one."""
        return f"https://huggingface.co/papers/{self.arxiv_id}" if "/" not in self.arxiv_id else None

    @property
    def primary_category(self) -> str | None:
        return self.categories[0] if self.categories else None


def merge_papers(old: Paper, new: Paper) -> Paper:
    """Merge two sightings of one paper into one.

    Rules: HF owns popularity (upvotes, comments, GitHub, AI summary); arXiv owns
    categories; the newest version's title/abstract win. When both sightings are HF's, the
    newest version's sighting also supplies the popularity (not the max: a count is the listing's
    current one, so max would freeze a count that HF lowered): a sighting of an older version
    than the known one does not, and otherwise the later one (``new``: a later day's fresh count,
    or an unversioned id) wins; so v1 ▲10, v3 ▲50, v2 ▲5 in one listing is v3 with ▲50, not v3's
    title with v2's ▲5. Everything else keeps the
    first non-empty value; ``sources`` is the union; ``announced_on`` the earliest day.
    Implausible versions (past ``paper_bounds.MAX_VERSION``) and days or times outside
    1991..today+2 count as absent, so one bad sighting (version 99, year 1) can neither
    win "newest" nor move the paper out of its day, and a stored one is healed by the next.
    """
    if old.arxiv_id != new.arxiv_id:
        raise ValueError(f"cannot merge {old.arxiv_id} with {new.arxiv_id}")
    old, new = _plausible(old), _plausible(new)
    newer = new if (new.version or 0) >= (old.version or 0) else old
    other = old if newer is new else new
    hf_value = Source.HUGGINGFACE.value
    older_hf = hf_value in old.sources and (old.version or 0) > (new.version or old.version or 0)  # an unversioned sighting is current
    hf = new if hf_value in new.sources and not older_hf else old
    not_hf = old if hf is new else new
    arxiv = new if Source.ARXIV.value in new.sources else old
    not_arxiv = old if arxiv is new else new

    def first(*values: Any) -> Any:  # first non-empty value
        for value in values:
            if value not in (None, "", ()):
                return value
        return values[-1]

    days = [d for d in (old.announced_on, new.announced_on) if d is not None]
    return Paper(
        arxiv_id=old.arxiv_id,
        title=first(newer.title, other.title),
        abstract=first(newer.abstract, other.abstract),
        version=first(newer.version, other.version),
        authors=first(newer.authors, other.authors),
        categories=first(arxiv.categories, not_arxiv.categories),
        published_at=first(old.published_at, new.published_at),
        updated_at=max((d for d in (old.updated_at, new.updated_at) if d), default=None),
        announced_on=min(days) if days else None,
        thumbnail_url=first(hf.thumbnail_url, not_hf.thumbnail_url),
        upvotes=first(hf.upvotes, not_hf.upvotes),
        num_comments=first(hf.num_comments, not_hf.num_comments),
        github_repo=first(hf.github_repo, not_hf.github_repo),
        github_stars=first(hf.github_stars, not_hf.github_stars),
        project_page=first(hf.project_page, not_hf.project_page),
        ai_summary=first(hf.ai_summary, not_hf.ai_summary),
        ai_keywords=first(hf.ai_keywords, not_hf.ai_keywords),
        sources=old.sources | new.sources,
    )


def _plausible(paper: Paper) -> Paper:
    """``paper`` with an implausible version, day or time set to None (see :mod:`bot.paper_bounds`)."""
    changes: dict[str, Any] = {}
    if paper.version is not None and not plausible_version(paper.version):
        changes["version"] = None
    for name, value in (("announced_on", paper.announced_on), ("published_at", paper.published_at), ("updated_at", paper.updated_at)):
        if value is not None and not plausible_day(value):
            changes[name] = None
    return replace(paper, **changes) if changes else paper


def dedupe_papers(papers: list[Paper]) -> list[Paper]:
    """Collapse sightings of the same paper (any source, any version), keeping first-seen order."""
    merged: dict[str, Paper] = {}
    for paper in papers:
        merged[paper.arxiv_id] = merge_papers(merged[paper.arxiv_id], paper) if paper.arxiv_id in merged else paper
    return list(merged.values())


class Platform(str, Enum):
    DISCORD = "discord"
    SLACK = "slack"
    CONSOLE = "console"


@dataclass(frozen=True)
class ChannelRef:
    """Where to post: enough for storage to save and an adapter to rebuild the channel.

    ``workspace`` is the Slack team id or Discord guild id (``"dm"`` for direct messages).
    ``key`` round-trips through :meth:`parse`.
    """

    platform: str
    workspace: str
    channel: str

    @cached_property
    def key(self) -> str:
        """Worded once per instance: a planning pass looks each channel's key up some twenty times."""
        return f"{self.platform}:{self.workspace}:{self.channel}"

    @classmethod
    def parse(cls, key: str) -> ChannelRef:
        parts = key.split(":", 2)
        if len(parts) != 3 or not all(parts):
            raise UsageError(f"'{key}' is not a channel reference; expected platform:workspace:channel")
        return cls(*parts)

    def __str__(self) -> str:
        return self.key


@dataclass(frozen=True)
class Subscription:
    """A channel's standing order for a daily digest at a local time."""

    channel: ChannelRef
    post_time: time
    timezone: str
    count: int = 5
    created_by: str | None = None
    created_at: datetime | None = None


class PostKind(str, Enum):
    SCHEDULED = "scheduled"
    ON_DEMAND = "on_demand"
    LINKED = "linked"  # a member's message linking to a paper (bot.usecases.links): theirs, not the bot's


@dataclass(frozen=True)
class Post:
    """One paper as the bot posted it: the platform message it lives in, and why.

    A platform message may carry several papers (one Post each, distinguished by
    ``position``); a reaction on that message is then mapped by the adapter.
    """

    channel: ChannelRef
    message_id: str
    arxiv_id: str
    kind: PostKind = PostKind.ON_DEMAND
    digest_day: date | None = None
    position: int = 0
    posted_at: datetime | None = None
    # the message the publication's thread hangs from (a Slack digest message; on Discord the post's own)
    root_message_id: str | None = None


def digest_posts(channel: ChannelRef, digest: Digest, message_ids: Sequence[str], kind: PostKind,
                 posted_at: datetime | None = None, root_message_id: str | None = None) -> list[Post]:
    """The posts one digest send makes, ``message_ids`` aligned with its items (an empty id: not sent).

    Papers sharing a message get positions 0, 1, … in it. Used by the publisher
    (``bot.usecases.publishing``) for every publication, on demand or from the outbox.
    """
    positions: dict[str, int] = {}
    posts = []
    for item, message_id in zip(digest.items, message_ids):
        if not message_id:
            continue
        position = positions.get(message_id, 0)
        positions[message_id] = position + 1
        posts.append(Post(channel, message_id, item.paper.arxiv_id, kind, digest.day, position, posted_at,
                          root_message_id))
    return posts


@dataclass(frozen=True)
class Reaction:
    """A member's emoji on one posted paper."""

    channel: ChannelRef
    message_id: str
    arxiv_id: str
    user_id: str
    emoji: str
    created_at: datetime | None = None


@dataclass(frozen=True)
class ReactionEvent:
    """What an adapter saw: someone added or removed an emoji on a message.

    ``channel`` is where the message is; ``belongs_to`` the channel that place shares its records
    with (:attr:`Requester.belongs_to`): the message's papers are looked for there too.
    """

    channel: ChannelRef
    message_id: str
    user_id: str
    emoji: str
    added: bool
    at: datetime | None = None
    event_id: str | None = None
    belongs_to: ChannelRef | None = None


@dataclass(frozen=True)
class RankedPaper:
    """A paper in a ranking, with its score and a short human reason."""

    paper: Paper
    score: float
    why: str


@dataclass(frozen=True)
class Digest:
    """A ranked list ready to render: which day (or week) it covers and a headline."""

    title: str
    items: tuple[RankedPaper, ...]
    day: date | None = None
    week: str | None = None
    note: str | None = None

    def with_items(self, items: tuple[RankedPaper, ...]) -> Digest:
        return replace(self, items=items)


@dataclass(frozen=True)
class Requester:
    """Who asked, where, and what the platform says they may do there.

    Adapters fill ``can_manage_channel`` from the platform's own rules (Discord's
    Manage Channels, Slack admins/channel creator); the core enforces it.

    ``channel`` is where the command was run, and where a published answer goes. ``belongs_to``,
    when the adapter says the place is part of another channel that holds its state (a Discord
    forum, for a command run in one of its posts: a forum has no message box), is whose taste,
    settings and records the command uses (:attr:`home`); the core decides which is used for what
    (``PaperBot.handle``).
    """

    channel: ChannelRef
    user_id: str
    can_manage_channel: bool = False
    display_name: str | None = None
    belongs_to: ChannelRef | None = None

    @property
    def home(self) -> ChannelRef:
        """The channel whose taste, settings and records are this requester's: ``belongs_to``, else ``channel``."""
        return self.belongs_to or self.channel

    def at_home(self) -> Requester:
        """This requester as seen from :attr:`home` (the permission stays the caller's: a post's are its forum's)."""
        return self if self.belongs_to is None else replace(self, channel=self.belongs_to, belongs_to=None)
