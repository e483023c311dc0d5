"""What a click on a posted paper's controls means, decided once for every surface.

Each posted paper carries four controls beside its reactions: 👍, 👎, Save and More like this.
A click on 👍 / 👎 / Save is the member's own reaction (👍, 👎, 🔖: a saved paper *is* the member's
🔖 on its post) through :meth:`ReactionUseCases.toggle`: the same row a reaction stores, so the
taste reads it alike; the click's id makes a retried click count once, and clicking again undoes
it. More like this changes nothing: it answers the clicker, privately, with the stored papers most
like that one (``TasteUseCases.similar``). Adapters render the controls, acknowledge the platform in
time and show :class:`ClickAnswer` only to the clicker.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from bot.domain import ChannelRef, Digest, ReactionEvent
from bot.plural import counted
from bot.ports import Store
from bot.text import shorten
from bot.usecases.reactions import ReactionOutcome, ReactionUseCases, posts_of_message
from bot.usecases.taste import TasteUseCases

_log = logging.getLogger(__name__)

SAVE_EMOJI = "🔖"
SIMILAR_COUNT = 5
MAX_CONTROL_VALUE = 100  # characters of a paper id a control carries (arXiv ids are ~10–20)


class Control(str, Enum):
    """The four controls; the value is what a button carries (``up:2511.01234``)."""

    UP = "up"
    DOWN = "down"
    SAVE = "save"
    SIMILAR = "similar"


EMOJI: dict[Control, str] = {Control.UP: "👍", Control.DOWN: "👎", Control.SAVE: SAVE_EMOJI}
CONTROLS: tuple[Control, ...] = (Control.UP, Control.DOWN, Control.SAVE, Control.SIMILAR)


def control_value(control: Control, arxiv_id: str) -> str:
    """What one control carries: its name and the paper, bounded (platform limits are larger)."""
    return f"{control.value}:{arxiv_id[:MAX_CONTROL_VALUE]}"


def parse_control_value(value: str) -> tuple[Control, str | None] | None:
    """``up:2511.01234`` → (UP, "2511.01234"); None for anything that is not one of ours."""
    name, _, paper = value.partition(":")
    try:
        control = Control(name)
    except ValueError:
        return None
    return control, (paper or None)


@dataclass(frozen=True)
class Click:
    """A member clicked one control on the message ``message_id`` (the recorded post)."""

    channel: ChannelRef
    message_id: str
    user_id: str
    control: Control
    click_id: str | None = None  # the platform's id for this click: a retry of it is applied once
    arxiv_id: str | None = None  # the paper the control was rendered for
    at: datetime | None = None
    belongs_to: ChannelRef | None = None  # the channel the message's place belongs to (ReactionEvent.belongs_to)


@dataclass(frozen=True)
class ClickAnswer:
    """What only the clicker sees. ``on``: their state after the click (None: nothing changed);
    ``similar``: More like this's papers, to render privately (never posted or recorded)."""

    control: Control
    text: str
    on: bool | None = None
    similar: Digest | None = None


ADDED = {
    Control.UP: "👍 saved as yours — click 👍 again to undo.",
    Control.DOWN: "👎 saved as yours: fewer papers like this — click 👎 again to undo.",
    Control.SAVE: "🔖 Saved to your reading list — click Save again to remove it.",
}
REMOVED = {
    Control.UP: "👍 taken back — click 👍 again to add it.",
    Control.DOWN: "👎 taken back — click 👎 again to add it.",
    Control.SAVE: "🔖 Removed from your reading list — click Save again to keep it.",
}
NOT_OURS = "That message is not one of my recorded posts any more, so nothing was recorded."
ALREADY = "That click was already recorded."
NO_TASTE = "More like this needs personalization, which is off here ([embedding] enabled = false)."


class FeedbackUseCases:
    def __init__(self, store: Store, reactions: ReactionUseCases, taste: TasteUseCases | None) -> None:
        self._store = store
        self._reactions = reactions
        self._taste = taste

    async def click(self, click: Click) -> ClickAnswer:
        """Apply one click. Raises StoreUnavailableError when the database fails it (nothing is
        remembered then, so the adapter's retry — or the member's next click — applies it once)."""
        if click.control is Control.SIMILAR:
            return await self._similar(click)
        event = ReactionEvent(click.channel, click.message_id, click.user_id, EMOJI[click.control], added=True,
                              at=click.at, event_id=f"click:{click.click_id}" if click.click_id else None,
                              belongs_to=click.belongs_to)
        result = await self._reactions.toggle(event, arxiv_id=click.arxiv_id)
        if result.outcome is ReactionOutcome.STORED:
            return ClickAnswer(click.control, ADDED[click.control], on=True)
        if result.outcome is ReactionOutcome.REMOVED:
            return ClickAnswer(click.control, REMOVED[click.control], on=False)
        if result.outcome is ReactionOutcome.DUPLICATE:
            return ClickAnswer(click.control, ALREADY)
        return ClickAnswer(click.control, NOT_OURS)

    async def _similar(self, click: Click) -> ClickAnswer:
        posts = await posts_of_message(self._store, click.channel, click.message_id, click.belongs_to)
        ids = [p.arxiv_id for p in posts]
        arxiv_id = click.arxiv_id if click.arxiv_id in ids else (ids[0] if ids else None)
        if arxiv_id is None:
            return ClickAnswer(click.control, NOT_OURS)
        if self._taste is None:
            return ClickAnswer(click.control, NO_TASTE)
        paper = (await self._store.get_papers({arxiv_id})).get(arxiv_id)
        if paper is None:
            return ClickAnswer(click.control, NOT_OURS)
        items = tuple(await self._taste.similar(paper, SIMILAR_COUNT))
        title = f"More like “{shorten(paper.title, 80)}”"
        if not items:
            return ClickAnswer(click.control, f"{title}: nothing similar is stored yet.")
        return ClickAnswer(click.control, f"{title}: {counted(len(items), 'paper')}, only you can see this.",
                           similar=Digest(title=title, items=items))
