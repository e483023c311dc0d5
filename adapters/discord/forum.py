"""Discord forum (and media) channels: each paper is its own post, and the post is its thread.

A forum (channel type 15; a media channel, type 16, works the same) holds no channel messages, only
posts: a thread with a starter message. So a digest to a forum is one post per paper — the name is
the paper's title (plain, at most 100 characters), the starter message the paper's embed (as in a
text channel, without the digest's rank), the tags the forum's own ``available_tags`` whose names
match the paper's arXiv categories (code or name: ``cs.LG`` / "Machine Learning") or its keywords.
No tag is created (that needs Manage Channels, and a tag list is the moderators' to shape); a
moderated tag is never applied; at most 5 (Discord's limit per post).

A forum with "Require tags" on (``flags.require_tag``) refuses a post without one (400, code 40067).
There a post no topic tag fits carries the forum's first generic tag ("paper", "arXiv", "digest" …:
:data:`GENERIC_TAGS`); when the forum has none, nothing is posted: the send raises the channel's
``Unreachable.TAG_REQUIRED`` before its first post (a digest with holes would look like a bug), and
the pause reason tells the moderators which tag to add. The check is made on the forum as read; a
refusal from Discord all the same (the setting changed since) gets the same reason
(:mod:`adapters.discord.platform`), and either way the forum is read again on the next send.

There is no digest headline: a forum has no channel message to carry it, and repeating it in every
post would be noise. The core declares ``ThreadStyle.POST_IS_THREAD`` for forums, maps every post as
its paper's thread and posts no opening (the starter message is the paper). A paper already posted
in the forum gets no second post: its existing post is bumped with one short line (a forum lists
its most recently active posts first), and the digest's item is that post.

A send is found again after a crash (:meth:`Forums.find_sent`) among the bot's posts in the forum —
active ones (``GET /guilds/{id}/threads/active``) and the newest archived ones — created since the
outbox row was due, by name and starter message; a bump by the line in the existing post since then.
Posts not found are sent by the core (a send cut short after 2 of 5 posts is completed, not doubled).

Whether a channel is a forum is read from the gateway's cache, else ``GET /channels/{id}`` once.
"""
from __future__ import annotations

import logging
import re
import time
import unicodedata
from datetime import datetime, timedelta
from typing import Literal

import discord
from discord.channel import ThreadWithMessage

from adapters.discord.embeds import digest_header, paper_embed
from adapters.discord.previews import new_message
from adapters.discord.text import fit, fit_plain, pieces
from bot.domain import Digest, Paper, RankedPaper
from bot.errors import ChannelUnavailableError
from bot.ports import Sent
from bot.replies import Publication, TextReply
from bot.scheduling.unreachable import Unreachable, unreachable

_log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
MAX_THREAD_NAME = 100
MAX_CONTENT = 2000
MAX_APPLIED_TAGS = 5  # Discord's limit per post
ARCHIVE_MINUTES: Literal[10080] = 10080  # a week, as paper threads in text channels
FORUM_TTL = 600.0  # seconds a fetched forum (its tag list) is reused
ARCHIVED_READ = 100  # archived posts read, newest first, when a send is looked for again
BUMP_READ = 50  # messages read in an existing post when its bump is looked for again
CLOCK_MARGIN = timedelta(minutes=10)  # Discord's clock and ours may differ a little
TEXT_MESSAGES = 4
PARENTS_CACHED = 10_000  # channels whose forum (or none) is remembered, for reactions in them
TAG_REQUIRED = 40067  # "A tag is required to create a forum post in this channel" (with 400)
NO_SETTABLE_TAGS = 40066  # "There are no tags available that can be set by non-moderators" (with 400)

# arXiv categories by the names forums tend to give their tags
CATEGORY_NAMES = {
    "cs.AI": "Artificial Intelligence", "cs.CL": "Computation and Language", "cs.CV": "Computer Vision",
    "cs.LG": "Machine Learning", "stat.ML": "Machine Learning", "cs.RO": "Robotics",
    "cs.IR": "Information Retrieval", "cs.NE": "Neural and Evolutionary Computing",
    "cs.CR": "Cryptography and Security", "cs.SE": "Software Engineering", "cs.HC": "Human-Computer Interaction",
    "cs.MA": "Multiagent Systems", "cs.SD": "Sound", "eess.AS": "Audio and Speech Processing",
    "eess.IV": "Image and Video Processing", "cs.GR": "Graphics", "cs.DC": "Distributed Computing",
}
_WORDS = re.compile(r"[^0-9a-z]+")
# the names (compared as keys) of a forum's catch-all tag, used where a tag is required and no topic's fits
GENERIC_TAGS = frozenset({"paper", "papers", "arxiv", "digest", "paperbot", "research"})


