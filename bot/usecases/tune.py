"""`/papers tune`: a cold start in chat, as feed readers ask for at sign-up — a few recent papers, each
unlike the others, for the channel (or one member) to rate.

The candidates are chosen here (``bot.taste.onboarding``: the last :data:`POOL_DAYS` days of papers,
near the topic phrases first if there are any) and handed back as a digest, so the core publishes
them like any on-demand digest (``bot.usecases.publishing``): posted, recorded as posts, threaded.
A 👍 or 👎 on them is then an ordinary reaction on a bot post (``bot.usecases.reactions``), which
the next digest's ranking reads. Nothing the channel (or the member) already saw or rated is offered
(``bot.scheduling.seen``): a second run, rated or not, brings other papers.
"""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from bot.calendar import describe_day
from bot.clock import Clock, utc_now
from bot.domain import ChannelRef, Digest, Paper, RankedPaper, Requester
from bot.errors import NotFoundError
from bot.ports import Store
from bot.scheduling.seen import member_seen_key, seen_by
from bot.taste.model import TOPIC, member_scope
from bot.taste.onboarding import Pick, diverse_picks
from bot.text import clean_text, shorten
from bot.usecases.taste import TasteUseCases

DEFAULT_COUNT = 7
MAX_COUNT = 10  # a handful: more is a chore, not a start
POOL_DAYS = 7  # the recent papers the candidates come from, up to the latest day with papers
MAX_POOL = 2000  # the newest papers of that window considered at most (embedding and choosing stay quick)
MAX_TOPICS = 5  # topic phrases the first picks are chosen near
MAX_TOPIC_SHOWN = 40  # characters of a topic phrase repeated in a candidate's line (it is typed text)

CHANNEL_NOTE = "React 👍 or 👎 on each — tomorrow's digest learns from them. /papers tune again offers others."
MEMBER_NOTE = ("React 👍 or 👎 on each — your own ranking (/papers today mine, your DM digest) learns from them. "
               "/papers tune mine again offers others.")


class TuneUseCases:
    def __init__(self, store: Store, taste: TasteUseCases, *, clock: Clock = utc_now) -> None:
        self._store = store
        self._taste = taste
        self._clock = clock

    async def candidates(self, channel: ChannelRef, *, count: int = DEFAULT_COUNT,
                         member: Requester | None = None) -> Digest:
        """``count`` recent papers, each from another part of the pool, none already posted to or rated
        in ``channel`` (with ``member``: nor rated or seeded by them anywhere in the workspace)."""
        count = max(1, min(count, MAX_COUNT))
        pool, latest = await self._pool()
        keys = [channel.key]
        if member is not None:
            keys.append(member_seen_key(channel.platform, channel.workspace, member.user_id))
        seen = await seen_by(self._store, [p.arxiv_id for p in pool], keys)
        met = set().union(*seen.values()) if seen else set()
        fresh = [p for p in pool if p.arxiv_id not in met]
        if not fresh:
            whose = "you have" if member is not None else "this channel has"
            raise NotFoundError(f"Nothing new to rate: {whose} seen or rated every paper of the week up to "
                                f"{describe_day(latest)}. New papers arrive with the next fetch.")
        scope = member_scope(channel.platform, channel.workspace, member.user_id) if member is not None else channel.key
        topics = [s.value for s in await self._store.signals(scope) if s.kind == TOPIC][:MAX_TOPICS]
        vectors = await self._taste.vectors(fresh)
        fresh = [p for p in fresh if p.arxiv_id in vectors]
        matrix = np.stack([vectors[p.arxiv_id] for p in fresh])
        topic_vectors = np.stack([await self._taste.embed_text(t) for t in topics]) if topics else None
        picks = diverse_picks(matrix, count, topics=topic_vectors)
        items = tuple(RankedPaper(fresh[p.index], 0.0, _why(p, topics, len(fresh))) for p in picks)
        whom = "your ranking" if member is not None else "this channel"
        return Digest(title=f"Tune {whom}: {len(items)} different papers of the week to rate", items=items,
                      note=MEMBER_NOTE if member is not None else CHANNEL_NOTE)

    async def _pool(self) -> tuple[list[Paper], date]:
        """The papers of the last ``POOL_DAYS`` days up to the latest day with papers, newest first."""
        latest = await self._store.latest_announced_day(on_or_before=self._clock().date())
        if latest is None:
            raise NotFoundError("No papers are stored yet. Fetch some first (`paperbot fetch`).")
        papers = await self._store.papers_announced_between(latest - timedelta(days=POOL_DAYS - 1), latest)
        papers.sort(key=lambda p: (p.announced_on or latest, p.arxiv_id), reverse=True)
        return papers[:MAX_POOL], latest


def _why(pick: Pick, topics: list[str], pool: int) -> str:
    """What a candidate stands for: a topic phrase, or the share of the week's papers most like it."""
    if pick.topic is not None:
        return f"near your topic “{shorten(clean_text(topics[pick.topic]), MAX_TOPIC_SHOWN)}”"
    return f"like {pick.covers} of the week's {pool} unseen papers"
