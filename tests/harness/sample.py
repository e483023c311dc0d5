"""The bundled sample (``bot/data/sample``, a few real days of HF daily papers) as the tests use it.

``NOW`` is a Sunday just after the sample's last day, so "today" is the sample's latest day.
"""
from __future__ import annotations

from datetime import UTC, datetime

from bot.domain import ChannelRef, Paper
from bot.sources.sample import SampleSource
from bot.usecases.ingest import store_papers
from paperbot.compose import bundled_sample

NOW = datetime(2025, 11, 9, 12, 0, tzinfo=UTC)
CHANNEL = ChannelRef("slack", "T1", "C1")
OTHER_CHANNEL = ChannelRef("slack", "T1", "C2")

# papers of the sample's Fri 7 Nov 2025
VIDEO = "2511.04570"  # Thinking with Video
VTHINK = "2511.04460"  # V-Thinker
AGENT = "2511.03773"  # Scaling Agent Learning (DreamGym)


def sample_papers() -> list[Paper]:
    return SampleSource(bundled_sample()).all_papers()


async def load_sample(store: object) -> None:
    """Store every paper of the bundled sample."""
    await store_papers(store, sample_papers())
