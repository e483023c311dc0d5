"""Reactions on the bot's posts become stored signals; removing one removes it.

A reaction on a message the bot did not post is ignored. The whole event — "seen this event id?",
"which papers does that message carry?", store or remove — is one unit of work: if the write
fails, the event id is not remembered either, so the platform's retry is applied instead of
being dropped as a duplicate. A retry of an event that was applied is dropped, and the store is
idempotent too, so a duplicate never counts twice.

:meth:`ReactionUseCases.toggle` is the same signal from a button (👍, 👎, Save = 🔖): the member's
row is added when absent and removed when present, in one unit of work keyed by the click's id, so a
retried click is applied once and a second click undoes the first.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import Enum

from bot.clock import Clock, utc_now
from bot.domain import ChannelRef, Post, Reaction, ReactionEvent
from bot.emoji import normalise_emoji
from bot.metrics import metrics
from bot.ports import PostStore, Store
from bot.taste.signals import DEFAULT_EMOJI, EmojiTable

_log = logging.getLogger(__name__)


class ReactionMeaning(str, Enum):
    """What a reaction teaches the channel's ranking (``[taste] positive`` / ``negative``): a neutral
    one is stored but changes nothing people see, and is answered so where the platform answers."""

    POSITIVE = "positive"
    NEGATIVE = "negative"
    NEUTRAL = "neutral"


class ReactionOutcome(str, Enum):
    STORED = "stored"
    REMOVED = "removed"
    DUPLICATE = "duplicate"
    NOT_OUR_POST = "not_our_post"
    NOTHING_TO_REMOVE = "nothing_to_remove"
    NOT_AN_EMOJI = "not_an_emoji"  # longer than any emoji or custom emoji name: nothing is stored


MAX_EMOJI = 64  # characters: a Unicode emoji sequence, or a platform's custom emoji name (Slack ≤ 100 bytes)
MAX_ID = 255  # the store's bound for platform ids: a longer message or user id is not one of ours


@dataclass(frozen=True)
class ReactionResult:
    outcome: ReactionOutcome
    posts: tuple[Post, ...] = ()
    emoji: str = ""
    meaning: ReactionMeaning = ReactionMeaning.NEUTRAL


class ReactionUseCases:
    def __init__(self, store: Store, *, clock: Clock = utc_now, emoji: EmojiTable = DEFAULT_EMOJI) -> None:
        self._store = store
        self._clock = clock
        self.emoji = emoji  # which reactions are signals (``[taste]``), for saying what one meant

    def meaning(self, emoji: str) -> ReactionMeaning:
        weight = self.emoji.weight(emoji)
        return ReactionMeaning.POSITIVE if weight > 0 else ReactionMeaning.NEGATIVE if weight < 0 else ReactionMeaning.NEUTRAL

    async def record(self, event: ReactionEvent) -> ReactionResult:
        emoji, refused = _checked(event)
        if refused is not None:
            return refused
        at = event.at or self._clock()
        async with self._store.transaction() as tx:
            if event.event_id and await tx.seen_event(event.event_id, at):
                _log.debug("duplicate reaction event %s dropped", event.event_id)
                return ReactionResult(ReactionOutcome.DUPLICATE, emoji=emoji)
            posts = await posts_of_message(tx, event.channel, event.message_id, event.belongs_to)
            if not posts:
                return ReactionResult(ReactionOutcome.NOT_OUR_POST, emoji=emoji)
            counts_in = posts[0].channel
            if not event.added:
                removed = await tx.remove_reaction(counts_in, event.message_id, event.user_id, emoji)
                outcome = ReactionOutcome.REMOVED if removed else ReactionOutcome.NOTHING_TO_REMOVE
                return ReactionResult(outcome, tuple(posts), emoji)
            stored = False
            for post in posts:
                reaction = Reaction(counts_in, event.message_id, post.arxiv_id, event.user_id, emoji, at)
                stored = await tx.add_reaction(reaction) or stored
        if stored:
            metrics().reaction_recorded(event.channel.platform)
        return ReactionResult(ReactionOutcome.STORED if stored else ReactionOutcome.DUPLICATE, tuple(posts), emoji,
                              self.meaning(emoji))

    async def toggle(self, event: ReactionEvent, *, arxiv_id: str | None = None) -> ReactionResult:
        """A button click: the member's ``event.emoji`` on that post, added if absent, removed if present
        (``event.added`` is ignored). The same row a reaction stores, so the taste reads it alike.
        ``arxiv_id`` narrows a message that carries several papers to the one the button was for."""
        emoji, refused = _checked(event)
        if refused is not None:
            return refused
        at = event.at or self._clock()
        async with self._store.transaction() as tx:
            if event.event_id and await tx.seen_event(event.event_id, at):
                return ReactionResult(ReactionOutcome.DUPLICATE, emoji=emoji)
            posts = await posts_of_message(tx, event.channel, event.message_id, event.belongs_to)
            if arxiv_id is not None:
                posts = [p for p in posts if p.arxiv_id == arxiv_id] or posts
            if not posts:
                return ReactionResult(ReactionOutcome.NOT_OUR_POST, emoji=emoji)
            counts_in = posts[0].channel
            papers = {p.arxiv_id for p in posts}
            mine = [r for r in await tx.reactions_for_message(counts_in, event.message_id)
                    if r.user_id == event.user_id and r.emoji == emoji and r.arxiv_id in papers]
            if mine:
                await tx.remove_reaction(counts_in, event.message_id, event.user_id, emoji)
                return ReactionResult(ReactionOutcome.REMOVED, tuple(posts), emoji, self.meaning(emoji))
            for post in posts:
                await tx.add_reaction(Reaction(counts_in, event.message_id, post.arxiv_id, event.user_id, emoji, at))
        metrics().reaction_recorded(event.channel.platform)
        return ReactionResult(ReactionOutcome.STORED, tuple(posts), emoji, self.meaning(emoji))


async def posts_of_message(store: PostStore, channel: ChannelRef, message_id: str,
                           belongs_to: ChannelRef | None = None) -> list[Post]:
    """The papers a message carries: recorded where the message is, else under the channel that place
    belongs to (a Discord forum: what a command in one of its posts publishes is the forum's, and its
    scheduled posts' starter messages are recorded there too). A reaction then counts where they are."""
    posts = await store.posts_for_message(channel, message_id)
    if not posts and belongs_to is not None and belongs_to != channel:
        posts = await store.posts_for_message(belongs_to, message_id)
    return posts


def _checked(event: ReactionEvent) -> tuple[str, ReactionResult | None]:
    """The event's emoji, normalised, and the answer when the event is not one to store: not an emoji,
    or ids longer than any platform's (a forged event)."""
    emoji = normalise_emoji(event.emoji)
    if not emoji or len(emoji) > MAX_EMOJI:
        return emoji, ReactionResult(ReactionOutcome.NOT_AN_EMOJI, emoji=emoji[:MAX_EMOJI])
    if len(event.message_id) > MAX_ID or len(event.user_id) > MAX_ID or len(event.event_id or "") > MAX_ID:
        return emoji, ReactionResult(ReactionOutcome.NOT_OUR_POST, emoji=emoji)
    return emoji, None