def _key(name: str) -> str:
    """A name as compared: no case, accents, emoji or punctuation ("📄 Pâpers!" → "papers")."""
    letters = "".join(c for c in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(c))
    return _WORDS.sub(" ", letters).strip()


def post_title(paper: Paper) -> str:
    """The post's name: the title as plain text (mentions broken), at most 100 characters."""
    return fit_plain(paper.title or paper.arxiv_id, MAX_THREAD_NAME) or paper.arxiv_id


def starter_embed(item: RankedPaper) -> discord.Embed:
    return paper_embed(item.paper, item.why)


def bump_text(digest: Digest) -> str:
    """The line that brings an existing post back up when its paper is in a digest again."""
    return f"Back in a digest: {fit(digest.title, 300)}"


def paper_topics(paper: Paper) -> set[str]:
    """The names a tag may carry to match this paper: category codes and names, and its keywords."""
    names = {c for c in paper.categories} | {CATEGORY_NAMES[c] for c in paper.categories if c in CATEGORY_NAMES}
    names |= set(paper.ai_keywords)
    return {_key(n) for n in names if _key(n)}


def post_tags(forum: discord.ForumChannel, topics: set[str]) -> list[discord.ForumTag] | None:
    """The tags a new post carries: the forum's unmoderated tags named after its topics (in the forum's
    order, at most 5); none fitting in a forum that requires a tag, its first unmoderated generic one;
    None when it requires one and has neither (Discord would refuse the post)."""
    usable = [t for t in forum.available_tags if not t.moderated]
    topical = [t for t in usable if _key(t.name) in topics][:MAX_APPLIED_TAGS]
    if topical or not forum.flags.require_tag:
        return topical
    generic = next((t for t in usable if _key(t.name) in GENERIC_TAGS), None)
    return [generic] if generic is not None else None


def tag_required(forum: discord.ForumChannel) -> ChannelUnavailableError:
    """What a send raises instead of a post Discord would refuse: the channel paused with the words for it."""
    return unreachable(Unreachable.TAG_REQUIRED,
                       f"forum {forum.id} requires a tag and has no unmoderated one that fits a paper or is generic "
                       f"({', '.join(sorted(GENERIC_TAGS))}); nothing was posted")


