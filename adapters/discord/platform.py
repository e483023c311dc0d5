"""DiscordPlatform: the transport the core posts through on Discord (scheduler, outbox, threads, answers).

Transport only: what to post, record and thread is decided by the core. ``send`` posts one
message per paper (see :mod:`adapters.discord.embeds`) and returns the message carrying each;
threads hang from each paper's message (``ThreadStyle.PER_MESSAGE``; DMs have none; in a forum
channel each paper is a post, its own thread: :mod:`adapters.discord.forum`). Failures
become DeliveryError subclasses: Forbidden / NotFound (channel gone, bot removed, missing
permission) → ChannelUnavailableError; a rate limit longer than the library waits →
RateLimitedError (also a 429 discord.py does not wait out: one without ``Via``); 5xx, timeouts and
connection errors → TransientDeliveryError; Discord refusing the body as rendered (400 50035 Invalid
Form Body) → RejectedMessageError; a digest cut short → PartiallySentError with what went out.
A forum requiring a tag the bot cannot give (400 40067) → ChannelUnavailableError with the words for
that (``Unreachable.TAG_REQUIRED``; :mod:`adapters.discord.forum` usually sees it first).
A refusal's reason is worded for people by kind (:data:`KINDS`); Discord's code goes to the log.
Every message is sent with ``AllowedMentions.none()`` and unfurls no URL (:mod:`adapters.discord.previews`),
and carries nothing people would not read:
an outbox send is found again by what it shows (:meth:`DiscordPlatform.find_sent`).

Text posts are bounded where they are rendered (the core's text is what it is): a post into a thread
that answers no message — a paper's opening — is at most :data:`OPENING_MESSAGES` messages, any
other (answers, recaps, notes) at most :data:`TEXT_MESSAGES`; messages break between words and
never inside a URL (see :func:`adapters.discord.text.pieces`).
"""
from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, Literal

import aiohttp
import discord

from adapters.discord.buttons import views_for
from adapters.discord.embeds import OutMessage, digest_messages, paper_embed
from adapters.discord.forum import NO_SETTABLE_TAGS, TAG_REQUIRED, Forums
from adapters.discord.previews import new_message
from adapters.discord.text import fit, fit_plain, pieces
from bot.domain import ChannelRef
from bot.errors import (
    ChannelUnavailableError,
    DeliveryError,
    PartiallySentError,
    RateLimitedError,
    RejectedMessageError,
    TransientDeliveryError,
)
from bot.metrics import metrics, platform_error_kind
from bot.ports import Sent, ThreadStyle
from bot.replies import PaperReply, Publication, TextReply
from bot.scheduling.unreachable import Unreachable, unreachable

_log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
MAX_CONTENT = 2000
MAX_THREAD_NAME = 100
OPENING_MESSAGES = 2  # a paper's opening in its thread
TEXT_MESSAGES = 4  # an answer, a recap, a note
INVALID_FORM_BODY = 50035
ARCHIVE_MINUTES: Literal[10080] = 10080  # a week: a paper's discussion outlives a day
THREAD_EXISTS = 160004  # "A thread has already been created for this message"


def retry_after(exc: discord.HTTPException, default: float = 1.0) -> float:
    """How long a 429 asks us to wait: ``Retry-After`` (Cloudflare's and Discord's), else Discord's
    ``X-RateLimit-Reset-After``; ``default`` when neither says."""
    headers = getattr(exc.response, "headers", None) or {}
    for name in ("Retry-After", "X-RateLimit-Reset-After"):
        try:
            return max(0.0, float(str(headers[name])))
        except (KeyError, TypeError, ValueError):
            continue
    return default


def delivery_error(exc: BaseException, what: str) -> DeliveryError:
    """Turn a discord.py / aiohttp failure into the DeliveryError that says what to do next (and count
    it in the platform-errors metric, once: an error classified already is passed on as it is)."""
    if isinstance(exc, DeliveryError):
        return exc
    error = _classify(exc, what)
    auth = isinstance(exc, discord.HTTPException) and exc.status == 401
    metrics().platform_error("discord", platform_error_kind(error, auth=auth))
    return error


