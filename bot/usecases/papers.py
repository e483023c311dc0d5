"""One paper by id or URL: from the store, else from the sources that can resolve ids."""
from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from bot.arxiv_ids import ArxivId
from bot.domain import Paper
from bot.errors import NotFoundError, SourceError
from bot.ports import PaperResolver, Store

_log = logging.getLogger(__name__)


def version_note(asked: ArxivId, paper: Paper, doing: str = "showing") -> str | None:
    """What to tell someone who named a version the store does not hold (None: the one shown, or
    none named). The store keeps one record per paper, its newest version, so ``v99`` (or ``v1`` of a
    paper stored at v2) is answered with what is stored — and the reply says so (``doing``: "showing",
    "answering from")."""
    if asked.version is None or asked.version == paper.version:
        return None
    if paper.version is None:
        return f"v{asked.version} was asked for; {doing} the version stored (its number is not recorded)."
    if asked.version > paper.version:
        return f"v{asked.version} is not known; {doing} v{paper.version}, the latest stored."
    return (f"{doing} v{paper.version}, the latest stored; v{asked.version} is at "
            f"https://arxiv.org/abs/{paper.arxiv_id}v{asked.version}")


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
