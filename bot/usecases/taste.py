"""Taste use cases: embeddings, channel and member profiles, personal digests, prefs, forget, search.

The profile of a channel is what its members taught it (reactions in that channel, plus its seed
papers, topics and followed authors); a member's profile is their reactions in every channel of
the workspace plus their own seeds. Reactions are read from the store each time, so removing a
reaction removes its signal.

The embedding model loads for seconds after start-up (``paperbot run`` warms it in the background).
A command runs its use cases inside ``answering_now()``: if it needs a text embedded before the
model is ready, it gets ``ModelWarmingUpError`` (an immediate "warming up" answer) instead of
waiting; outside it — scheduled digests, backfill — the same call waits for the model.
"""
from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields, replace
from datetime import date
from itertools import chain
from typing import Any

import numpy as np

from bot.clock import Clock, utc_now
from bot.domain import ChannelRef, Paper, RankedPaper, Reaction, Requester
from bot.errors import ModelWarmingUpError
from bot.ports import Embedder, Store
from bot.scheduling.personal_ports import dm_settings_channel
from bot.taste.embedder import paper_text
from bot.taste.model import AUTHOR, LIKE, TOPIC, StoredSignal, member_scope
from bot.taste.ranking import Profile, Signal, TasteSettings, rank_personal
from bot.taste.signals import DEFAULT_ACTIVITY_WEIGHT, DEFAULT_EMOJI, EmojiTable, activity_signals

_log = logging.getLogger(__name__)

_ANSWERING_NOW: ContextVar[bool] = ContextVar("answering_now", default=False)


@contextmanager
def answering_now() -> Iterator[None]:
    """A command's scope: inside, embedding while the model is not ready raises ModelWarmingUpError
    (answered at once) instead of waiting for it."""
    token = _ANSWERING_NOW.set(True)
    try:
        yield
    finally:
        _ANSWERING_NOW.reset(token)


async def warm_model(taste: TasteUseCases | None) -> None:
    """``paperbot run``'s background warm-up: load the model, log how long it took or why it failed
    (then the first command that embeds tries again, and waits)."""
    if taste is None:
        return
    started = time.perf_counter()
    try:
        await taste.warm()
    except Exception as exc:  # noqa: BLE001 - a failed warm-up must not stop the bot
        _log.error("the embedding model did not load (%s: %s); taste ranking will try again when first needed",
                   type(exc).__name__, exc)
        return
    _log.info("embedding model %s warm after %.1f s", taste.model, time.perf_counter() - started)


Known = dict[str, tuple[np.ndarray, str]]  # a rated paper's vector and title, by arxiv id


def _known(papers: dict[str, Paper], vectors: dict[str, np.ndarray]) -> Known:
    """The papers that can be a signal (a stored paper and vector), each looked up once."""
    return {a: (v, papers[a].title) for a, v in vectors.items() if a in papers}


def _rated_signals(weighted: Iterable[tuple[str, float, Any]], known: Known) -> list[Signal]:
    """The signals of rated papers, (paper, signed weight, when), that are ``known``."""
    signals: list[Signal] = []
    for arxiv_id, w, at in weighted:
        if (found := known.get(arxiv_id)) is not None:
            signals.append(Signal(found[0], w, "reaction", found[1], at, arxiv_id))
    return signals


TEXT_CACHE_SIZE = 4096  # query and topic vectors kept (≈ 6 MB at 384 floats): beyond, the least recently used go


@dataclass(frozen=True)
class Prefs:
    likes: int
    dislikes: int
    topics: tuple[str, ...]
    authors: tuple[str, ...]
    seeds: tuple[str, ...]
    top_liked: tuple[str, ...]