def _classify(exc: BaseException, what: str) -> DeliveryError:
    if isinstance(exc, discord.RateLimited):
        return RateLimitedError(f"Discord rate-limited {what}; retry in {exc.retry_after:g} s.", exc.retry_after)
    if isinstance(exc, (discord.Forbidden, discord.NotFound)):
        return refused(exc, what)
    if isinstance(exc, discord.DiscordServerError):
        return TransientDeliveryError(f"Discord failed {what} ({exc.status}).")
    if isinstance(exc, discord.HTTPException):
        if exc.status == 429:  # without Via (Cloudflare): discord.py raises at once instead of waiting
            wait = retry_after(exc)
            return RateLimitedError(f"Discord rate-limited {what}; retry in {wait:g} s.", wait)
        if exc.status >= 500:
            return TransientDeliveryError(f"Discord failed {what} ({exc.status}).")
        if exc.status == 400 and exc.code == INVALID_FORM_BODY:
            return RejectedMessageError(f"Discord refused what we rendered for {what}: {exc.text or exc.code}.")
        return refused(exc, what)
    if isinstance(exc, (asyncio.TimeoutError, aiohttp.ClientError, OSError, discord.ConnectionClosed)):
        return TransientDeliveryError(f"Discord could not be reached for {what}: {type(exc).__name__}.")
    return TransientDeliveryError(f"Discord failed {what}: {exc}.")


# what Discord's JSON error codes mean for the people who read the pause reason (the code is logged)
KINDS: dict[int, Unreachable] = {
    50001: Unreachable.NO_PERMISSION,  # Missing Access: cannot see the channel
    50013: Unreachable.NO_PERMISSION,  # Missing Permissions: e.g. Send Messages, Embed Links
    10003: Unreachable.CHANNEL_GONE,  # Unknown Channel
    50083: Unreachable.CHANNEL_GONE,  # an archived thread
    10004: Unreachable.APP_REMOVED,  # Unknown Guild: the bot is no longer in the server
    50007: Unreachable.DMS_CLOSED,  # Cannot send messages to this user
    10013: Unreachable.DMS_CLOSED,  # Unknown User
    TAG_REQUIRED: Unreachable.TAG_REQUIRED,  # 400: a forum requiring a tag got a post without one
    NO_SETTABLE_TAGS: Unreachable.TAG_REQUIRED,  # 400: it requires one and all its tags are moderators'
}


def refused(exc: discord.HTTPException, what: str) -> ChannelUnavailableError:
    """A refusal that will not pass: people's words by kind, Discord's status and code for the log."""
    kind = Unreachable.APP_REMOVED if exc.status == 401 else KINDS.get(exc.code, Unreachable.OTHER)
    return unreachable(kind, f"Discord refused {what}: {exc.status} (code {exc.code}) {exc.text or ''}".strip())


def text_pieces(reply: TextReply, max_messages: int = TEXT_MESSAGES, *, reserve: int = 0) -> list[str]:
    """A core text reply as at most ``max_messages`` neutralised message contents of at most 2000
    characters (the first ``reserve`` fewer), line breaks kept, never cut inside a URL."""
    return pieces(reply.text, MAX_CONTENT, max_messages, first_limit=MAX_CONTENT - reserve)


async def send_messages(publication: Publication, send_one: Callable[[int, OutMessage], Awaitable[discord.Message]],
                        what: str) -> Sent:
    """Send a publication's messages in order with ``send_one(n, message)`` (a channel send, or an
    interaction's answer then its follow-ups), mapping each paper to the message that carries it; a send
    cut short raises PartiallySentError with what went out, else the DeliveryError ``what`` names."""
    ids: list[str] = [""] * len(publication.as_digest().items)
    first = ""
    try:
        for n, message in enumerate(publication_messages(publication)):
            sent = await send_one(n, message)
            first = first or str(sent.id)
            for index in message.items:
                ids[index] = str(sent.id)
    except Exception as exc:
        error = delivery_error(exc, what)
        if first:
            raise PartiallySentError(error, first, tuple(ids)) from exc
        raise error from exc
    return Sent(ids[0] if ids else first, tuple(ids))


