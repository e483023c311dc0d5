"""`/papers stats`: what a channel has been reading and reacting to, week by week, as a chart.

The numbers are the core's (posts and reactions from the store, counted here); the drawing is a
:class:`bot.ports.ChartRenderer` handed in by the composition root (matplotlib lives outside the
core). The chart is a :class:`FileReply` the core posts through the transport like any publication.
"""
from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from bot.clock import Clock, utc_now
from bot.domain import ChannelRef
from bot.emoji import normalise_emoji
from bot.plural import counted
from bot.ports import ChartRenderer, Store
from bot.replies import FileReply, TextReply
from bot.stats import DEFAULT_WEEKS, ChannelStats, ChartUnavailableError, WeekStats

TOP_TOPICS = 8
UP, DOWN = normalise_emoji("👍"), normalise_emoji("👎")
INSTALL_HINT = "Charts need matplotlib, which is not installed here: pip install -e '.[stats]' in the paperbot checkout (then restart paperbot)."


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


class StatsUseCases:
    def __init__(self, store: Store, renderer: ChartRenderer | None, *, clock: Clock = utc_now) -> None:
        self._store = store
        self._renderer = renderer
        self._clock = clock

    async def stats(self, channel: ChannelRef, weeks: int = DEFAULT_WEEKS) -> ChannelStats:
        """The last ``weeks`` weeks (this one included, Monday to Sunday, UTC): papers posted, 👍 and 👎
        given, and the topics posted most (a paper's keywords, else its arXiv categories)."""
        first = week_start(self._clock().astimezone(UTC).date()) - timedelta(weeks=weeks - 1)
        since = datetime.combine(first, time(0), UTC)
        posts = await self._store.posts_since(channel, since)
        reactions = await self._store.reactions_since(channel, since)
        posted: Counter[date] = Counter()
        for post in posts:
            if post.posted_at is not None:
                posted[week_start(post.posted_at.astimezone(UTC).date())] += 1
        up: Counter[date] = Counter()
        down: Counter[date] = Counter()
        for reaction in reactions:
            if reaction.created_at is None:
                continue
            emoji = normalise_emoji(reaction.emoji)
            week = week_start(reaction.created_at.astimezone(UTC).date())
            if emoji == UP:
                up[week] += 1
            elif emoji == DOWN:
                down[week] += 1
        papers = await self._store.get_papers({p.arxiv_id for p in posts})
        topics: Counter[str] = Counter()
        for paper in papers.values():
            topics.update({t.strip().lower() for t in (paper.ai_keywords or paper.categories) if t.strip()})
        days = [first + timedelta(weeks=n) for n in range(weeks)]
        return ChannelStats(
            channel_name=channel.channel,
            weeks=tuple(WeekStats(d, posted[d], up[d], down[d]) for d in days),
            topics=tuple(sorted(topics.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_TOPICS]),
        )

    async def chart(self, channel: ChannelRef, weeks: int = DEFAULT_WEEKS) -> FileReply | TextReply:
        """The chart to post, or words when there is nothing to draw or nothing to draw with."""
        if self._renderer is None:
            return TextReply(INSTALL_HINT, ephemeral=True)
        stats = await self.stats(channel, weeks)
        if stats.empty:
            return TextReply(f"Nothing was posted or reacted to here in the last {counted(weeks, 'week')}: no chart yet.",
                             ephemeral=True)
        try:
            png = await asyncio.to_thread(self._renderer.render, stats)  # a second on the first import
        except ChartUnavailableError as exc:
            return TextReply(str(exc), ephemeral=True)
        total = sum(w.posted for w in stats.weeks)
        ups, downs = sum(w.up for w in stats.weeks), sum(w.down for w in stats.weeks)
        return FileReply(f"paperbot-stats-{stats.weeks[0].week_start.isoformat()}.png", png,
                         f"The last {counted(weeks, 'week')} here: {counted(total, 'paper')} posted, {ups} 👍, {downs} 👎.")
