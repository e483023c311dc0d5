"""A member's saved papers for :class:`storage.store.SqlStore` (a mixin): their 🔖 reactions, with the papers.

A saved paper is not a table of its own: it is the member's 🔖 reaction on a post (``bot.usecases.saved``).
The same paper saved on two posts (two channels, or a digest and a `/papers paper`) is one saved
paper, dated by its newest 🔖. The grouping, the order and the page are done by the database.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, func, select

from bot.domain import Paper
from storage.mapping import to_paper
from storage.models import PaperRow, ReactionRow
from storage.sessions import SessionScope


def _reacted(platform: str, workspace: str, user_id: str, emoji: str) -> Select[str, datetime]:
    """(paper, newest time) of one member's ``emoji`` in every channel of one workspace."""
    prefix = f"{platform}:{workspace}:"
    return (
        select(ReactionRow.arxiv_id, func.max(ReactionRow.created_at).label("at"))
        .where(ReactionRow.user_id == user_id, ReactionRow.emoji == emoji,
               ReactionRow.channel_key.startswith(prefix, autoescape=True))
        .group_by(ReactionRow.arxiv_id)
    )


class SavedStoreMixin(SessionScope):

    async def papers_reacted_by(self, platform: str, workspace: str, user_id: str, emoji: str, *,
                                limit: int | None = None, offset: int = 0) -> list[tuple[Paper, datetime]]:
        """The papers a member put ``emoji`` on in one workspace, each once, newest reaction first."""
        reacted = _reacted(platform, workspace, user_id, emoji).subquery()
        query = (
            select(PaperRow, reacted.c.at)
            .join(reacted, reacted.c.arxiv_id == PaperRow.arxiv_id)
            .order_by(reacted.c.at.desc(), PaperRow.arxiv_id.desc())
            .offset(offset)
        )
        if limit is not None:
            query = query.limit(limit)
        async with self._begin() as session:
            rows = (await session.execute(query)).all()
        return [(to_paper(row), at) for row, at in rows]

    async def count_papers_reacted_by(self, platform: str, workspace: str, user_id: str, emoji: str) -> int:
        """How many papers :meth:`papers_reacted_by` lists in all."""
        reacted = _reacted(platform, workspace, user_id, emoji).subquery()
        async with self._begin() as session:
            return int(await session.scalar(select(func.count()).select_from(reacted)) or 0)
