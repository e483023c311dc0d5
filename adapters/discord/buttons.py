"""The controls on every posted paper on Discord (message buttons), and what a click on one does.

Rendering: one row of four buttons under each paper's message — 👍, 👎, 🔖 Save, More like this —
whose ``custom_id`` names the control and the paper (``paperbot:up:2511.01234``, ≤ 100 characters;
≤ 5 buttons a row). They are sent as a :class:`discord.ui.View` that is stopped first: discord.py
would otherwise keep every message's view in memory for good (a view without timeout), and clicks
do not need it. They are handled by a raw ``on_interaction`` listener matching the ``paperbot:``
prefix, so a button keeps working on messages posted before a restart.

Handling: the click is acknowledged at once (an ephemeral "thinking…", within Discord's 3 s), then
goes to the core (``PaperBot.on_click``): the same signal as the reaction, toggled. The clicker's
ephemeral answer says what they now have ("👍 saved as yours — click 👍 again to undo"); More
like this answers with the similar papers' embeds, to them only. Discord never delivers an
interaction again, so a click the database failed is kept and retried by the core
(``PaperBot.keep_for_retry``, spooled so a restart replays it; keyed by the interaction id, so it
counts once), and the clicker is told it will be recorded shortly — unless the database lacks a
table, which needs repair and no wait heals (:func:`bot.errors.store_words`); when a retry in this process
applies it, the answer replaces that note.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import discord

from adapters.discord.embeds import item_embed, pack_embeds
from adapters.discord.forum import Forums
from adapters.discord.previews import fitted
from adapters.discord.text import fit
from bot.app import PaperBot
from bot.domain import ChannelRef
from bot.errors import StoreSchemaError, store_words
from bot.replies import Publication
from bot.usecases.feedback import Click, ClickAnswer, Control, control_value, parse_control_value
from bot.usecases.kept_kinds import kept_click

_log = logging.getLogger(__name__)

PREFIX = "paperbot:"
MAX_CUSTOM_ID = 100
MAX_ROW = 5
MAX_CONTENT = 2000
UNKNOWN_INTERACTION = 10062
NO_MENTIONS = discord.AllowedMentions.none()

KEPT = ("My database is unavailable for a moment, so your click is kept and will be recorded shortly; "
        "no need to click again.")
BROKEN = "Something went wrong on my side, so your click was not recorded; the error is logged."

def kept_words(why: BaseException | None) -> str:
    """What the clicker is told when the click was not applied now: kept for a passing outage ("shortly");
    kept too when the database lacks a table, but then it needs repair, which no wait brings (the
    core's words); not kept at all, that it was not recorded."""
    if isinstance(why, StoreSchemaError):
        return store_words(why, "your click is not recorded yet (it is kept for after the repair)")
    return KEPT if why is not None else BROKEN


LABELS: dict[Control, tuple[str | None, str | None, discord.ButtonStyle]] = {
    Control.UP: ("👍", None, discord.ButtonStyle.secondary),
    Control.DOWN: ("👎", None, discord.ButtonStyle.secondary),
    Control.SAVE: ("🔖", "Save", discord.ButtonStyle.secondary),
    Control.SIMILAR: (None, "More like this", discord.ButtonStyle.primary),
}


def custom_id(control: Control, arxiv_id: str) -> str:
    return (PREFIX + control_value(control, arxiv_id))[:MAX_CUSTOM_ID]


def paper_view(arxiv_id: str) -> discord.ui.View:
    """The row of controls for one paper's message (call inside the event loop: views need it)."""
    view = discord.ui.View(timeout=None)
    for n, (control, (emoji, label, style)) in enumerate(LABELS.items()):
        view.add_item(discord.ui.Button(style=style, label=label, emoji=emoji, custom_id=custom_id(control, arxiv_id),
                                        row=n // MAX_ROW))
    view.stop()  # rendered only: clicks come to ButtonListener, nothing is kept per message
    return view


def views_for(publication: Publication, items: list[int]) -> Any:
    """The controls for the message carrying ``items`` of ``publication`` (its first paper's), or
    ``discord.utils.MISSING`` for a message that carries no paper (an empty digest's headline)."""
    digest = publication.as_digest()
    return paper_view(digest.items[items[0]].paper.arxiv_id) if items else discord.utils.MISSING


def answer_fields(answer: ClickAnswer) -> dict[str, Any]:
    """The ephemeral answer's content (and More like this's embeds), neutralised and bounded."""
    content = fitted(lambda room: fit(answer.text, room), MAX_CONTENT) or "…"  # an edit: URLs as <url>
    if answer.similar is None:
        return {"content": content, "embeds": []}
    embeds = [item_embed(item, n) for n, item in enumerate(answer.similar.items, 1)]
    return {"content": content, "embeds": pack_embeds(embeds)[0] if embeds else []}


def _control_of(interaction: discord.Interaction) -> tuple[Control, str | None] | None:
    if interaction.type is not discord.InteractionType.component:
        return None
    data: dict[str, Any] = dict(interaction.data or {})
    raw = data.get("custom_id")
    if not isinstance(raw, str) or not raw.startswith(PREFIX):
        return None
    return parse_control_value(raw[len(PREFIX):])


@dataclass
class ButtonListener:
    """Clicks on the controls of any of the bot's messages, old or new."""

    paperbot: PaperBot
    dm_workspaces: dict[int, str] = field(default_factory=dict)  # the platform's: DM channel → guild
    forums: Forums | None = None  # which channels are forum posts (a click there counts for the forum)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        parsed = _control_of(interaction)
        if parsed is None or interaction.message is None or interaction.channel_id is None:
            return  # not ours: slash commands go to the command tree
        control, arxiv_id = parsed
        if not await self._defer(interaction):
            return
        message_id, channel_id = str(interaction.message.id), str(interaction.channel_id)
        workspace = await self._workspace(interaction, message_id)
        forum = await self.forums.parent_forum(interaction.channel) if self.forums is not None else None
        click = Click(ChannelRef("discord", workspace, channel_id), message_id, str(interaction.user.id), control,
                      click_id=str(interaction.id), arxiv_id=arxiv_id,
                      belongs_to=ChannelRef("discord", workspace, str(forum)) if forum is not None else None)

        async def answer(result: object) -> None:  # now, or when a retry applies it (not after a restart)
            if isinstance(result, ClickAnswer):
                await self._tell(interaction, answer_fields(result))

        what = f"click {control.value} by {click.user_id} on {channel_id}/{message_id}"
        event = kept_click(click, what)
        if await self.paperbot.keep_for_retry(event, then=answer):
            return
        await self._tell(interaction, {"content": kept_words(self.paperbot.retry.kept_because(event)), "embeds": []})

    async def _workspace(self, interaction: discord.Interaction, message_id: str) -> str:
        """The guild; in a DM, the guild the digest was sent for (the stored post says)."""
        if interaction.guild_id:
            return str(interaction.guild_id)
        try:
            found = await self.paperbot.workspace_of_message("discord", str(interaction.channel_id), message_id)
        except Exception:  # noqa: BLE001 - fall back to what open_dm remembered
            _log.warning("could not look up the guild of DM message %s", message_id)
            found = None
        return found or self.dm_workspaces.get(interaction.channel_id or 0, "dm")

    async def _defer(self, interaction: discord.Interaction) -> bool:
        """Acknowledge at once with an ephemeral "thinking…"; False when Discord already expired it."""
        try:
            await interaction.response.defer(ephemeral=True, thinking=True)
        except discord.NotFound as exc:
            if exc.code != UNKNOWN_INTERACTION:
                raise
            _log.warning("click %s expired before it could be acknowledged", interaction.id)
            return False
        return True

    async def _tell(self, interaction: discord.Interaction, fields: dict[str, Any]) -> None:
        """Replace the ephemeral "thinking…" with the answer; never raises (the click is stored)."""
        try:
            await interaction.edit_original_response(allowed_mentions=NO_MENTIONS, **fields)
        except discord.HTTPException as exc:
            _log.warning("could not answer click %s: %s", interaction.id, exc.status)