class TasteUseCases:
    def __init__(self, store: Store, embedder: Embedder, *, clock: Clock = utc_now, emoji: EmojiTable = DEFAULT_EMOJI,
                 default_trending: float = 0.3, half_life_days: float = 30.0,
                 activity_weight: float = DEFAULT_ACTIVITY_WEIGHT) -> None:
        self._store = store
        self._embedder = embedder
        self._clock = clock
        self._emoji = emoji
        self._default_trending = default_trending
        self._half_life = half_life_days
        self._activity_weight = activity_weight
        self._warming = False  # warm() is loading the model: commands answer "warming up" meanwhile
        # the vectors of search queries and topic phrases, most recently used last (bounded: LRU)
        self._text_cache: OrderedDict[str, np.ndarray] = OrderedDict()

    @property
    def model(self) -> str:
        return self._embedder.model_name

    # the model's warm-up -------------------------------------------------------------------

    @property
    def model_ready(self) -> bool:
        """The embedding model is loaded (``Embedder.ready``): nothing that embeds will wait for it."""
        return self._embedder.ready

    @property
    def warming_up(self) -> bool:
        """``warm()`` is loading the model right now (not merely "not loaded yet": without a warm-up, or
        after a failed one, the first embedding loads it and waits, as it always did)."""
        return self._warming and not self._embedder.ready

    async def warm(self) -> None:
        """Load the embedding model now; while it loads, commands answer "warming up" (``answering_now``)."""
        self._warming = True
        try:
            await self._embedder.warm()
        finally:
            self._warming = False

    def require_model(self) -> None:
        """For a command that will embed for sure, through another service: refuse now while warming up."""
        if self.warming_up:
            raise ModelWarmingUpError()

    async def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if _ANSWERING_NOW.get():
            self.require_model()
        return await self._embedder.encode(texts)

    # embeddings ----------------------------------------------------------------------------

    async def vectors(self, papers: Sequence[Paper]) -> dict[str, np.ndarray]:
        """Stored vectors of ``papers`` under the current model; missing ones are embedded and stored once."""
        found = await self._store.embeddings(self.model, [p.arxiv_id for p in papers])
        missing = [p for p in papers if p.arxiv_id not in found]
        if missing:
            vectors = await self._encode([paper_text(p) for p in missing])
            new = {p.arxiv_id: np.asarray(v, dtype=np.float32) for p, v in zip(missing, vectors)}
            await self._store.save_embeddings(self.model, new)
            found.update(new)
        return found

    async def embed_text(self, text: str) -> np.ndarray:
        vector = self._text_cache.get(text)
        if vector is None:
            vector = np.asarray((await self._encode([text]))[0], dtype=np.float32)
            self._text_cache[text] = vector
            while len(self._text_cache) > TEXT_CACHE_SIZE:
                self._text_cache.popitem(last=False)
        else:
            self._text_cache.move_to_end(text)
        return vector

    # profiles ------------------------------------------------------------------------------

    def _weighted(self, reactions: Sequence[Reaction], activity: Sequence[Any]) -> list[tuple[str, float, Any]]:
        """(paper, signed weight, when) of the reactions the emoji table counts, and of thread activity."""
        weighted = [(r.arxiv_id, self._emoji.weight(r.emoji), r.created_at) for r in reactions]
        weighted = [(a, w, at) for a, w, at in weighted if w]
        # thread replies and questions count like a reaction of `activity_weight` (bot.taste.signals)
        return weighted + activity_signals(activity, self._activity_weight)

    async def _profile(self, reactions: Sequence[Reaction], explicit: Sequence[StoredSignal],
                       activity: Sequence[Any] = ()) -> Profile:
        weighted = self._weighted(reactions, activity)
        ids = {a for a, _, _ in weighted} | {s.value for s in explicit if s.kind == LIKE}
        papers = await self._store.get_papers(ids)
        return await self._assemble(weighted, explicit, _known(papers, await self.vectors(list(papers.values()))))

    async def _assemble(self, weighted: Iterable[tuple[str, float, Any]], explicit: Sequence[StoredSignal],
                        known: Known) -> Profile:
        """The profile from loaded parts: rated papers (``known`` ones) and explicit signals."""
        signals = _rated_signals(weighted, known)
        for s in explicit:
            if s.kind == LIKE:
                if (found := known.get(s.value)) is not None:
                    signals.append(Signal(found[0], s.weight, "like", found[1], s.created_at, s.value))
            elif s.kind == TOPIC:
                signals.append(Signal(await self.embed_text(s.value), s.weight, "topic", s.value, None))
            elif s.kind == AUTHOR:
                signals.append(Signal(await self.embed_text(s.value), s.weight, "author", s.value, None))
        return Profile(signals)

    async def channel_profiles(self, channels: Sequence[ChannelRef]) -> dict[str, Profile]:
        """``channel_profile`` of many channels, by key, in a few queries per chunk of channels — the
        scheduler's planning pass loads thousands; one at a time it took ~12 ms a channel on SQLite
        (``benchmarks/bench_plan.py --stored-profiles``)."""
        rated = await self._store.rated_for_channels(channels)
        explicit = await self._store.signals_for([c.key for c in channels])
        activity = await self._store.thread_activity_for_channels(channels)
        weights: dict[str, float] = {}  # each emoji weighed once per call (a pass has tens of thousands of the same few)
        ids: set[str] = set()
        for rows in rated.values():
            for arxiv_id, emoji, _ in rows:
                w = weights.get(emoji)
                if w is None:
                    w = weights[emoji] = self._emoji.weight(emoji)
                if w:
                    ids.add(arxiv_id)
        thread = {key: activity_signals(found, self._activity_weight) for key, found in activity.items() if found}
        ids |= {a for rows in thread.values() for a, _, _ in rows}
        ids |= {s.value for rows in explicit.values() for s in rows if s.kind == LIKE}
        papers = await self._store.get_papers(ids)
        known = _known(papers, await self.vectors(list(papers.values())))  # once a call, not once per reaction
        out: dict[str, Profile] = {}
        for c in channels:
            # _weighted's (paper, weight, when), made as they are used: the reactions, then thread activity
            weighted = chain(((a, weights[e], at) for a, e, at in rated.get(c.key, ()) if weights[e]), thread.get(c.key, ()))
            stored = explicit.get(c.key)
            # without explicit signals (most channels) _assemble is _rated_signals: no coroutine per channel
            out[c.key] = await self._assemble(weighted, stored, known) if stored else Profile(_rated_signals(weighted, known))
        return out

    async def settings_for(self, channels: Sequence[ChannelRef]) -> dict[str, TasteSettings]:
        """``settings`` of many channels, by key, in one query per chunk."""
        stored = await self._store.channel_settings_for(channels)
        default = self._settings_from({})  # frozen: one instance serves every channel that changed nothing
        return {c.key: self._settings_from(found) if (found := stored.get(c.key)) else default for c in channels}

    async def channel_profile(self, channel: ChannelRef) -> Profile:
        return (await self.channel_profiles([channel]))[channel.key]

    async def member_profile(self, requester: Requester) -> Profile:
        ch = requester.channel
        reactions = await self._store.reactions_by_member(ch.platform, ch.workspace, requester.user_id)
        activity = await self._store.thread_activity_by_member(ch.platform, ch.workspace, requester.user_id)
        return await self._profile(reactions, await self._store.signals(member_scope(ch.platform, ch.workspace, requester.user_id)), activity)

    # settings ------------------------------------------------------------------------------

    async def settings(self, channel: ChannelRef) -> TasteSettings:
        return self._settings_from(await self._store.get_channel_settings(channel))

    def _settings_from(self, stored: dict[str, Any]) -> TasteSettings:
        base = TasteSettings(trending=self._default_trending, half_life_days=self._half_life)
        known = {f.name for f in fields(TasteSettings)}
        values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in stored.items() if k in known}
        return replace(base, **values)

    async def update_settings(self, channel: ChannelRef, **changes: Any) -> TasteSettings:
        """Change the given settings (read, merge and write in one transaction); no changes: show them."""
        if not changes:
            return await self.settings(channel)
        async with self._store.transaction() as tx:
            stored = await tx.get_channel_settings(channel)
            stored.update({k: list(v) if isinstance(v, tuple) else v for k, v in changes.items()})
            await tx.save_channel_settings(channel, stored)
        return self._settings_from(stored)

    async def update_dm_settings(self, requester: Requester, **changes: Any) -> TasteSettings:
        """A member's own DM digest settings: theirs to change, no channel manager needed."""
        ch = requester.channel
        return await self.update_settings(dm_settings_channel(ch.platform, ch.workspace, requester.user_id), **changes)

    # ranking -------------------------------------------------------------------------------

    async def rank(self, papers: Sequence[Paper], day: date, count: int, *, channel: ChannelRef,
                   member: Requester | None = None) -> list[RankedPaper]:
        """The digest ranking: the channel's (or the member's) profile through ``rank_personal``."""
        settings = await self.settings(channel)
        profile = await (self.member_profile(member) if member is not None else self.channel_profile(channel))
        vectors = await self.vectors(papers) if not profile.empty else {}
        return rank_personal(papers, vectors, profile, day, count=count, settings=settings, now=self._clock())

    # explicit signals ----------------------------------------------------------------------

    async def add_signal(self, scope: str, kind: str, value: str, by: str | None, weight: float = 1.0) -> bool:
        return await self._store.add_signal(StoredSignal(scope, kind, value, weight, by, self._clock()))

    async def _seed(self, requester: Requester, kind: str, value: str) -> None:
        """One explicit signal for the channel and for the member, in one transaction."""
        ch, now = requester.channel, self._clock()
        async with self._store.transaction() as tx:
            for scope in (ch.key, member_scope(ch.platform, ch.workspace, requester.user_id)):
                await tx.add_signal(StoredSignal(scope, kind, value, 1.0, requester.user_id, now))

    async def like(self, requester: Requester, paper: Paper) -> None:
        """A seed paper: embedded first (outside the transaction: it may take a while), then the signals."""
        await self.vectors([paper])
        await self._seed(requester, LIKE, paper.arxiv_id)

    async def follow(self, requester: Requester, author: str) -> None:
        await self._seed(requester, AUTHOR, author)

    async def prefs(self, scope_channel: ChannelRef | None, member: Requester | None) -> Prefs:
        if member is not None:
            ch = member.channel
            reactions = await self._store.reactions_by_member(ch.platform, ch.workspace, member.user_id)
            explicit = await self._store.signals(member_scope(ch.platform, ch.workspace, member.user_id))
        else:
            assert scope_channel is not None
            reactions = await self._store.reactions_for_channel(scope_channel)
            explicit = await self._store.signals(scope_channel.key)
        weights = [(r, self._emoji.weight(r.emoji)) for r in reactions]
        liked_ids = [r.arxiv_id for r, w in weights if w > 0]
        titles = []
        for arxiv_id in list(dict.fromkeys(reversed(liked_ids)))[:3]:
            paper = await self._store.get_paper(arxiv_id)
            if paper:
                titles.append(paper.title)
        return Prefs(
            likes=sum(1 for _, w in weights if w > 0), dislikes=sum(1 for _, w in weights if w < 0),
            topics=tuple(s.value for s in explicit if s.kind == TOPIC),
            authors=tuple(s.value for s in explicit if s.kind == AUTHOR),
            seeds=tuple(s.value for s in explicit if s.kind == LIKE), top_liked=tuple(titles),
        )

    async def forget_member(self, requester: Requester) -> int:
        """Your reactions, seeds, thread activity and your DM digest's settings, in this workspace (at once)."""
        ch = requester.channel
        async with self._store.transaction() as tx:
            erased = await tx.forget_member(ch.platform, ch.workspace, requester.user_id)
            return erased + await tx.forget_channel(dm_settings_channel(ch.platform, ch.workspace, requester.user_id))

    async def forget_channel(self, channel: ChannelRef) -> int:
        return await self._store.forget_channel(channel)

    # semantic search -----------------------------------------------------------------------

    async def _nearest(self, query: np.ndarray, count: int, exclude: str | None = None) -> list[tuple[str, float]]:
        stored = await self._store.embeddings(self.model)
        ids = [i for i in stored if i != exclude]
        if not ids:
            return []
        sims = np.stack([stored[i] for i in ids]) @ query
        return [(ids[i], float(sims[i])) for i in np.argsort(-sims)[:count]]

    async def similar(self, paper: Paper, count: int = 5) -> list[RankedPaper]:
        vector = (await self.vectors([paper]))[paper.arxiv_id]
        return await self._hydrate(await self._nearest(vector, count, exclude=paper.arxiv_id), f"similar to {paper.arxiv_id}")

    async def search(self, query: str, count: int = 5) -> list[RankedPaper]:
        return await self._hydrate(await self._nearest(await self.embed_text(query), count), f"matches '{query}'")

    async def _hydrate(self, hits: list[tuple[str, float]], why: str) -> list[RankedPaper]:
        out = []
        for arxiv_id, sim in hits:
            paper = await self._store.get_paper(arxiv_id)
            if paper is not None:
                out.append(RankedPaper(paper, sim, f"{why} (cosine {sim:.2f})"))
        return out

    async def backfill(self, batch: int = 256, progress: Any = None) -> int:
        """Embed every stored paper that has no vector under the current model; drop other models' vectors."""
        await self._store.delete_embeddings_except(self.model)
        missing = await self._store.papers_without_embedding(self.model)
        done = 0
        for start in range(0, len(missing), batch):
            chunk = missing[start : start + batch]
            vectors = await self._embedder.encode([paper_text(p) for p in chunk])
            await self._store.save_embeddings(self.model, {p.arxiv_id: np.asarray(v, dtype=np.float32) for p, v in zip(chunk, vectors)})
            done += len(chunk)
            if progress is not None:
                progress(len(chunk))
        return done