def publication_messages(publication: Publication) -> list[OutMessage]:
    """The messages a digest or a paper is posted as (one per paper), each with the items it carries."""
    if isinstance(publication, PaperReply):
        paper = publication.paper
        return [OutMessage(embeds=[paper_embed(paper, publication.why, discussion=publication.discussions.get(paper.arxiv_id))],
                           items=[0])]
    return digest_messages(publication.digest, publication.discussions)


class DiscordPlatform:
    """Posts through a logged-in discord.py client; channels need not be cached."""

    platform = "discord"
    finds_sent = True

    def __init__(self, client: discord.Client, *, ready_timeout: float = 60.0) -> None:
        self._client = client
        self._ready_timeout = ready_timeout
        # DM channel id → the guild a DM digest was sent for (open_dm): Discord's DM events carry no
        # guild, and a reaction there must count for the member in that guild
        self.dm_workspaces: dict[int, str] = {}
        self.forums = Forums(client)  # forum channels: a post per paper (adapters.discord.forum)

    async def _wait_ready(self) -> None:
        """A post due right after start-up waits for the login instead of failing as "unavailable"."""
        if self._client.is_ready():
            return
        try:
            await asyncio.wait_for(self._client.wait_until_ready(), self._ready_timeout)
        except (TimeoutError, RuntimeError):
            raise TransientDeliveryError("Discord is not connected yet; try again shortly.") from None

    def messageable(self, channel_id: str, workspace: str) -> discord.PartialMessageable:
        try:
            number = int(channel_id)
        except ValueError:
            raise unreachable(Unreachable.OTHER, f"'{channel_id}' does not name a Discord channel id") from None
        guild_id = int(workspace) if workspace.isdigit() else None
        return self._client.get_partial_messageable(number, guild_id=guild_id)

    def _channel(self, channel: ChannelRef) -> discord.PartialMessageable:
        if channel.platform != self.platform:
            raise unreachable(Unreachable.OTHER, f"{channel} is not a Discord channel")
        return self.messageable(channel.channel, channel.workspace)

    def is_dm(self, channel: ChannelRef) -> bool:
        return channel.workspace == "dm" or (channel.channel.isdigit() and int(channel.channel) in self.dm_workspaces)

    # ChatTransport ---------------------------------------------------------------------------

    def thread_style(self, channel: ChannelRef) -> ThreadStyle:
        """None in DMs and inside a thread (a thread cannot hold threads); a forum's posts are their
        threads; elsewhere one thread per paper message."""
        if self.is_dm(channel) or not channel.workspace.isdigit() or not channel.channel.isdigit():
            return ThreadStyle.NONE
        if self.forums.known(int(channel.channel)):
            return ThreadStyle.POST_IS_THREAD
        if isinstance(self._client.get_channel(int(channel.channel)), discord.Thread):
            return ThreadStyle.NONE
        return ThreadStyle.PER_MESSAGE

    async def _forum(self, channel: ChannelRef) -> discord.ForumChannel | None:
        """The forum ``channel`` is, or None (DMs and every other kind of channel)."""
        if self.is_dm(channel) or not channel.channel.isdigit() or not channel.workspace.isdigit():
            return None
        try:
            return await self.forums.forum(int(channel.channel))
        except Exception as exc:
            raise delivery_error(exc, f"reading what kind of channel {channel} is") from exc

    async def send(self, channel: ChannelRef, publication: Publication, *, tag: str | None = None) -> Sent:
        """One message per paper. ``tag`` adds nothing people see: :meth:`find_sent` knows a send by what
        it shows (see there), since Discord keeps no hidden field on a message."""
        target = self._channel(channel)
        await self._wait_ready()
        count = len(publication.as_digest().items)
        ids: list[str] = [""] * count
        forum = await self._forum(channel)
        if forum is not None:
            return await self._send_to_forum(forum, channel, publication, ids)

        async def one(_: int, message: OutMessage) -> discord.Message:
            return await target.send(**new_message(message.content, message.embeds), embeds=message.embeds,
                                     allowed_mentions=NO_MENTIONS, view=views_for(publication, message.items))

        return await send_messages(publication, one, f"posting a digest to {channel}")

    async def _send_to_forum(self, forum: discord.ForumChannel, channel: ChannelRef, publication: Publication,
                             ids: list[str]) -> Sent:
        """A post per paper (:mod:`adapters.discord.forum`), failures as for a text channel."""
        try:
            await self.forums.send(forum, publication, ids)
        except Exception as exc:
            error = delivery_error(exc, f"posting a digest to {channel}")
            first = next((i for i in ids if i), "")
            if first:
                raise PartiallySentError(error, first, tuple(ids)) from exc
            raise error from exc
        return Sent(next((i for i in ids if i), ""), tuple(ids[:len(publication.as_digest().items)]))

    async def post(self, channel: ChannelRef, reply: TextReply, *, thread_id: str | None = None,
                   reply_to: str | None = None, tag: str | None = None) -> list[str]:
        """Text in the channel or its thread, in as few messages as the bound allows: an opening (in a
        thread, answering no message) at most OPENING_MESSAGES, anything else TEXT_MESSAGES. ``tag``
        adds nothing people see (see :meth:`find_sent`)."""
        target = self.messageable(thread_id, channel.workspace) if thread_id else self._channel(channel)
        await self._wait_ready()
        forum = None if thread_id else await self._forum(channel)
        if forum is not None:  # a forum holds no messages: the text is a post of its own
            try:
                return await self.forums.post_text(forum, reply)
            except Exception as exc:
                raise delivery_error(exc, f"posting to {channel}") from exc
        bound = OPENING_MESSAGES if thread_id and not reply_to else TEXT_MESSAGES
        contents = text_pieces(reply, bound)
        ids = []
        try:
            for n, content in enumerate(contents):
                reference = (discord.MessageReference(message_id=int(reply_to), channel_id=target.id, fail_if_not_exists=False)
                             if reply_to and reply_to.isdigit() and n == 0 else None)
                kwargs: dict[str, Any] = {"reference": reference, "mention_author": False} if reference else {}
                sent = await target.send(**new_message(content), allowed_mentions=NO_MENTIONS, **kwargs)
                ids.append(str(sent.id))
        except Exception as exc:
            raise delivery_error(exc, f"posting to {channel}") from exc
        return ids

    async def send_file(self, channel: ChannelRef, filename: str, data: bytes, text: str) -> list[str]:
        """One message with the file attached (an image shows inline) and ``text`` as its content."""
        target = self._channel(channel)
        await self._wait_ready()
        try:
            sent = await target.send(**new_message(fit(text, MAX_CONTENT)), allowed_mentions=NO_MENTIONS,
                                     file=discord.File(io.BytesIO(data), filename=filename))
        except Exception as exc:
            raise delivery_error(exc, f"posting {filename} to {channel}") from exc
        return [str(sent.id)]

    async def open_thread(self, channel: ChannelRef, root_message_id: str, name: str) -> str:
        """A public thread from the paper's message (its id is the message's id); one a member started is reused."""
        parent = self._channel(channel)
        await self._wait_ready()
        if await self._forum(channel) is not None:
            return root_message_id  # a forum post is its own thread
        message = parent.get_partial_message(int(root_message_id))
        title = fit_plain(name, MAX_THREAD_NAME) or "Discussion"
        try:
            thread = await message.create_thread(name=title, auto_archive_duration=ARCHIVE_MINUTES)
        except discord.HTTPException as exc:
            if exc.code == THREAD_EXISTS:  # a member was first: a thread started from a message has its id
                return root_message_id
            raise delivery_error(exc, f"opening a thread in {channel}") from exc
        return str(thread.id)

    async def thread_url(self, channel: ChannelRef, thread_id: str) -> str | None:
        """A link to a thread (Discord's web/app URL); None for DMs."""
        if not channel.workspace.isdigit() or not thread_id.isdigit() or self.is_dm(channel):
            return None
        return f"https://discord.com/channels/{channel.workspace}/{thread_id}"

    # ChatPlatform ----------------------------------------------------------------------------

    async def open_dm(self, workspace: str, user_id: str) -> ChannelRef:
        """The member's DM channel (created once; discord.py caches it), in ``workspace``.

        Discord has one DM channel per user, whatever the guild, and its events carry no guild: a
        reaction there counts for the member in the guild its digest was for, found from the stored
        post (so it survives a restart); the guild is also remembered here, for a reaction that
        arrives before the digest's posts are recorded.
        """
        if not user_id.isdigit():
            raise unreachable(Unreachable.DMS_CLOSED, f"'{user_id}' is not a Discord user id")
        await self._wait_ready()
        try:
            dm = await self._client.create_dm(discord.Object(int(user_id)))
        except Exception as exc:
            raise delivery_error(exc, f"opening a DM with {user_id}") from exc
        self.dm_workspaces[dm.id] = workspace
        return ChannelRef(self.platform, workspace, str(dm.id))

    async def find_sent(self, channel: ChannelRef, tag: str, *, expected: Publication | TextReply | None = None,
                        since: datetime | None = None) -> Sent | None:
        """The earlier send of ``expected`` in the channel, or None: the bot's own messages (not
        interaction answers) from ``since`` on, oldest first, that show what ``expected`` renders to.

        Why by what it shows: Discord keeps nothing hidden on a message a bot could read back (a
        ``nonce`` is not stored: history never returns it, and ``enforce_nonce`` only dedupes for a
        few minutes), and any marker in the content or a footer is seen by everyone. What a scheduled
        send shows is fixed when it is planned: the headline, and each paper's ranked title and link
        (the "Discussion" field may change between a send and its resume, so it is not compared);
        an outbox row is one (channel, day, kind), so ``since`` (its due time) bounds the search, and
        reading forward from it finds the send however busy the channel was in the hours after.

        A digest cut short by a crash is still "sent": a missing paper message is mapped to the
        first message (as the Slack adapter maps a missing thread reply to the parent).
        """
        if expected is None:  # nothing to compare with: a send cannot be told from any other
            return None
        target = self._channel(channel)
        await self._wait_ready()
        forum = await self._forum(channel)
        if forum is not None:  # its posts, one by one (see adapters.discord.forum)
            try:
                return await self.forums.find_sent(forum, expected, since)
            except Exception as exc:
                raise delivery_error(exc, f"reading {channel}'s posts") from exc
        me = self._client.user.id if self._client.user else None
        try:
            if since is not None:
                after = discord.Object(discord.utils.time_snowflake(since - CLOCK_MARGIN))
                history = [m async for m in target.history(limit=HISTORY_AFTER, after=after, oldest_first=True)]
            else:
                history = [m async for m in target.history(limit=HISTORY_RECENT)][::-1]
        except Exception as exc:
            raise delivery_error(exc, f"reading {channel}'s history") from exc
        ours = [m for m in history if m.author.id == me and m.webhook_id is None and m.interaction_metadata is None]
        return _match(ours, expected)


