"""One paper by id or URL: from the store, else from the sources that can resolve ids."""
from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from bot.arxiv_ids import ArxivId
from bot.domain import Paper
from bot.errors import NotFoundError, SourceError
from bot.ports import PaperResolver, Store

_log = logging.getLogger(__name__)


class PaperLookup:
    def __init__(self, store: Store, resolvers: Sequence[PaperResolver] = ()) -> None:
        self._store = store
        self._resolvers = list(resolvers)

    async def stored(self, arxiv_ids: Iterable[str]) -> dict[str, Paper]:
        """The stored papers of these ids, by id (none looked up elsewhere): how an adapter names posts."""
        return await self._store.get_papers(arxiv_ids)

    async def get(self, paper_id: ArxivId) -> Paper:
        """The stored paper, or one fetched (and stored) from the first resolver that knows it."""
        paper = await self._store.get_paper(paper_id.id)
        if paper is not None:
            return paper
        failures: list[str] = []
        for resolver in self._resolvers:
            try:
                found = await resolver.resolve(paper_id.id)
            except SourceError as exc:
                _log.warning("lookup of %s at %s failed: %s", paper_id.id, resolver.name, exc)
                failures.append(resolver.name)
                continue
            if found is not None:
                await self._store.upsert_papers([found])
                return await self._store.get_paper(paper_id.id) or found
        where = "the store" + (f" or at {', '.join(r.name for r in self._resolvers)}" if self._resolvers else "")
        hint = f" ({', '.join(failures)} could not be reached)" if failures else ""
        raise NotFoundError(f"Paper {paper_id.id} was not found in {where}{hint}.")
