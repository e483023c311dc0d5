"""Answer engines for the discussion tests where the model is not the point."""
from __future__ import annotations

from bot.discussion.answer import Answer, Passage
from bot.domain import Paper


class RecordingEngine:
    """Stands in for ``DiscussionEngine``: says which paper it was asked about."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []

    def summary(self, paper: Paper, max_sentences: int = 2) -> str:
        return f"summary of {paper.arxiv_id}"

    async def answer(self, paper: Paper, question: str) -> Answer:
        self.asked.append((paper.arxiv_id, question))
        cited = Passage("abstract", "We introduce something.", 0)
        return Answer(f"The paper says:\n“{cited.text}” (abstract)", (cited,), "extractive", True, note="abstract only")