CLOCK_MARGIN = timedelta(minutes=10)  # Discord's clock and ours may differ a little
HISTORY_AFTER = 200  # messages read forward from a send's due time
HISTORY_RECENT = 50  # without a due time: the channel's latest

Shown = tuple[str, tuple[tuple[str, str], ...]]  # a message's content and its embeds' (title, link)


def _shown(content: str | None, embeds: list[discord.Embed]) -> Shown:
    return (content or "").strip(), tuple(((e.title or "").strip(), e.url or "") for e in embeds)


def _match(history: list[discord.Message], expected: Publication | TextReply) -> Sent | None:
    """``expected``'s messages among ``history`` (oldest first), each after the one before it."""
    wanted: list[tuple[Shown, list[int]]]
    if isinstance(expected, TextReply):
        wanted = [(_shown(text_pieces(expected)[0], []), [])]
        count = 0
    else:
        wanted = [(_shown(m.content, m.embeds), m.items) for m in publication_messages(expected)]
        count = len(expected.as_digest().items)
    at = 0
    found: list[str | None] = []
    for shown, _ in wanted:
        hit = next((i for i in range(at, len(history)) if _shown(history[i].content, history[i].embeds) == shown), None)
        if not found and hit is None:
            return None
        found.append(str(history[hit].id) if hit is not None else None)
        at = hit + 1 if hit is not None else at
    root = found[0] or ""
    ids = [root] * count
    for message_id, (_, items) in zip(found, wanted, strict=True):
        for index in items:
            ids[index] = message_id or root
    return Sent(root, tuple(ids))