class Forums:
    """Forum channels for one client: which channels are forums, and posting and finding posts there."""

    def __init__(self, client: discord.Client) -> None:
        self._client = client
        self._kinds: dict[int, bool] = {}  # channel id → a forum (fetched once)
        self._fetched: dict[int, tuple[float, discord.ForumChannel]] = {}
        self._parents: dict[int, int | None] = {}  # channel id → the forum it is a post of (None: not a post)

    def known(self, channel_id: int) -> bool | None:
        """Whether the channel is a forum, when the gateway's cache or an earlier fetch says (no request)."""
        cached = self._client.get_channel(channel_id)
        if cached is not None:
            return isinstance(cached, discord.ForumChannel)
        return self._kinds.get(channel_id)

    async def forum(self, channel_id: int) -> discord.ForumChannel | None:
        """The forum with this id, or None when the channel is something else (``GET /channels/{id}``
        once when the gateway did not announce it). A channel Discord refuses to show or does not
        know is taken for a text channel, whose send then fails with its own reason; a passing failure
        (5xx, a timeout) is raised, so the send is retried rather than tried on the wrong kind."""
        cached = self._client.get_channel(channel_id)
        if cached is not None:
            return cached if isinstance(cached, discord.ForumChannel) else None
        if self._kinds.get(channel_id) is False:
            return None
        hit = self._fetched.get(channel_id)
        if hit is not None and time.monotonic() - hit[0] < FORUM_TTL:
            return hit[1]
        try:
            fetched = await self._client.fetch_channel(channel_id)
        except (discord.Forbidden, discord.NotFound, discord.InvalidData) as exc:
            _log.debug("could not read channel %s (%s); taken for a text channel", channel_id, exc)
            return None
        is_forum = isinstance(fetched, discord.ForumChannel)
        self._kinds[channel_id] = is_forum
        if isinstance(fetched, discord.ForumChannel):
            self._fetched[channel_id] = (time.monotonic(), fetched)
            return fetched
        return None

    async def parent_forum(self, channel: object) -> int | None:
        """The forum ``channel`` is a post of (a thread whose parent is a forum), else None. The core
        decides what that means (``Requester.belongs_to``, ``ReactionEvent.belongs_to``): commands
        cannot be run in a forum itself (it has no message box), only in its posts."""
        if not isinstance(channel, discord.Thread) or channel.parent_id is None:
            return None
        return channel.parent_id if await self.forum(channel.parent_id) is not None else None

    async def forum_of(self, channel_id: int) -> int | None:
        """:meth:`parent_forum` for a channel known by id only (a reaction's): the gateway's cache, else
        ``GET /channels/{id}`` once per uncached channel (remembered, and so is a channel Discord refuses
        to show or does not know); None when it cannot be read (the reaction then counts where it is)."""
        if channel_id not in self._parents:
            channel = self._client.get_channel(channel_id)
            if channel is None:
                try:
                    channel = await self._client.fetch_channel(channel_id)
                except (discord.Forbidden, discord.NotFound):  # it will not be shown later either: remembered
                    self._remember(channel_id, None)
                    return None
                except discord.HTTPException:  # passing: asked again next time
                    return None
            self._remember(channel_id, await self.parent_forum(channel))
        return self._parents[channel_id]

    def _remember(self, channel_id: int, forum: int | None) -> None:
        if len(self._parents) > PARENTS_CACHED:
            self._parents.clear()
        self._parents[channel_id] = forum

    # sending ---------------------------------------------------------------------------------

    async def send(self, forum: discord.ForumChannel, publication: Publication, ids: list[str]) -> None:
        """One post per paper, ``ids`` filled in as they go out (so a failure knows what did); a paper
        with a discussion in this forum bumps that post instead."""
        digest = publication.as_digest()
        if not digest.items:
            [tags] = self._tags(forum, [set()])
            created = await self._create(forum, name=fit_plain(digest.title, MAX_THREAD_NAME) or "Papers",
                                         content=digest_header(digest), applied_tags=tags)
            ids.append(str(created.thread.id))
            return
        planned = self._tags(forum, [paper_topics(item.paper) for item in digest.items])
        for index, (item, tags) in enumerate(zip(digest.items, planned, strict=True)):
            discussion = publication.discussions.get(item.paper.arxiv_id)
            if discussion is not None and await self._bump(forum, discussion.thread_id, digest):
                ids[index] = discussion.thread_id
                continue
            created = await self._create(forum, name=post_title(item.paper), embeds=[starter_embed(item)],
                                         applied_tags=tags)
            ids[index] = str(created.thread.id)  # the starter message has the post's id

    def _tags(self, forum: discord.ForumChannel, topics: list[set[str]]) -> list[list[discord.ForumTag]]:
        """Each new post's tags (:func:`post_tags`); the send refused before its first post when one of
        them could carry none in a forum that requires a tag."""
        planned = [post_tags(forum, t) for t in topics]
        usable = [t for t in planned if t is not None]
        if len(usable) < len(planned):
            self.forget(forum.id)  # the moderators will change it: read it afresh next time
            raise tag_required(forum)
        return usable

    async def _create(self, forum: discord.ForumChannel, *, name: str, applied_tags: list[discord.ForumTag],
                      content: str | None = None, embeds: list[discord.Embed] | None = None) -> ThreadWithMessage:
        """A post; Discord refusing it for want of a tag means the forum as read is out of date."""
        try:
            return await forum.create_thread(name=name, **new_message(content, embeds or ()),
                                             embeds=embeds or discord.utils.MISSING,
                                             applied_tags=applied_tags, allowed_mentions=NO_MENTIONS,
                                             auto_archive_duration=ARCHIVE_MINUTES)
        except discord.HTTPException as exc:
            if exc.code in (TAG_REQUIRED, NO_SETTABLE_TAGS):
                self.forget(forum.id)
            raise

    def forget(self, forum_id: int) -> None:
        """Drop a fetched forum, so the next send reads its settings and tags again (the gateway's cache
        is kept current by Discord)."""
        self._fetched.pop(forum_id, None)

    async def _bump(self, forum: discord.ForumChannel, post_id: str, digest: Digest) -> bool:
        """Bring an existing post up; False when it is gone or closed (deleted, locked): then the paper
        gets a new post rather than the whole digest failing."""
        if not post_id.isdigit():
            return False
        thread = self._client.get_partial_messageable(int(post_id), guild_id=forum.guild.id)
        try:
            await thread.send(**new_message(bump_text(digest)), allowed_mentions=NO_MENTIONS)
        except (discord.NotFound, discord.Forbidden) as exc:
            _log.info("post %s in forum %s cannot be bumped (%s %s); posting the paper again", post_id, forum.id,
                      exc.status, exc.code)
            return False
        return True

    async def post_text(self, forum: discord.ForumChannel, reply: TextReply) -> list[str]:
        """Text (a recap, a note) as a post of its own: named by its first line, the text its messages."""
        contents = pieces(reply.text, MAX_CONTENT, TEXT_MESSAGES)
        first_line = next((line for line in reply.text.splitlines() if line.strip()), "") or "Papers"
        [tags] = self._tags(forum, [set()])
        created = await self._create(forum, name=fit_plain(first_line, MAX_THREAD_NAME) or "Papers",
                                     content=contents[0], applied_tags=tags)
        ids = [str(created.thread.id)]
        for content in contents[1:]:
            ids.append(str((await created.thread.send(**new_message(content), allowed_mentions=NO_MENTIONS)).id))
        return ids

    # finding a send again --------------------------------------------------------------------

    async def find_sent(self, forum: discord.ForumChannel, expected: Publication | TextReply,
                        since: datetime | None) -> Sent | None:
        """The posts (or bumps) ``expected`` made in ``forum`` since ``since``; ``""`` for each paper not
        found (the core sends those). None when nothing of it is there."""
        me = self._client.user.id if self._client.user else None
        after = discord.utils.time_snowflake(since - CLOCK_MARGIN) if since is not None else 0
        posts = [t for t in await self._posts(forum) if t.owner_id == me]
        if isinstance(expected, TextReply):
            content = pieces(expected.text, MAX_CONTENT, TEXT_MESSAGES)[0]
            for thread in posts:
                if thread.id >= after and await self._starter_shows(thread, content, None):
                    return Sent(str(thread.id), ())
            return None
        digest = expected.as_digest()
        if not digest.items:
            header = digest_header(digest)
            hit = next((t for t in posts if t.id >= after and t.name == (fit_plain(digest.title, MAX_THREAD_NAME)
                                                                         or "Papers")), None)
            return Sent(str(hit.id), ()) if hit is not None and await self._starter_shows(hit, header, None) else None
        ids: list[str] = []
        for item in digest.items:
            named = [t for t in posts if t.name == post_title(item.paper)]
            found = ""
            for thread in named:
                if thread.id >= after and await self._starter_shows(thread, None, starter_embed(item)):
                    found = str(thread.id)
                    break
            if not found:
                for thread in named:
                    if thread.id < after and await self._bumped(thread, bump_text(digest), after, me):
                        found = str(thread.id)
                        break
            ids.append(found)
        if not any(ids):
            return None
        return Sent(next(i for i in ids if i), tuple(ids))

    async def _posts(self, forum: discord.ForumChannel) -> list[discord.Thread]:
        """The forum's posts: the active ones and the newest archived ones, oldest first."""
        active = [t for t in await forum.guild.active_threads() if t.parent_id == forum.id]
        archived = [t async for t in forum.archived_threads(limit=ARCHIVED_READ)]
        seen: dict[int, discord.Thread] = {t.id: t for t in active + archived}
        return sorted(seen.values(), key=lambda t: t.id)

    async def _starter_shows(self, thread: discord.Thread, content: str | None, embed: discord.Embed | None) -> bool:
        try:
            starter = await thread.fetch_message(thread.id)
        except discord.NotFound:
            return False  # its starter was deleted: not a post of ours that can be taken for the send
        if content is not None:
            return (starter.content or "").strip() == content.strip()
        return embed is not None and [(e.title or "", e.url or "") for e in starter.embeds] == [(embed.title or "",
                                                                                                 embed.url or "")]

    async def _bumped(self, thread: discord.Thread, text: str, after: int, me: int | None) -> bool:
        history = [m async for m in thread.history(limit=BUMP_READ, after=discord.Object(after), oldest_first=True)]
        return any(m.author.id == me and (m.content or "").strip() == text for m in history)
